"""Rule 1: noise may not drop a goal value's presence (or absence).

A text result is checked as a template with the goal values and the arguments masked out (`_seen`); a
text whose template differed in every supporting run is noise, passed on its words. But a mask is
only a place: "affected lots L63104, L73636, \\0" and "affected lots L63104, L73636, L91817" are both
noise, and the one fact a decision reads (is the goal's lot on the notice?) went with it. So for each
text path of a result the evidence also records, per *source*, whether its value occurs in the text
(a whole-token match, any case: the normalisation the masking uses, `_seen_text.mask_values`):

    g<pos>              the goal token at position pos (each word, number or quoted text masking masks)
    a<offset>:<path>    an argument leaf of the call `offset` steps after this one (0: this call; the
                        calls of this group, earlier groups and the next one: the arguments masking masks)

A source whose value was in the text in every supporting run (1) or in none (0) keeps that flag; one
that differed, or was missing from one run, is dropped (`attach`). Before the next group, a live text
that differs in a flag kept stops the replay (`problem`): in all 4 runs the lot was on the notice, and
live it is not. Checked on every text rule 1 checks (noise or not; without noise the template mostly
tells already, but a run of masked words is one mask: "Insulin L91871" and "Insulin" mask alike). A
goal token is checked only at a slot's position (a constant word is the skeleton's, not a value).
The records live inside each text record of `PlanStep.seen` ("m"); a plan of another wording moves
the goal positions (`remap`), a loop's segment drops them (`strip`: its item positions and call
offsets differ per item).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from llmos.learning import explain as ex
from llmos.learning._plan_values import path_key
from llmos.learning._seen_products import ACROSS_KEYS
from llmos.learning._seen_text import occurs_lower, show
from llmos.learning.goals import STOPWORDS, Token
from llmos.learning.plans import Plan

MAX_SOURCE_TOKENS = 24  # goal tokens recorded (the memberships' bound)
MAX_CHARS = 20000  # characters of a text searched for a value

Sources = dict[str, list[str]]  # source -> the texts its value may read as in a result


def _values(v: Any) -> list[str]:
    """The texts a value may read as in a result: what `mask_values` masks (a digit alone masks nothing)."""
    if isinstance(v, str):
        return [v.strip()] if len(v.strip()) >= 2 else []
    if ex.is_num(v) and not isinstance(v, bool) and abs(v) >= 10:
        return sorted({str(v), str(int(v))} if float(v).is_integer() else {str(v)})
    return []


def goal_sources(tokens: list[Token]) -> Sources:
    """The goal's sources (the same for every step of a run)."""
    out: Sources = {}
    for pos, t in enumerate(tokens):
        if len(out) >= MAX_SOURCE_TOKENS:
            break
        if t.kind in ("word", "number", "quoted") and t.text.lower() not in STOPWORDS and len(t.text) >= 2:
            out[f"g{pos}"] = [t.text]
    return out


ArgValues = dict[int, list[tuple[str, list[str]]]]  # call k -> (json(path), texts) of its argument leaves


def sources(
    plan: Plan,
    tokens: list[Token],
    args: list[Any],
    i: int,
    goal: Sources | None = None,
    known: ArgValues | None = None,
    leaves_of: Callable[[int], list[tuple[ex.Path, Any]]] | None = None,
) -> Sources:
    """Step i's sources: the goal's tokens and the argument leaves masking masks for its result (`goal`:
    `goal_sources(tokens)`, when already made for another step of the run; `known`: the calls' argument
    texts listed for another step of the run, filled as they are listed; neither is changed otherwise;
    `leaves_of(k)`: `explain.leaves(args[k])`, listed once for the run: `_run_facts.RunFacts.arg_leaves`)."""
    return sources_of([s.group for s in plan.steps], tokens, args, i, goal, known, leaves_of)


def sources_of(
    groups: list[int],
    tokens: list[Token],
    args: list[Any],
    i: int,
    goal: Sources | None = None,
    known: ArgValues | None = None,
    leaves_of: Callable[[int], list[tuple[ex.Path, Any]]] | None = None,
) -> Sources:
    """`sources`, by the plan's step groups (`groups`: each step's; `_seen_extract`: without the plan)."""
    out = goal_sources(tokens) if goal is None else dict(goal)
    g = groups[i]
    for k, group in enumerate(groups):
        if group <= g + 1 and k < len(args) and args[k] is not None:
            listed = known.get(k) if known is not None else None
            if listed is None:
                arg_leaves = ex.leaves(args[k]) if leaves_of is None else leaves_of(k)
                listed = [(path_key(p), vals) for p, v in arg_leaves if (vals := _values(v))]
                if known is not None:
                    known[k] = listed
            for key, vals in listed:
                out[f"a{k - i}:{key}"] = vals
    return out


