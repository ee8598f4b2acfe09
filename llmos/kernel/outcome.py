"""Honest success (issue 9, rule 7): a run succeeds only when its work finished.

`unfinished(trace, answer)` says why a run that reached a final answer did not finish its work
('' when it did). The rule has three parts, checked in this order:

1. **an unresolved tool error**: a call failed and the run never got past it: no later call of
   the same tool succeeded (a retry, corrected arguments) and no call of a later turn succeeded
   (another way to the goal);
2. **a denied call the run did not get past**: the hook chain (policy, budget, a person) refused
   a call, under the same rule;
3. **a give-up in words**: the final answer says, in the first person, that the work could not be
   done ("I could not finish ...", "I was unable to ...", "Unable to ...").

Calls of every source count (a replay's calls before a fallback, the model's after it); the call
of a crystallized tool counts through the calls it made, not as one call of its own.
"""

from __future__ import annotations

import re

from llmos.trace import ToolCallRecord, Trace

__all__ = ["GIVE_UP", "gave_up", "unfinished", "unresolved_calls"]

_NOT = r"(?:n['’]?t|\s+not)"
GIVE_UP = re.compile(
    r"(?:^|(?<=[.!?:;\n])\s?|\bbut\s|\bsorry,?\s)"  # linear: callers collapse runs of whitespace first
    r"(?:"
    r"(?:I|we)\s+(?:(?:could|can|did|was|were)" + _NOT + r"|cannot|can['’]t)\s+"
    r"(?:finish|complete|do|perform|carry|proceed|continue|get|make|save|send|create|write|update|read|run|"
    r"access|reach|fulfil|fulfill|manage|accomplish|succeed)"
    r"|(?:I|we)\s+(?:was|were|am|are|['’]m|['’]re)\s+(?:unable|not\s+able)\s+to"
    r"|(?:I|we)\s+(?:gave|give|had\s+to\s+give)\s+up"
    r"|(?:I|we)\s+(?:failed|had\s+to\s+stop)\b"
    r"|unable\s+to\s+(?:finish|complete|do|proceed|continue)"
    r")",
    re.IGNORECASE,
)


_SPACES = re.compile(r"\s+")


def gave_up(answer: str) -> str:
    """The give-up phrase in a final answer ('' when there is none)."""
    m = GIVE_UP.search(_SPACES.sub(" ", answer or "").strip())
    return m.group(0).strip() if m else ""


def _work_calls(trace: Trace) -> list[ToolCallRecord]:
    """The calls that did the run's work, in order: top-level calls, with a crystallized tool's
    call replaced by the calls it made."""
    crystallized = {c.id for c in trace.tool_calls if c.parent_id is None and c.source == "crystallized"}
    return [
        c
        for c in trace.tool_calls
        if (c.parent_id is None and c.source != "crystallized") or (c.parent_id in crystallized)
    ]


def unresolved_calls(trace: Trace) -> list[ToolCallRecord]:
    """Failed or denied calls the run never got past: no later successful call of the same tool
    (a retry, corrected arguments), and no successful call in a later turn (another way)."""
    calls = _work_calls(trace)
    out = []
    for i, c in enumerate(calls):
        if not (c.is_error or c.denied):
            continue
        if not any(_gets_past(c, later) for later in calls[i + 1 :]):
            out.append(c)
    return out


def _gets_past(failed: ToolCallRecord, later: ToolCallRecord) -> bool:
    ok = not later.is_error and not later.denied
    return ok and (later.name == failed.name or later.turn > failed.turn)


def unfinished(trace: Trace, answer: str) -> str:
    """Why this run did not finish its work ('' when it did)."""
    left = unresolved_calls(trace)
    denied = [c for c in left if c.denied]
    failed = [c for c in left if not c.denied]
    if failed:
        c = failed[-1]
        return f"unresolved tool error: {c.name} failed ({c.result[:200]}) and no later call of it succeeded"
    if denied:
        c = denied[-1]
        return f"a denied call was not got past: {c.name} ({c.decision_reason[:200] or 'denied'})"
    phrase = gave_up(answer)
    if phrase:
        return f"the model gave up: {phrase!r}"
    return ""
