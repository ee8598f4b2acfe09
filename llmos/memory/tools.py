"""`memory_write` and `memory_search`: the agent's own long-term facts (L4)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from llmos.tools.base import Tool, ToolContext, ToolOutput, function_tool

if TYPE_CHECKING:
    from llmos.memory.service import Memory

SOURCE = "memory"


def memory_tools(memory: Memory) -> list[Tool]:
    def memory_write(
        ctx: ToolContext, text: str, namespace: str = "default", tags: list[str] | None = None
    ) -> ToolOutput:
        """Remember a fact for later runs (one short, self-contained statement).

        Args:
            text: The fact, e.g. "The staging database runs PostgreSQL 15".
            namespace: A group for the fact (a project, a user); "default" if unsure.
            tags: Optional keywords.
        """
        fact = memory.facts.add(
            text, namespace=namespace, metadata={"tags": list(tags or [])}, source_run=ctx.run_id or None
        )
        return ToolOutput(json.dumps({"id": fact.id, "namespace": fact.namespace, "saved": True}), data=fact.id)

    def memory_search(query: str, limit: int = 5, namespace: str | None = None) -> ToolOutput:
        """Search the facts remembered in earlier runs, best first.

        Args:
            query: What you want to know, in words.
            limit: How many facts at most (1-20).
            namespace: Only facts of this group.
        """
        hits = memory.search(query, k=max(1, min(int(limit), 20)), namespace=namespace)
        items = [{"id": h.fact.id, "text": h.fact.text, "namespace": h.fact.namespace} for h in hits]
        return ToolOutput(json.dumps(items, ensure_ascii=False), data=items)

    return [
        function_tool(memory_write, source=SOURCE, kind="function"),
        function_tool(memory_search, source=SOURCE, kind="function"),
    ]
