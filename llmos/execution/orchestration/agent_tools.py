"""Agents as tools: every Markdown agent is also a tool `agent__NAME` another agent can call.

The call is an ordinary tool call (so it passes `execute_tool_call`: policy, hooks, trace); the
tool runs the goal as a full run of that agent (`LLMOS.execute`, linked by `parent_id`, firing
SubagentStart/SubagentStop), capped by what remains of the caller's run cap, and returns the
answer. The tools are deferred (offered when an agent names them in `tools:` or `tool_search`
finds them); nesting is limited to `MAX_DEPTH`, and an agent never calls itself.
"""

from __future__ import annotations

import contextvars
from typing import TYPE_CHECKING, Any

from llmos.kernel.context import RunContext
from llmos.tools.base import Tool, ToolContext, ToolOutput

if TYPE_CHECKING:
    from llmos.agents.parse import Agent
    from llmos.runtime import LLMOS

PREFIX = "agent__"
SOURCE = "agents"
MAX_DEPTH = 2
_depth: contextvars.ContextVar[int] = contextvars.ContextVar("llmos_agent_tool_depth", default=0)

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"goal": {"type": "string", "description": "what the agent should do, self-contained"}},
    "required": ["goal"],
    "additionalProperties": False,
}


def tool_name(agent: str) -> str:
    return PREFIX + agent


def agent_tool(rt: LLMOS, agent: Agent) -> Tool:
    name = agent.name

    async def invoke(args: dict[str, Any], tctx: ToolContext) -> ToolOutput:
        goal = str(args.get("goal") or "").strip()
        if not goal:
            return ToolOutput("ERROR: goal is empty: say what the agent should do", is_error=True)
        parent: RunContext | None = tctx.extra.get("run_context")
        if parent is not None and parent.trace.agent == name:
            return ToolOutput(f"ERROR: agent {name!r} cannot call itself", is_error=True)
        depth = _depth.get()
        if depth >= MAX_DEPTH:
            return ToolOutput(f"ERROR: agents may call agents only {MAX_DEPTH} levels deep", is_error=True)
        cap = parent.scratch.get("run_cap_usd") if parent is not None else None
        budget = None if cap is None else max(0.0, cap - rt.ledger.run_spent(tctx.run_id))
        if parent is not None:
            await rt.hooks.subagent_start(parent, name, goal)
        token = _depth.set(depth + 1)
        try:
            result = await rt.execute(
                goal,
                agent=name,
                events=parent.events if parent is not None else None,
                ask=parent.ask if parent is not None else None,
                parent_id=tctx.run_id or None,
                budget_usd=budget,
            )
        finally:
            _depth.reset(token)
        if parent is not None:
            if cap is not None:  # what the sub-run spent comes out of the caller's cap
                parent.scratch["run_cap_usd"] = max(0.0, cap - result.cost_usd)
            child = rt.traces.get(result.run_id)
            if child is not None:
                await rt.hooks.subagent_stop(parent, name, child)
        if not result.success:
            return ToolOutput(
                f"ERROR: agent {name} did not finish ({result.status}): {result.error}\n{result.output}",
                is_error=True,
                data={"run_id": result.run_id},
            )
        return ToolOutput(result.output, data={"run_id": result.run_id, "mode": result.mode})

    description = (
        f"Ask the {name} agent ({agent.description.rstrip('.')}). It works on the goal in a run of its own "
        "and returns its answer."
    )
    return Tool(tool_name(name), description, SCHEMA, invoke, source=SOURCE, kind="function", metadata={"defer": True})


def sync_agent_tools(rt: LLMOS) -> None:
    """Register a tool for every usable agent (and drop those whose agent is gone)."""
    agents = {a.name: a for a in rt.agents.list()}
    known: set[str] | None = getattr(rt, "_known_tools", None)  # not "new tools" for sentience
    for existing in [n for n in rt.registry.names() if n.startswith(PREFIX)]:
        tool = rt.registry.get(existing)
        if tool is not None and tool.source == SOURCE and existing[len(PREFIX) :] not in agents:
            rt.registry.remove(existing)
    for agent in agents.values():
        current = rt.registry.get(tool_name(agent.name))
        if current is None or current.metadata.get("description_of") != agent.description:
            tool = agent_tool(rt, agent)
            tool.metadata["description_of"] = agent.description
            rt.registry.register(tool, replace=True)
            if known is not None:
                known.add(tool.name)
