"""What a parallel `observe_many` could move off the main process: the per-run work that depends only on the run.

    PYTHONPATH=. .venv/bin/python bench/learning_pure.py            # CPU seconds, one table
    for part in none pure send made back; do PYTHONPATH=. valgrind --tool=cachegrind --cache-sim=no \
        --cachegrind-out-file=/dev/null .venv/bin/python bench/learning_pure.py --part $part 2>&1 | grep "I *refs"; done

Runs of `learning_bench.py`'s shape (`learning_ir.py`'s: 600 over 300 skeletons stored first, then 1,200 more).
Of the 1,200, it measures each piece of per-run work that is a function of the run alone (`induction.normalise`:
the evidence and goal tokens; the results parsed and their leaves; the token shapes; the evidence row's JSON; the
run's goal and argument facts, `_run_facts`), what storing the same runs costs (`observe_many`), and what moving
each piece to a worker process costs the main process: the run pickled to send, the piece's output unpickled
to fold it in. A piece is worth moving only when its compute is more than the unpickling of its output; the whole
lever is worth building only when the pure share is large (Amdahl: a share p moved off leaves 1 - p on the
main process, plus the transfer).

`--part`: what to run, for instruction counts (differences with `none`, making the runs only): `pure` every
piece, `send` the runs pickled; `back` minus `made` is the unpickling of every run's outputs (one pickle a
run). The same 1,200 runs stored cost `learning_ir.py 1200` minus `learning_ir.py 0` (one seed, one order).
"""

from __future__ import annotations

import argparse
import pickle
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from learning_bench import make_trace

from llmos.config import LearningConfig
from llmos.learning import _run_facts, induction
from llmos.learning import explain as ex
from llmos.learning.engine import LearningEngine
from llmos.learning.induction import Evidence
from llmos.learning.store import evidence_json
from llmos.storage.db import Database
from llmos.trace import Trace

SKELETONS, WARM, N = 300, 600, 1200


def _normalise(t: Trace) -> Evidence:
    ev = induction.normalise(t, frozenset())
    assert not isinstance(ev, str), ev
    return ev


def _facts(ev: Evidence) -> _run_facts.RunFacts:
    f = _run_facts.RunFacts(ev.tokens, [c.arguments for c in ev.calls])
    f.goal_numbers()
    f.goal_dates()
    f.goal_sources()
    for k in range(len(ev.calls)):
        f.arg_leaves(k)
    return f


def _pieces() -> list[tuple[str, Callable[[Any], Any], str]]:
    """(name, function, what it reads: "trace", "evidence" or "parsed")."""
    return [
        ("normalise (evidence, tokens)", _normalise, "trace"),
        ("results parsed", lambda ev: [ex.parse_result(c.result) for c in ev.calls], "evidence"),
        ("results' leaves", lambda parsed: [list(ex.leaves(p)) for p in parsed], "parsed"),
        ("goal token shapes", lambda ev: ev.shapes(), "evidence"),
        ("evidence row (JSON)", evidence_json, "evidence"),
        ("run facts (goal, arguments)", _facts, "evidence"),
    ]


def _bundles(inputs: dict[str, list[Any]]) -> list[bytes]:
    """Each run's outputs of every piece, pickled together (what a worker would send back for one run: the
    objects two pieces share, the goal tokens, the arguments, are sent once)."""
    pieces = _pieces()
    return [
        pickle.dumps([f(inputs[reads][k]) for _name, f, reads in pieces], protocol=5)
        for k in range(len(inputs["trace"]))
    ]


def _store(batch: list[Trace], warm: list[Trace]) -> float:
    with tempfile.TemporaryDirectory() as d:
        engine = LearningEngine(Database(Path(d) / "llmos.db"), LearningConfig())
        engine.observe_many(warm)
        c0 = time.process_time()
        engine.observe_many(batch)
        return time.process_time() - c0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--part", choices=["none", "pure", "send", "made", "back"], default="")
    a = ap.parse_args()
    rng = random.Random(1)
    warm = [make_trace(i % SKELETONS, rng) for i in range(WARM)]
    batch = [make_trace(i % SKELETONS, rng) for i in range(WARM, WARM + N)]
    if a.part == "none":
        return
    evs = [_normalise(t) for t in batch] if a.part in ("pure", "made", "back", "") else []
    inputs: dict[str, list[Any]] = {"trace": batch, "evidence": evs}
    inputs["parsed"] = [[ex.parse_result(c.result) for c in ev.calls] for ev in evs]
    if a.part == "pure":  # every piece once (the evidence and the parsed results above are the first two)
        for _name, f, reads in _pieces()[2:]:
            [f(x) for x in inputs[reads]]
        return
    if a.part == "send":
        [pickle.dumps(t, protocol=5) for t in batch]
        return
    if a.part in ("made", "back"):  # each run's outputs pickled; "back" unpickles them too (back - made: unpickling)
        outs = _bundles(inputs)
        if a.part == "back":
            [pickle.loads(b) for b in outs]
        return
    stored = _store(batch, warm)
    c0 = time.process_time()
    blobs = [pickle.dumps(t, protocol=5) for t in batch]
    send = time.process_time() - c0
    print(f"storing the {N} runs after {WARM} (observe_many): CPU {stored:.3f} s")
    size = sum(map(len, blobs)) // N
    print(f"sending the runs to a worker (pickle, main process): CPU {send:.3f} s, {size} bytes a run")
    print(f"{'piece':30s} {'compute':>8s} {'unpickle':>9s} {'share':>6s}")
    total = back_total = 0.0
    for name, f, reads in _pieces():
        c0 = time.process_time()
        out = [f(x) for x in inputs[reads]]
        dt = time.process_time() - c0
        dumped = [pickle.dumps(o, protocol=5) for o in out]
        c0 = time.process_time()
        [pickle.loads(b) for b in dumped]
        back = time.process_time() - c0
        total, back_total = total + dt, back_total + back
        print(f"{name:30s} {dt:8.3f} {back:9.3f} {dt / stored:6.1%}")
    print(f"{'all pure work':30s} {total:8.3f} {back_total:9.3f} {total / stored:6.1%}")
    bundles = _bundles(inputs)
    c0 = time.process_time()
    [pickle.loads(b) for b in bundles]
    back_total = time.process_time() - c0
    print(f"{'one bundle a run':30s} {'':8s} {back_total:9.3f}   ({sum(map(len, bundles)) // N} bytes a run)")
    print(f"main process with the pure work moved: {stored - total + send + back_total:.3f} s of {stored:.3f} s")


if __name__ == "__main__":
    main()
