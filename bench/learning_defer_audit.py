"""Which of a plan's last-group steps could have rule 1's records deferred? (issue 9, perf13: perf9's lever)

    PYTHONPATH=. .venv/bin/python bench/learning_defer_audit.py                 # the bench's shape, the dump's corpus
    PYTHONPATH=. .venv/bin/python bench/learning_defer_audit.py --db WS/llmos.db  # a kept workspace's store

perf9 measured that not recording the `seen` of a plan's last group saves ~15% of storing's instructions. A rule
that defers those records is safe by construction only while no reader can need them, decided from the plan's
state at observe time. For every step of a plan's last group this tells which readers the plan's state already
lets in (each weighted by the plan's support: the merges a deferral would skip):
- `answer`: the answer template, or the template the fitted runs share (`fit_ref`), reads the step's result
  (`('res', i, ...)` in any hole, any rival: rule 2 keeps them all). Split into `answer_calc` (a computed figure:
  `_seen_answer.answer_seen_problem`, `_answer_text`), `answer_pick` (`_seen_picks`) and `answer_plain` (a value
  stated as it is: no reader of `seen` beside `_seen_answer.keep`/`decided_problem`, which run on every answer);
- `arg_records`: the step's `seen` holds records of its *arguments* (`~argday`, `~wtab`, `~dtab`, `~ctotal`, made
  by `_arg_dates.record_run` inside `_seen.record`), which `_arg_relations.argument_problem` reads before the
  step is called on every replay whose tool is not a read: that part of the dict can never be deferred;
- `fit_runs`: the answer's template started again (`fit_runs` > 0): `_seen_answer.decided_problem(fitted=True)`
  reads every step's `fit_seen` before every answer that template states, whatever the tools' risk;
- `conditional`: the skeleton's fixed words hold a genuine conditional word (`check_end`, `branches.choose`);
- `branching`: branching, contradicted or a loop's plan (`branches.py`, `loops/`);
- `if_split`: nothing but `answer_plain` and `arg_records` (what a rule that keeps the argument records apart,
  eager, and allows a value the answer states as it is could defer);
- `safe_by_state`: none of the above. Still read at replay by `decided_problem` when the replay's `risk_of` calls
  every step a read or the live goal is a yes/no that declines (neither is known at observe time: learning has no
  risks), by `wordings` (a sibling lends), `rule3`, `conditions.vocabulary` and both codecs.
Nothing is written to the store it reads.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from learning_bench import make_trace
from learning_dump import traces

from llmos.config import LearningConfig
from llmos.learning import conditions
from llmos.learning.engine import LearningEngine
from llmos.learning.plans import Plan
from llmos.storage.db import Database

ARG_KEYS = ('["~argday"', '["~wtab"', '["~dtab"', '["~ctotal"')


def reads(obj: Any, i: int) -> bool:
    """Whether a template part reads step `i`'s result anywhere."""
    if isinstance(obj, (tuple, list)):
        if len(obj) >= 2 and obj[0] == "res" and obj[1] == i:
            return True
        return any(reads(x, i) for x in obj)
    return False


def answer_kinds(plan: Plan, i: int) -> set[str]:
    """How the answer's holes (and `fit_ref`'s) read step `i`: calc, pick, plain."""
    out: set[str] = set()
    for part in [*plan.answer, *plan.fit_ref]:
        if not (isinstance(part, (tuple, list)) and part and part[0] == "hole"):
            continue
        for cand in part[1]:
            if not reads(cand, i):
                continue
            inner = cand[1] if cand[0] == "calc" else cand
            out.add("answer_calc" if cand[0] == "calc" else "answer_pick" if inner[0] == "pick" else "answer_plain")
    return out


def audit(plans: list[Plan]) -> tuple[Counter[str], Counter[str]]:
    """(steps, runs) per reader kind, over every step of every plan's last group."""
    steps: Counter[str] = Counter()
    runs: Counter[str] = Counter()
    for p in plans:
        last = max(s.group for s in p.steps)
        fixed = [t for j, t in enumerate(p.skeleton) if j not in p.slots]
        cond = bool(conditions.genuine(fixed))
        loop = bool(p.to_dict().get("loop"))
        for i, s in enumerate(p.steps):
            if s.group != last:
                continue
            kinds = answer_kinds(p, i)
            if kinds:
                kinds.add("answer")
            if any(k.startswith(ARG_KEYS) for k in s.seen):
                kinds.add("arg_records")
            if cond:
                kinds.add("conditional")
            if p.branching or p.contradicted or loop:
                kinds.add("branching")
            if p.fit_runs:
                kinds.add("fit_runs")
            if kinds <= {"answer", "answer_plain", "arg_records"}:
                kinds.add("if_split")  # deferrable once the argument records are kept apart and plain reads allowed
            for k in [*kinds, "all"] if kinds - {"if_split"} else ["safe_by_state", "if_split", "all"]:
                steps[k] += 1
                runs[k] += p.support
    return steps, runs


def show(label: str, plans: list[Plan]) -> None:
    steps, runs = audit(plans)
    print(f"{label}: {len(plans)} plans, {steps['all']} last-group steps, {runs['all']} runs")
    for k in sorted(steps, key=lambda k: -runs[k]):
        if k != "all":
            print(
                f"  {k:14s} steps {steps[k]:5d} ({100 * steps[k] / steps['all']:3.0f}%)"
                f"  runs {runs[k]:7d} ({100 * runs[k] / max(1, runs['all']):3.0f}%)"
            )


def learned(ts: list[Any], d: str) -> list[Plan]:
    engine = LearningEngine(Database(Path(d) / "llmos.db"), LearningConfig())
    engine.observe_many(ts)
    return engine.store.load()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", help="a workspace's llmos.db (read only)")
    a = ap.parse_args()
    if a.db:
        engine = LearningEngine(Database(Path(a.db)), LearningConfig())
        show(a.db, engine.store.load())
        return
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as d:
        show(
            "learning_bench's shape (100 skeletons, 600 runs)",
            learned([make_trace(i % 100, rng) for i in range(600)], d),
        )
    with tempfile.TemporaryDirectory() as d:
        show("learning_dump's corpus (--bench 300)", learned(traces(300), d))


if __name__ == "__main__":
    main()
