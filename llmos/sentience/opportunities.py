"""Improvement opportunities, detected from recent traces and the current valence.

Kinds (each also the name of the action a runtime can register for it):

    crystallize         a goal pattern succeeded often enough to become a tool
    fix_tool            a tool fails often
    cost_concentration  one agent spends most of the money
    boredom             curiosity fell below a threshold (the work is repetitive)
    plan_fallback       a replayed plan keeps falling back to the model

Traces are read through `TraceLike` (llmos.trace.Trace satisfies it) from any
`TraceSource` with `recent(limit)` (llmos.storage.traces.TraceStore satisfies it).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from llmos.sentience.valence import Valence

KINDS = ("crystallize", "fix_tool", "cost_concentration", "boredom", "plan_fallback")


class ToolCallLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def is_error(self) -> bool: ...


class TraceLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def goal(self) -> str: ...
    @property
    def agent(self) -> str: ...
    @property
    def mode(self) -> str: ...
    @property
    def success(self) -> bool: ...
    @property
    def cost_usd(self) -> float: ...
    @property
    def plan_id(self) -> str | None: ...
    @property
    def tool_calls(self) -> Sequence[Any]: ...
    @property
    def events(self) -> Sequence[Mapping[str, Any]]: ...


class TraceSource(Protocol):
    def recent(self, limit: int = 200) -> Sequence[Any]: ...


@dataclass(frozen=True)
class Opportunity:
    kind: str
    target: str
    priority: float  # 0..1, higher first
    description: str
    evidence: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.target}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "target": self.target,
            "priority": round(self.priority, 3),
            "description": self.description,
            "evidence": self.evidence,
        }


_QUOTED = re.compile(r"(\"[^\"]*\"|'[^']*')")
# A path starts where a token starts: without the look-behind, a long run of word characters
# with no slash was rescanned from every position (quadratic: a 16k-character goal took 3.5 s).
_PATH = re.compile(r"(?<![\w./-])(?:[\w.-]*/)+[\w.-]+")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_SPACE = re.compile(r"\s+")


def goal_pattern(goal: str) -> str:
    """A goal with its variable parts (quoted strings, paths, numbers) replaced: the repetition key."""
    g = _QUOTED.sub("<str>", goal.strip().lower())
    g = _PATH.sub("<path>", g)
    g = _NUMBER.sub("<n>", g)
    return _SPACE.sub(" ", g).strip(" .!?")


def _crystallize(traces: Sequence[Any], t: Mapping[str, float]) -> list[Opportunity]:
    by_pattern: dict[str, list[Any]] = defaultdict(list)
    for tr in traces:
        by_pattern[goal_pattern(tr.goal)].append(tr)
    out = []
    need = int(t["crystallize_min_repeats"])
    for pattern, runs in by_pattern.items():
        ok = [r for r in runs if r.success]
        if len(ok) < need or all(r.mode == "crystallized" for r in ok[-3:]):
            continue
        rate = len(ok) / len(runs)
        out.append(
            Opportunity(
                "crystallize",
                pattern,
                min(1.0, 0.4 + 0.05 * len(ok)) * rate,
                f"goal pattern repeated {len(runs)} times ({rate:.0%} success): crystallize it into a tool",
                {
                    "runs": len(runs),
                    "successes": len(ok),
                    "success_rate": round(rate, 3),
                    "run_ids": [r.id for r in ok[-5:]],
                    "example_goal": ok[-1].goal[:200],
                },
            )
        )
    return out


def _fix_tool(traces: Sequence[Any], t: Mapping[str, float]) -> list[Opportunity]:
    calls: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    failing_runs: dict[str, list[str]] = defaultdict(list)
    for tr in traces:
        for c in tr.tool_calls:
            if getattr(c, "decision", "allow") != "allow":
                continue  # a denied call is the policy working, not the tool failing
            calls[c.name] += 1
            if c.is_error:
                errors[c.name] += 1
                if tr.id not in failing_runs[c.name]:
                    failing_runs[c.name].append(tr.id)
    out = []
    for name, n in calls.items():
        rate = errors[name] / n
        if n >= t["tool_min_calls"] and rate >= t["tool_failure_rate"]:
            out.append(
                Opportunity(
                    "fix_tool",
                    name,
                    min(1.0, rate * (0.6 + 0.04 * n)),
                    f"tool {name} failed {errors[name]} of {n} calls ({rate:.0%})",
                    {
                        "calls": n,
                        "errors": errors[name],
                        "failure_rate": round(rate, 3),
                        "run_ids": failing_runs[name][-5:],
                    },
                )
            )
    return out


def _cost(traces: Sequence[Any], t: Mapping[str, float]) -> list[Opportunity]:
    spend: dict[str, float] = defaultdict(float)
    runs: Counter[str] = Counter()
    for tr in traces:
        spend[tr.agent] += float(tr.cost_usd or 0.0)
        runs[tr.agent] += 1
    total = sum(spend.values())
    if total <= 0 or len(spend) < 2:
        return []
    agent, top = max(spend.items(), key=lambda kv: kv[1])
    share = top / total
    if share < t["agent_cost_share"] or runs[agent] < t["agent_min_runs"]:
        return []
    return [
        Opportunity(
            "cost_concentration",
            agent,
            min(1.0, share * 0.8),
            f"agent {agent} spent {share:.0%} of ${total:.4f} over {runs[agent]} runs",
            {
                "agent_cost_usd": round(top, 6),
                "total_cost_usd": round(total, 6),
                "share": round(share, 3),
                "runs": runs[agent],
            },
        )
    ]


def _fallbacks(traces: Sequence[Any], t: Mapping[str, float]) -> list[Opportunity]:
    counts: Counter[str] = Counter()
    runs: dict[str, list[str]] = defaultdict(list)
    for tr in traces:
        for e in tr.events:
            if "fallback" in str(e.get("kind", "")) or "diverge" in str(e.get("kind", "")):
                plan = str(e.get("plan_id") or tr.plan_id or "")
                if plan:
                    counts[plan] += 1
                    runs[plan].append(tr.id)
    return [
        Opportunity(
            "plan_fallback",
            plan,
            min(1.0, 0.3 + 0.15 * n),
            f"plan {plan} fell back to the model {n} times: demote or relearn it",
            {"fallbacks": n, "run_ids": runs[plan][-5:]},
        )
        for plan, n in counts.items()
        if n >= t["fallback_min"]
    ]


def detect(traces: Iterable[Any], valence: Valence, thresholds: Mapping[str, float]) -> list[Opportunity]:
    """Every opportunity the traces and state show, highest priority first."""
    recent = sorted(traces, key=lambda tr: float(getattr(tr, "started_at", 0.0) or 0.0))  # oldest first
    found = _crystallize(recent, thresholds) + _fix_tool(recent, thresholds)
    found += _cost(recent, thresholds) + _fallbacks(recent, thresholds)
    if valence.curiosity < thresholds["boredom_curiosity"]:
        found.append(
            Opportunity(
                "boredom",
                "curiosity",
                min(1.0, 0.3 + abs(valence.curiosity) * 0.5),
                f"curiosity is {valence.curiosity:+.2f}: the work is repetitive; automate it or explore",
                {"curiosity": round(valence.curiosity, 4), "threshold": thresholds["boredom_curiosity"]},
            )
        )
    found.sort(key=lambda o: (-o.priority, o.key))
    return found
