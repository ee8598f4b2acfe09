"""The memory service: sessions (L2) and facts (L4) of one workspace.

    memory = Memory(db, config.memory)
    history = memory.history("support-42")           # what the model sees of earlier turns
    memory.facts.add("Deploys happen on Tuesdays", source_run=run_id)
    memory.search("when do we deploy?")              # ranked facts (BM25, + embeddings if installed)

Memory never loosens replay: recalled facts and session history only reach model prompts, and
a run whose tool arguments carry a value that came from them, not from its goal, is marked
`context_dependent` so that learning does not take it as evidence for a plan.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from llmos.memory.history import fit, turn_messages
from llmos.memory.retrieval import Hit, Ranker, embed_passages, embeddings_available
from llmos.storage.memory import Fact, FactStore, SessionStore

if TYPE_CHECKING:
    from llmos.config import MemoryConfig
    from llmos.models.base import Message
    from llmos.storage.base import StoreDB
    from llmos.trace import Trace

_VALUE_TOKEN = re.compile(r"[\w@.+-]{3,}")


@dataclass(frozen=True)
class Recalled:
    fact: Fact
    score: float
    lexical: bool

    def to_dict(self) -> dict[str, Any]:
        return {**self.fact.to_dict(), "score": round(self.score, 6), "lexical": self.lexical}


class Memory:
    """Sessions and facts over the workspace database."""

    def __init__(self, db: StoreDB, config: MemoryConfig) -> None:
        self.config = config
        self.sessions = SessionStore(db)
        self.facts = FactStore(db)
        self._lock = threading.Lock()
        self._index: tuple[object, list[Fact], Ranker] | None = None
        self._vectors: dict[str, Any] = {}  # fact id -> passage embedding: each fact embedded once

    # ------------------------------------------------------------------ sessions
    def history(self, session_id: str) -> list[Message]:
        messages, _ = fit(self.sessions.turns(session_id), self.config.session_max_tokens)
        return messages

    def record_turn(self, session_id: str, trace: Trace, messages: Sequence[Message]) -> int:
        answer = trace.output or (f"(the run ended {trace.status}: {trace.error})" if trace.error else "")
        return self.sessions.append(
            session_id,
            run_id=trace.id,
            goal=trace.goal,
            answer=answer,
            messages=turn_messages(trace.goal, answer, messages),
            agent=trace.agent,
        )

    # ------------------------------------------------------------------ facts
    def _ranker(self) -> tuple[list[Fact], Ranker]:
        key = self.facts.version()
        with self._lock:
            if self._index is None or self._index[0] != key:
                facts = self.facts.all()
                ranker = Ranker([f.text for f in facts], vectors=self._embed(facts))
                self._index = (key, facts, ranker)
            return self._index[1], self._index[2]

    def _embed(self, facts: list[Fact]) -> Any:
        if self.config.embeddings != "auto" or not facts or not embeddings_available():
            return None
        import numpy as np

        new = [f for f in facts if f.id not in self._vectors]
        if new:
            for f, v in zip(new, embed_passages([f.text for f in new]), strict=True):
                self._vectors[f.id] = v
        return np.stack([self._vectors[f.id] for f in facts])

    def search(
        self, query: str, k: int = 5, *, namespace: str | None = None, include_rejected: bool = False
    ) -> list[Recalled]:
        facts, ranker = self._ranker()
        if not facts or not query.strip():
            return []
        out: list[Recalled] = []
        hits: Iterable[Hit] = ranker.search(query, k=len(facts))
        for hit in hits:
            fact = facts[hit.index]
            if namespace is not None and fact.namespace != namespace:
                continue
            if fact.rejected and not include_rejected:
                continue
            out.append(Recalled(fact, hit.score, hit.lexical))
            if len(out) >= k:
                break
        return out

    def recall_block(self, goal: str) -> tuple[str, list[str]]:
        """The `[MEMORY]` block for a model prompt: the few most relevant facts that share a term
        with the goal, and their ids."""
        n = self.config.facts_in_prompt
        if n <= 0 or not self.facts.version()[0]:
            return "", []
        recalled = [r for r in self.search(goal, k=n * 2) if r.lexical][:n]
        if not recalled:
            return "", []
        lines = "\n".join(f"- {r.fact.text}" for r in recalled)
        text = (
            "[MEMORY]\nFacts recalled from earlier runs (they may be outdated; tool results of this run win):\n"
            f"{lines}\n[/MEMORY]"
        )
        return text, [r.fact.id for r in recalled]

    def mark_run_rejected(self, run_id: str) -> int:
        return self.facts.mark_rejected(run_id)


def _tokens(text: str) -> set[str]:
    return {t.lower().strip(".-+") for t in _VALUE_TOKEN.findall(text)} - {""}


def _leaves(value: object) -> Iterable[str]:
    if isinstance(value, dict):
        for v in value.values():
            yield from _leaves(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _leaves(v)
    elif value is not None and not isinstance(value, bool):
        yield str(value)


def used_context(trace: Trace, context: str) -> list[str]:
    """Values in the run's tool arguments that appear in `context` (recalled facts, session
    history) but not in the goal: evidence that the run depended on more than its goal."""
    if not context:
        return []
    ctx_tokens = _tokens(context)
    goal_tokens = _tokens(trace.goal)
    found: list[str] = []
    for call in trace.tool_calls:
        for leaf in _leaves(call.arguments):
            for tok in _tokens(leaf):
                if tok in ctx_tokens and tok not in goal_tokens and tok not in found:
                    found.append(tok)
    return found
