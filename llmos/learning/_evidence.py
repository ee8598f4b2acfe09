"""Evidence: a successful trace normalised into the unit plans are built from and rebuilt from.

normalise(trace)      top-level calls (a crystallized tool's call replaced by the calls it made),
                      retried errors folded away, grouped by turn
without_repeats(ev)   the evidence without calls that repeat an earlier call

The private interior of `llmos.learning.induction`, which re-exports every name here.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from llmos.learning import _shortcuts
from llmos.learning import explain as ex
from llmos.learning.goals import Kind, Token, shape, tokenize_goal
from llmos.learning.spans import collapse
from llmos.trace import ToolCallRecord, Trace


@dataclass
class Call:
    name: str
    group: int
    arguments: dict[str, Any]
    result: str


@dataclass
class Evidence:
    """A successful trace, normalised: the unit plans are built from and rebuilt from."""

    trace_id: str
    agent: str
    goal: str
    calls: list[Call]
    answer: str = ""
    mode: str = "learner"
    at: float = field(default_factory=time.time)
    tokens: list[Token] = field(default_factory=list)
    _env: ex.Env | None = field(default=None, repr=False, compare=False)
    _shapes: list[str] | None = field(default=None, repr=False, compare=False)
    _raw: list[Token] | None = field(default=None, repr=False, compare=False)
    # every call of the run as made (`engine._observe_support`; not a copy read into another wording, `_pool`, nor
    # one without repeats, `without_repeats`): a model's answer to it is a function of these calls (`_same_run`)
    whole_run: bool = field(default=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.tokens:  # a value of several words taken verbatim is one token (`spans.collapse`)
            self.tokens = collapse(self.raw_tokens(), [c.arguments for c in self.calls])

    def raw_tokens(self) -> list[Token]:
        """`goals.tokenize_goal(goal)`, every word a token of its own (tokenised once; callers only read it)."""
        if self._raw is None:
            self._raw = tokenize_goal(self.goal)
        return self._raw

    @property
    def seq(self) -> tuple[tuple[str, ...], ...]:
        groups: dict[int, list[str]] = {}
        for c in self.calls:
            groups.setdefault(c.group, []).append(c.name)
        return tuple(tuple(groups[g]) for g in sorted(groups))

    def env(self) -> ex.Env:
        if self._env is None:
            texts: list[str | None] = [c.result for c in self.calls]
            self._env = ex.Env(self.tokens, texts, [ex.parse_result(c.result) for c in self.calls])
        return self._env

    def shapes(self) -> list[str]:
        """`goals.shape` of every goal token (the words of a skeleton recur in every run: cached)."""
        if self._shapes is None:
            self._shapes = [_cached_shape(t.kind, t.text) if _shortcuts.ON else shape(t) for t in self.tokens]
        return self._shapes

    def token_texts(self) -> tuple[str, ...]:
        return tuple(t.text for t in self.tokens)

    def to_dict(self) -> dict[str, Any]:
        return {
            "trace_id": self.trace_id,
            "agent": self.agent,
            "goal": self.goal,
            "answer": self.answer,
            "mode": self.mode,
            "at": self.at,
            "calls": [[c.name, c.group, c.arguments, c.result] for c in self.calls],
            **({"whole": True} if self.whole_run else {}),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Evidence:
        return cls(
            d["trace_id"],
            d["agent"],
            d["goal"],
            [Call(n, g, a, r) for n, g, a, r in d["calls"]],
            d.get("answer", ""),
            d.get("mode", "learner"),
            d.get("at", 0.0),
            whole_run=bool(d.get("whole", False)),
        )


@lru_cache(maxsize=1 << 16)
def _cached_shape(kind: Kind, text: str) -> str:
    """`shape(Token(kind, text))`, keyed by the two texts (a Token hashes in Python, two texts in C)."""
    return shape(Token(kind, text))


def support_problem(trace: Trace) -> str | None:
    """Why a trace cannot support a plan (None: it can)."""
    if trace.rejected:
        return "the run was rejected"
    if trace.status != "success":
        return f"the run ended with status {trace.status}"
    if trace.mode == "orchestrator":
        return "an orchestrated run: its subtasks are learned, each from its own trace"
    if any(c.denied for c in trace.tool_calls):
        return "a tool call was denied"
    return None


def _evidence_calls(trace: Trace) -> list[ToolCallRecord]:
    """The top-level calls, with a crystallized tool's call replaced by the calls it made: the
    generated tool is the plan compiled, so its inner calls are what the plan did."""
    out: list[ToolCallRecord] = []
    for c in trace.top_level_calls:
        if c.source == "crystallized":
            out.extend(r for r in trace.tool_calls if r.parent_id == c.id)
        else:
            out.append(c)
    return out


def normalise(trace: Trace, ignore_tools: frozenset[str] = frozenset()) -> Evidence | str:
    """The trace as evidence, or the reason it supports no plan."""
    problem = support_problem(trace)
    if problem:
        return problem
    top = [c for c in _evidence_calls(trace) if c.name not in ignore_tools]
    if not top:
        return "the run made no tool calls"
    kept: list[ToolCallRecord | None] = list(top)
    for i, rec in enumerate(top):
        if kept[i] is None or not rec.is_error:
            continue
        # an error followed by an identical successful retry: the retry takes the error's place
        for j in range(i + 1, len(top)):
            other = top[j]
            if other.name == rec.name and _canon(other.arguments) == _canon(rec.arguments):
                if other.is_error:
                    continue
                if kept[j] is not None:
                    kept[i] = _with_turn(other, rec.turn)
                    kept[j] = None
                else:
                    kept[i] = None
                break
    calls = [c for c in kept if c is not None]
    for c in calls:
        if c.is_error:
            return f"the tool call {c.name} failed and was not retried successfully"
    turns = sorted({c.turn for c in calls})
    group_of = {t: g for g, t in enumerate(turns)}
    ordered = sorted(calls, key=lambda c: (group_of[c.turn], c.name))  # stable within a name
    return Evidence(
        trace_id=trace.id,
        agent=trace.agent,
        goal=trace.goal,
        calls=[Call(c.name, group_of[c.turn], c.arguments, c.result) for c in ordered],
        answer=trace.output,
        mode=trace.mode,
        at=trace.started_at,
    )


def without_repeats(ev: Evidence) -> Evidence:
    """The evidence without calls that repeat an earlier call (same tool, equal arguments: 3 == 3.0),
    groups renumbered. For a replay the model finished: it may redo a look-up the replay made."""
    seen: set[str] = set()
    kept: list[Call] = []
    for c in ev.calls:
        key = _sorted_json([c.name, _plain(c.arguments)])
        if key not in seen:
            seen.add(key)
            kept.append(c)
    if len(kept) == len(ev.calls):
        return ev
    renumber = {g: n for n, g in enumerate(sorted({c.group for c in kept}))}
    calls = [Call(c.name, renumber[c.group], c.arguments, c.result) for c in kept]
    return Evidence(ev.trace_id, ev.agent, ev.goal, calls, ev.answer, ev.mode, ev.at, list(ev.tokens))


def _plain(value: Any) -> Any:
    """Arguments with integral floats as ints (the model's 1881 and a replay's 1881.0 are one call)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _canon(arguments: dict[str, Any]) -> str:
    return _sorted_json(arguments)


_sorted_json = json.JSONEncoder(sort_keys=True, default=str).encode  # json.dumps(x, sort_keys=True, default=str)


def _with_turn(rec: ToolCallRecord, turn: int) -> ToolCallRecord:
    return ToolCallRecord(
        id=rec.id,
        name=rec.name,
        arguments=rec.arguments,
        result=rec.result,
        is_error=rec.is_error,
        turn=turn,
        source=rec.source,
    )
