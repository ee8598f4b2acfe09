"""Rule 5 with rule 1: when may a listing of the results stand in for supporting answers that stated a
figure? (The private interior of `llmos.learning.envelope`.)

A read-only plan whose template this run cannot fill answers with a listing of its results. When its
supporting answers stated a figure (`answers.states_figures`) that a value of their run gave
(`answers.unstated_figures` found none missing), the listing shows that value where the runs' results
had it, and stands in for the figure only on results like theirs:

- every text of the result is of a template a supporting run showed, once goal values, the calls'
  arguments and consumed values are masked (its words: "19 registered, 3 absent with notice" where every
  run read "no absences notified" is another template; main listed it for the 16 who sit,
  `families_heldout13b.py` h13b_exam), with rule 1's noise as elsewhere;
- every goal value and argument is in a text, or not, as in every supporting run (`_seen_mentions`);
- a number every supporting run saw alike is still that number ("8 guests invited, 0 declined" in every
  run: "8 will dine" may be 8 - 0, and "11 invited, 3 declined" lists no 8), but for a date, a time or a
  version (digit groups joined: one value, never an operand of a stated count or amount).

A number that differed among the supporting runs is not range-checked here: the stated figure equalled
a value of its run, a computation agreeing with that copy on every run needed numbers the runs saw
alike (a 0 subtracted, a 1 multiplied) or in a fixed order (`Plan.relations`, checked after every group),
and the listing shows every number as it is. Before a write, and for a decided plan, rule 1's ranges
hold as always (`_seen.seen_problem`).
"""

from __future__ import annotations

import json
from typing import Any

from llmos.learning import _seen_mentions as _mentions
from llmos.learning import explain as ex
from llmos.learning._derived import derived_paths
from llmos.learning._seen import Seen, _observed, consumed_paths, excluded, problems, scalars, step_masks
from llmos.learning._seen_text import joined_numbers
from llmos.learning.plans import Plan, path_key

ANY = [float("-inf"), float("inf"), 0.0, 0, 0]  # a number record that admits every number


def listing_problem(plan: Plan, env: ex.Env, args: list[Any], i: int, noise_runs: int) -> tuple[str | None, list[str]]:
    """(why step i's result is unlike every supporting run's, for a listing that stands in for a stated
    figure, or None; the values passed as noise)."""
    text = env.texts[i] if i < len(env.texts) else None
    if not plan.seen_runs or text is None or i >= len(plan.steps):
        return None, []
    step = plan.steps[i]
    consumed, echo = consumed_paths(plan).get(i, set()), set(step.echo_paths)
    derived = derived_paths(plan).get(i, {})
    checked, every = [], []
    for p, v in scalars(env.parsed[i], text):
        if not excluded(p, consumed, echo):
            checked.append((p, v))
            every.append((p, v))
        elif path_key(p) not in echo and p in derived:
            every.append((p, v))
    if not every:
        return None, []
    masks = step_masks(plan, env.tokens, args, i) if any(not ex.is_num(v) for _p, v in every) else []
    obs = _observed(checked, masks)
    joined = {path_key(p) + "|t": joined_numbers(v if isinstance(v, str) else json.dumps(v), masks) for p, v in checked}
    why, noise = problems(_as_listed(step.seen, obs, joined), obs, noise_runs, set(), set())
    if not why:
        why = _mentions.problem(plan, step.seen, every, _mentions.sources(plan, env.tokens, args, i))
    if why:
        why = f"{step.name} returned a value unlike every supporting run's (a listing for a stated figure): {why}"
    return why, noise


def _as_listed(seen: Seen, obs: dict[str, tuple[str, Any]], joined: dict[str, set[int]]) -> Seen:
    """`seen` with every number record that differed among the runs (or is a date's) admitting any number."""
    out = dict(seen)
    for key, (kind, v) in obs.items():
        rec = seen.get(key)
        if rec is None:
            continue
        if kind == "n":
            out[key] = rec if rec[0] == rec[1] else ANY
            continue
        known = rec["t"].get(v[0])
        if known is None:
            continue
        dates = joined.get(key, set())
        nums = [ANY if k in dates or r[0] != r[1] else r for k, r in enumerate(known)]
        out[key] = {**rec, "t": {**rec["t"], v[0]: nums}}
    return out
