"""Rule 1 for the picks an answer states ("the item where a key is least"): the list must keep the gap
every supporting run's pick showed (`pick_problem`). The order statistics are recorded with the
derived quantities (`_seen_derived._ranks`, keys ["~rank", pattern, "min1" | "min2" | "max1" | "max2"]).
"""

from __future__ import annotations

import json
from typing import Any

from llmos.learning import explain as ex
from llmos.learning._seen_derived import _ranks


def pick_problem(
    seen: dict[str, Any], values: list[tuple[ex.Path, Any]], pattern: tuple[Any, ...], op: str
) -> str | None:
    """Rule 1 for a pick ("the item where `pattern` is least") that the supporting runs cannot tell from
    a threshold: in every run the picked key lay apart from all the others (the least tread always
    under 3 mm, every other over 3.5). Any threshold in that gap explains the runs as well as the pick
    does, so the live list must keep the gap: the picked key no further from it than a run's picked key
    was, every other key no nearer than a run's runner-up. Otherwise (two items under the gap, or none)
    the model decides. A pick whose runs overlapped (the cheapest of one run dearer than the second
    cheapest of another) is a pick only, and not checked here."""
    first, second = ("min1", "min2") if op == "min" else ("max1", "max2")
    live = _ranks(values)
    recs = [seen.get(json.dumps(["~rank", list(pattern), k]) + "|n") for k in (first, second)]
    vals = [live.get(json.dumps(["~rank", list(pattern), k]) + "|n") for k in (first, second)]
    r1, r2 = recs
    if not isinstance(r1, list) or not isinstance(r2, list):
        return None
    lo1, hi1, lo2, hi2 = float(r1[0]), float(r1[1]), float(r2[0]), float(r2[1])
    apart = hi1 < lo2 if op == "min" else lo1 > hi2
    if not apart:
        return None
    where = ex.format_path(pattern).replace(".*", "[*]")
    if vals[0] is None or vals[1] is None:
        return f"the list of {where} has fewer than two items, where every supporting run's pick stood apart"
    v1, v2 = vals[0][0], vals[1][0]
    if (op == "min" and (v1 > hi1 or v2 < lo2)) or (op == "max" and (v1 < lo1 or v2 > hi2)):
        return (
            f"the {op}imum of {where} ({v1:g}) and the next ({v2:g}) do not keep the gap every supporting run "
            f"showed (picked [{lo1:g}, {hi1:g}], the next [{lo2:g}, {hi2:g}]): a threshold explains the runs as "
            "well as the pick"
        )
    return None


def picks_problem(steps: Any, env: ex.Env, answer: Any, scalars: Any) -> str | None:
    """`pick_problem` for every pick an answer's holes state (the plan's `steps`; `scalars(parsed, text)`)."""
    for i, pattern, op in pick_sources([c for part in answer if part[0] == "hole" for c in part[1]]):
        text = env.texts[i] if i < len(env.texts) else None
        if text is not None and i < len(steps):
            why = pick_problem(steps[i].seen, scalars(env.parsed[i], text), pattern, op)
            if why:
                return f"{steps[i].name}: {why}"
    return None


def pick_sources(cands: Any) -> list[tuple[int, tuple[Any, ...], str]]:
    """(step, list pattern, "min" | "max") of every pick among `cands` that reads a list of one result."""
    out: list[tuple[int, tuple[Any, ...], str]] = []
    for cand in cands:
        inner = cand[1] if cand[0] == "calc" else cand
        # a pick over dates or weekday names ("min@date") has no ranks of numbers to keep a gap of
        if inner[0] == "pick" and inner[2][0] == "all" and inner[2][1][0] == "res" and "@" not in str(inner[1]):
            ref = inner[2][1]
            out.append((int(ref[1]), tuple(ref[2]), str(inner[1])))
    return out
