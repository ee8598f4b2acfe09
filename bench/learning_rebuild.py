"""Are a plan's rule 1 records a function of its stored evidence? (issue 9, perf9: the check a deferred record needs)

    PYTHONPATH=. .venv/bin/python bench/learning_rebuild.py [--bench 300]     # the dump's corpus, learned here
    PYTHONPATH=. .venv/bin/python bench/learning_rebuild.py --db WS/llmos.db  # a kept workspace's store

Recording a step's `seen` later (from `store.evidence_for`, when a reader first needs it) is only the same as
recording it at each run when the records are a function of the plan's stored evidence in order. For every plan
with two or more evidence rows this learns those rows again, in their order, in a fresh store (`_induce`, as
`LearningEngine._rebuild_plan` does after a rejection) and compares `seen_runs`, each step's `seen` and `fit_seen`
with the stored plan. It prints the counts and why the first few differ (`seen_runs` above the evidence rows: a
replay the model finished was recorded by `induction.refine`, which keeps no evidence row; a plan of another
wording: its records were lent, `wordings.py`). Nothing is written to the store it reads.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from llmos.config import LearningConfig
from llmos.learning.engine import LearningEngine
from llmos.learning.induction import Evidence
from llmos.learning.plans import Plan
from llmos.storage.db import Database


def _same(a: object, b: object) -> bool:
    return json.dumps(a, sort_keys=True, default=str) == json.dumps(b, sort_keys=True, default=str)


def _why(p: Plan, q: Plan | None, rows: int) -> str:
    """Why the rebuilt plan `q` differs from the stored `p` ("" when it does not)."""
    if q is None:
        return "rebuilt under another plan id"
    if p.seen_runs != q.seen_runs:
        lent = " (records lent by another wording)" if p.sibling else ""
        return f"seen_runs {p.seen_runs} stored, {q.seen_runs} rebuilt from {rows} evidence rows{lent}"
    for i, (s, t) in enumerate(zip(p.steps, q.steps, strict=False)):
        if not _same(s.seen, t.seen):
            return f"step {i} ({s.name}): seen differs"
        if not _same(s.fit_seen, t.fit_seen):
            return f"step {i} ({s.name}): fit_seen differs"
    return ""


def rebuilt(evs: list[Evidence], plan_id: str) -> Plan | None:
    """The plan `plan_id` learned again from these evidence rows, in order, in a fresh store (None: none of that id)."""
    with tempfile.TemporaryDirectory() as d:
        fresh = LearningEngine(Database(Path(d) / "llmos.db"), LearningConfig())
        fresh._apply(lambda changes: [fresh._induce(ev, changes) for ev in evs])
        return next((x for x in fresh.plans() if x.id == plan_id), None)


def compare(engine: LearningEngine, show: int = 5) -> dict[str, int]:
    """Counts over the engine's plans with two or more evidence rows: rebuilt the same, and each kind of difference."""
    counts: dict[str, int] = {"same": 0}
    for p in engine.plans():
        evs = engine.store.evidence_for([p.id])
        if len(evs) < 2:
            continue
        why = _why(p, rebuilt(evs, p.id), len(evs))
        kind = why.split(":")[0].split(" (")[0] if why else "same"
        kind = "seen_runs differ" if kind.startswith("seen_runs") else kind
        counts[kind] = counts.get(kind, 0) + 1
        if why and sum(counts.values()) - counts["same"] <= show:
            print(f"  {p.id} ({' -> '.join(s.name for s in p.steps)}, support {p.support}): {why}")
    return counts


def main() -> None:
    if os.environ.get("PYTHONHASHSEED") != "0":  # the same order of sets as `learning_dump.py`
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"})
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", help="an existing store (read only); default: learn the dump's corpus here")
    ap.add_argument("--bench", type=int, default=300, help="bench-shaped traces added to the corpus")
    a = ap.parse_args()
    if a.db:
        print(compare(LearningEngine(Database(Path(a.db)), LearningConfig())))
        return
    from learning_dump import traces

    ts = traces(a.bench)
    with tempfile.TemporaryDirectory() as d:
        engine = LearningEngine(Database(Path(d) / "llmos.db"), LearningConfig())
        half = len(ts) // 2
        engine.observe_many(ts[:half])
        for t in ts[half:]:
            engine.observe(t)
        print(compare(engine))


if __name__ == "__main__":
    main()