def _present(low: str, vals: list[str]) -> int:
    """Whether one of `vals` is a whole token of `low` (a text in lower case, lowered once per text)."""
    return int(any(occurs_lower(low, v.lower()) for v in vals))


def observe(values: list[tuple[ex.Path, Any]], src: Sources) -> dict[str, dict[str, int]]:
    """json(path)|t -> {source: 1 if its value is in that text, else 0} for one run's text values."""
    out: dict[str, dict[str, int]] = {}
    low: list[tuple[str, list[str]]] | None = None  # each source's texts in lower case, lowered once
    for p, v in values:
        if isinstance(v, str):
            text = v[:MAX_CHARS].lower()
            if low is None:
                low = [(s, list(map(str.lower, vals))) for s, vals in src.items()]
            flags = dict.fromkeys(src, 0)  # `_present` per source, in the sources' order
            for s, ws in low:
                for w in ws:
                    if w in text and occurs_lower(text, w):  # most values are in no text: no call then
                        flags[s] = 1
                        break
            out[path_key(p) + "|t"] = flags
    return out


def attach(old: dict[str, Any], new: dict[str, Any], now: dict[str, dict[str, int]]) -> dict[str, Any]:
    """`new` (the records widened by one run: `_seen.merge`) with each text record's flags kept where
    this run agrees with every earlier one (`old`: the records before it). A record this run did not
    show is left as it was (never changed in place: records are shared with copies of the plan)."""
    for key, flags in now.items():
        rec, before = new.get(key), old.get(key)
        if not isinstance(rec, dict) or rec is before:
            continue
        if not isinstance(before, dict):
            rec["m"] = dict(flags)
        else:
            kept = before.get("m", {})
            rec["m"] = {s: f for s, f in kept.items() if flags.get(s) == f}
    return new


def problem(plan: Plan, seen: dict[str, Any], values: list[tuple[ex.Path, Any]], src: Sources) -> str | None:
    """The first text whose live presence of a value differs from every supporting run's, described."""
    for p, v in values:
        if not isinstance(v, str):
            continue
        rec = seen.get(path_key(p) + "|t")
        if not isinstance(rec, dict) or not rec.get("m"):
            continue
        text = v[:MAX_CHARS].lower()
        for s, was in sorted(rec["m"].items()):
            vals = src.get(s)
            if vals is None or (s[0] == "g" and int(s[1:]) not in plan.slots):
                continue  # no such value live; a constant word of the skeleton
            if _present(text, vals) != was:
                what = "goal value" if s[0] == "g" else "argument"
                return (
                    f"{show(path_key(p))}: the {what} {vals[0]!r} was {'in' if was else 'never in'} that text "
                    f"in all {rec.get('n', 0)} supporting runs, and {'is not' if was else 'is'} now "
                    "(noise may not drop a value's presence)"
                )
    return None


def remap(seen: dict[str, Any], m: dict[int, int]) -> dict[str, Any]:
    """The records with goal positions moved to another wording's (`m`: position there; one it lacks
    is dropped)."""
    out = dict(seen)
    for key, rec in seen.items():
        if isinstance(rec, dict) and rec.get("m"):
            moved = {}
            for s, f in rec["m"].items():
                if s[0] != "g":
                    moved[s] = f
                elif int(s[1:]) in m:
                    moved[f"g{m[int(s[1:])]}"] = f
            out[key] = {**rec, "m": moved}
    return out


def strip(seen: dict[str, Any]) -> dict[str, Any]:
    """The records without presence flags (a loop's segment: positions and offsets differ per item), nor
    differences across two reads (`_seen_products.read_differences`: crate 4's load minus bay 1's maximum
    means nothing, and a list of a new length pairs steps no run paired)."""
    return {
        k: ({kk: vv for kk, vv in r.items() if kk != "m"} if isinstance(r, dict) else r)
        for k, r in seen.items()
        if not k.startswith((*ACROSS_KEYS, '["~xcat"', '["~xrnum"'))  # two reads' words (`_seen_joint`), kinds
    }
