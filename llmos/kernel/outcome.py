"""Honest success (issue 9, rule 7): a run succeeds only when its work finished.

`unfinished(trace, answer)` says why a run that reached a final answer did not finish its work
('' when it did). The rule has three parts, checked in this order:

1. **an unresolved tool error**: a call failed and the run never got past it: no later call of
   the same tool succeeded (a retry, corrected arguments) and no call of a later turn succeeded
   (another way to the goal); past a failed write (rule 4's risks, when the caller passes them),
   only a later call that changes the world is another way: reading a listing after a booking
   failed and saying "booked" is no success;
2. **a denied call the run did not get past**: the hook chain (policy, budget, a person) refused
   a call, under the same rule;
3. **a give-up in words**: the final answer says that the work could not be done: in the first
   person ("I could not finish ...", "Unfortunately, I wasn't able to ...", "I have not been able
   to ..."), in the passive ("the note could not be created", "it was not possible to ..."), or in
   a few other languages ("ich konnte ... nicht", "je n'ai pas pu", "no pude", "non sono riuscito",
   "não consegui", "niet gelukt", "nie udało się", "できませんでした"), also with the first person left
   out at a sentence's start ("Couldn't book the berth.", "Can't complete ..."). A phrase that this
   run's successful tool results also contain is data the answer reports, not a give-up.

Calls of every source count (a replay's calls before a fallback, the model's after it); the call
of a crystallized tool counts through the calls it made, not as one call of its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from llmos.trace import ToolCallRecord, Trace

RiskOf = Callable[[str], str]  # tool name -> "read_only" | "idempotent" | "write" | "destructive" (learning.risk)

__all__ = ["GIVE_UP", "gave_up", "unfinished", "unresolved_calls"]

_NOT = r"(?:n['’]?t|\s+not)"
_VERBS = (
    r"(?:finish|complete|do|perform|carry|proceed|continue|get|make|save|send|create|write|update|read|run|"
    r"access|reach|fulfil|fulfill|manage|accomplish|succeed|book|place|fetch|load|open|connect|compute|"
    r"calculate|determine|retrieve|process|submit|execute|apply|transfer|delete|remove|obtain|locate|help|"
    r"refill|renew|order|pay|charge|refund|ship|cancel|reserve|schedule|register|enrol|enroll|deploy|install|"
    r"restart|start|stop|upload|post|publish|approve|assign|issue|dispatch|deliver|move|add|change|set|fix|"
    r"restore|merge|release|rename|copy|archive|import|export|notify|reach|log|record|store|grant|launch)"
)
_PARTICIPLES = (
    r"(?:completed|finished|done|created|saved|updated|sent|written|processed|performed|executed|fulfill?ed|"
    r"carried\s+out|found|read|reached|accessed|retrieved|applied|made|booked|placed|delivered|changed|set|"
    r"recorded|stored|deleted|removed|moved|added|transferred|submitted|calculated|determined|loaded|opened|"
    r"reserved|scheduled|cancell?ed|paid|charged|refunded|shipped|issued|granted|registered|enrolled|posted|"
    r"published|uploaded|installed|deployed|restarted|started|stopped|approved|confirmed|assigned|renamed|"
    r"copied|archived|imported|exported|merged|released|renewed|restored|ordered|dispatched|notified)"
)
# where a first-person give-up may start: a sentence, or after a word of regret ("Unfortunately, I ...")
_LEAD = (
    r"(?:^|(?<=[.!?:;\n])\s?|\bbut\s|\bsorry,?\s|\bunfortunately,?\s|\bsadly,?\s|\bregrettably,?\s|"
    r"\bhowever,?\s|\bafraid,?\s|\bapologi[sz]e,?\s)"
)
GIVE_UP = re.compile(
    r"(?:"
    + _LEAD  # linear: callers collapse runs of whitespace first
    + r"(?:"
    r"(?:I|we)\s+(?:(?:could|can|did|was|were)" + _NOT + r"|cannot|can['’]t)\s+" + _VERBS + r"\b"
    r"|(?:I|we)\s+(?:was|were|am|are|['’]m|['’]re)\s+(?:unable|not\s+able)\s+to"
    r"|(?:I|we)\s+(?:was|were|are)n['’]?t\s+able\s+to"
    r"|(?:I|we)\s+(?:have|had|['’]ve)" + _NOT + r"\s+been\s+able\s+to"
    r"|(?:I|we)\s+(?:have|had|['’]ve)\s+been\s+unable\s+to"
    r"|(?:I|we)\s+(?:gave|give|had\s+to\s+give)\s+up"
    r"|(?:I|we)\s+(?:failed|had\s+to\s+stop)\b"
    r"|(?:I|we)\s+(?:won['’]t|will\s+not)\s+be\s+able\s+to"
    # the first person left out at a sentence's start: "Couldn't book the berth.", "Wasn't able to ..."
    r"|(?:could|can|was|were)" + _NOT + r"\s+(?:(?:be\s+)?able\s+to\s+)?" + _VERBS + r"\b"
    r"|(?:cannot|can['’]t)\s+" + _VERBS + r"\b"
    r"|(?:was|were)\s+(?:unable|not\s+able)\s+to\b"
    r"|(?:unable|failed)\s+to\s+" + _VERBS + r"\b"
    r")"
    # the work itself, in the passive, anywhere: "the note could not be created", "it was not possible to"
    r"|\b(?:couldn['’]t|could\s+not|can['’]t|cannot|can\s+not)\s+be\s+" + _PARTICIPLES + r"\b"
    r"|\b(?:it|this|that)\s+(?:was|is)" + _NOT + r"\s+possible\s+to\b"
    # a few other languages: de, fr, es, it, pt
    r"|\b(?:ich|wir)\s+(?:konnte|konnten|kann|können)\s+(?:\w+\s+){0,6}?nicht\b"
    r"|\b(?:konnte|konnten|kann|können)\s+(?:ich|wir)\s+(?:\w+\s+){0,6}?nicht\b"
    r"|\bnicht\s+möglich\b"
    r"|\b(?:je|nous)\s+n['’](?:ai|avons)\s+pas\s+pu\b|\bje\s+ne\s+(?:peux|pouvais|parviens)\s+pas\b"
    r"|\bimpossible\s+de\b"
    r"|\bno\s+(?:pude|pudimos|puedo|he\s+podido|fue\s+posible|se\s+pudo|es\s+posible)\b"
    r"|\bnon\s+(?:sono|siamo)\s+riuscit[oaie]\b|\bnon\s+(?:ho|abbiamo)\s+potuto\b|\bnon\s+è\s+stato\s+possibile\b"
    r"|\bn[ãa]o\s+(?:consegui|conseguimos|pude|foi\s+poss[íi]vel)\b"
    r"|\b(?:je|nous)\s+n['’](?:ai|avons)\s+pas\s+réussi\b"
    # nl, pl, ja
    r"|\bniet\s+gelukt\b|\b(?:ik|we|wij)\s+(?:kon|konden|kan|kunnen)\s+(?:\w+\s+){0,6}?niet\b"
    r"|\bnie\s+udało\s+się\b|\bnie\s+(?:mogłem|mogłam|mogliśmy|mogłyśmy)\b"
    r"|できませんでした|できなかった"
    r")",
    re.IGNORECASE,
)


_SPACES = re.compile(r"\s+")


def gave_up(answer: str, quoted: tuple[str, ...] | list[str] = ()) -> str:
    """The give-up phrase in a final answer ('' when there is none). A phrase that also occurs in
    `quoted` (the text of this run's successful tool results) reports data, not the run: "the memo
    says the order could not be delivered" is not a give-up when the memo says so."""
    text = _SPACES.sub(" ", answer or "").strip()
    seen = [_SPACES.sub(" ", q).lower() for q in quoted if q]
    for m in GIVE_UP.finditer(text):
        phrase = m.group(0).strip()
        core = _core(phrase)
        if not any(core in q for q in seen):
            return phrase
    return ""


_LEAD_RE = re.compile(r"^(?:but|sorry|unfortunately|sadly|regrettably|however|afraid|apologi[sz]e),?\s", re.IGNORECASE)


def _core(phrase: str) -> str:
    """The phrase without its word of regret, lower case (what a quoted result would contain)."""
    return _LEAD_RE.sub("", phrase).strip().lower()


def _work_calls(trace: Trace) -> list[ToolCallRecord]:
    """The calls that did the run's work, in order: top-level calls, with a crystallized tool's
    call replaced by the calls it made."""
    crystallized = {c.id for c in trace.tool_calls if c.parent_id is None and c.source == "crystallized"}
    return [
        c
        for c in trace.tool_calls
        if (c.parent_id is None and c.source != "crystallized") or (c.parent_id in crystallized)
    ]


def unresolved_calls(trace: Trace, risk_of: RiskOf | None = None) -> list[ToolCallRecord]:
    """Failed or denied calls the run never got past: no later successful call of the same tool
    (a retry, corrected arguments), and no successful call in a later turn (another way). With a
    risk lookup (rule 4), the other way past a failed or denied *write* is a later call that changes
    the world too: a read after it (a listing, a balance) does not do the work the write did not."""
    calls = _work_calls(trace)
    out = []
    for i, c in enumerate(calls):
        if not (c.is_error or c.denied):
            continue
        if not any(_gets_past(c, later, risk_of) for later in calls[i + 1 :]):
            out.append(c)
    return out


def _gets_past(failed: ToolCallRecord, later: ToolCallRecord, risk_of: RiskOf | None = None) -> bool:
    if later.is_error or later.denied:
        return False
    if later.name == failed.name:
        return True
    if later.turn <= failed.turn:
        return False
    if risk_of is None or risk_of(failed.name) == "read_only":
        return True
    return risk_of(later.name) != "read_only"  # past a failed write, only another write is another way


def unfinished(trace: Trace, answer: str, risk_of: RiskOf | None = None) -> str:
    """Why this run did not finish its work ('' when it did). `risk_of`: the tools' risks (rule 4);
    without it every tool counts alike."""
    left = unresolved_calls(trace, risk_of)
    denied = [c for c in left if c.denied]
    failed = [c for c in left if not c.denied]
    if failed:
        c = failed[-1]
        return f"unresolved tool error: {c.name} failed ({c.result[:200]}) and no later call of it succeeded"
    if denied:
        c = denied[-1]
        return f"a denied call was not got past: {c.name} ({c.decision_reason[:200] or 'denied'})"
    quoted = [c.result for c in trace.tool_calls if not c.is_error and not c.denied]
    phrase = gave_up(answer, quoted)
    if phrase:
        return f"the model gave up: {phrase!r}"
    return ""
