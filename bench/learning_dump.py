"""Dump everything the learning layer records for a fixed corpus, to check that a speed-up changes nothing.

    PYTHONPATH=. .venv/bin/python bench/learning_dump.py OUT.json [--bench 2500]

Induces the test corpus (`tests/learning_corpus.py`: ~25 shapes, branches, contradictions) and `--bench`
traces of `bench/learning_bench.py`'s shape (over 40 skeletons) in a fresh workspace: a batch, one observe
per run, two rejections; then writes every stored row (plans, evidence, goal tokens, seen; timestamps
zeroed), every observe report and the decision `select` makes for a few hundred goals (the corpus's
goals, their near-misses and new numbers) after a reload. Run it on two heads and compare the files
byte for byte (`cmp`): a pure speed-up gives the same file (it runs under PYTHONHASHSEED=0: some ties
are broken in set order).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from learning_bench import make_trace, skeleton
from learning_corpus import corpus

import llmos
from llmos.config import LearningConfig
from llmos.learning.engine import LearningEngine
from llmos.storage.db import Database
from llmos.trace import ToolCallRecord, Trace


def list_trace(k: int, rng: random.Random) -> Trace:
    """A read of a list with dates and amounts, then a write of its total (rule 1's dates, totals, ranks)."""
    vendor, day, n = f"V{rng.randint(100, 140)}", rng.randint(1, 28), rng.randint(1, 4)
    items = [{"eur": round(rng.uniform(5, 90), 2), "qty": rng.randint(1, 9)} for _ in range(n)]
    total = round(sum(i["eur"] for i in items), 2)
    due = f"2026-03-{rng.randint(1, 28):02d}"
    t = Trace(goal=f"Pay the invoices of vendor {vendor} due by 2026-04-{day:02d} batch{k}")
    t.tool_calls = [
        ToolCallRecord("a", f"invoices_{k}", {"vendor": vendor}, json.dumps({"items": items, "due": due}), turn=1),
        ToolCallRecord("b", f"pay_{k}", {"vendor": vendor, "eur": total}, json.dumps({"paid": total}), turn=2),
    ]
    t.finish("success", f"Paid {total} EUR to {vendor} ({n} invoices, due {due})")
    return t


def traces(bench: int) -> list[Trace]:
    rng = random.Random(5)
    out = corpus(0) + corpus(1, per_family=8)
    extra = [make_trace(rng.randrange(40), rng) for _ in range(bench)]
    extra += [list_trace(rng.randrange(3), rng) for _ in range(bench // 10)]
    for i, t in enumerate(extra):  # interleave: plans of both kinds grow together
        out.insert((i * 7) % (len(out) + 1), t)
    for i, t in enumerate(out):
        t.id = f"run{i:05d}"  # plan ids derive from trace ids
        t.started_at, t.ended_at = 1.7e9 + i, 1.7e9 + i + 0.5  # the evidence keeps the run's time
        for c in t.tool_calls:
            c.started_at = t.started_at
        for e in t.events:
            e["at"] = t.started_at
    return out


def _rows(engine: LearningEngine) -> dict[str, Any]:
    conn = engine.store.db.connection()
    plans = []
    for r in conn.execute("SELECT id, agent, ntokens, support, data FROM learning_plans ORDER BY id"):
        d = json.loads(r["data"])
        d["created_at"] = d["updated_at"] = 0
        plans.append([r["id"], r["agent"], r["ntokens"], r["support"], d])
    ev = [list(r) for r in conn.execute("SELECT trace_id, plan_id, data FROM learning_evidence ORDER BY n")]
    tok = [list(r) for r in conn.execute("SELECT plan_id, tokens FROM learning_goal_tokens ORDER BY plan_id, tokens")]
    seen = [list(r) for r in conn.execute("SELECT trace_id, plan_id FROM learning_seen ORDER BY trace_id")]
    return {"plans": plans, "evidence": ev, "goal_tokens": tok, "seen": seen}


def _decision(engine: LearningEngine, goal: str) -> dict[str, Any]:
    d = engine.select(goal)
    return {
        "goal": goal,
        "mode": d.mode,
        "confidence": d.confidence,
        "plan": d.plan_id,
        "slots": d.slots,
        "reason": d.reason,
        "example": d.example,
        "tools": d.tool_names,
        "branches": [p.id for p in d.branches],
        "companions": [p.id for p in d.companions],
    }


def goals(ts: list[Trace]) -> list[str]:
    rng = random.Random(9)
    out = [t.goal for t in ts[::3]]
    out += [t.goal.replace(" of ", " off ", 1) for t in ts[1::11]]
    for g in [t.goal for t in ts[2::5]]:  # the same words, other numbers
        out.append(" ".join(str(rng.randint(1, 999)) if w.isdigit() else w for w in g.split()))
    out += [skeleton(k).format(qty=rng.randint(2, 90), sku="SKU-42", wh="C3") for k in range(50)]
    return out


def dump(tmp: Path, bench: int) -> dict[str, Any]:
    ts = traces(bench)
    engine = LearningEngine(Database(tmp / "llmos.db"), LearningConfig())
    half = len(ts) // 2
    reports = [r.__dict__ for r in engine.observe_many(ts[:half])]
    reports += [engine.observe(t).__dict__ for t in ts[half : half + 300]]
    reports += [r.__dict__ for r in engine.observe_many(ts[half + 300 :])]
    rejected = [engine.reject(ts[10].id), engine.reject(ts[200].id), engine.reject(ts[half + 5].id)]
    reloaded = LearningEngine(Database(tmp / "llmos.db"), LearningConfig())
    return {
        "traces": len(ts),
        "reports": reports,
        "rejected": rejected,
        "rows": _rows(reloaded),
        "decisions": [_decision(reloaded, g) for g in goals(ts)],
    }


def main() -> None:
    if os.environ.get("PYTHONHASHSEED") != "0":  # selection iterates sets of strings: fix their order
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"})
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--bench", type=int, default=2500, help="bench-shaped traces added to the corpus")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        out = dump(Path(d), a.bench)
    text = json.dumps(out, sort_keys=True, default=str, indent=0)
    Path(a.out).write_text(text)
    rows = out["rows"]
    print(
        f"llmos from {Path(llmos.__file__).parent}: "
        f"{out['traces']} traces -> {len(rows['plans'])} plans, {len(rows['evidence'])} evidence rows, "
        f"{len(out['decisions'])} decisions; sha256 {hashlib.sha256(text.encode()).hexdigest()[:16]}"
    )


if __name__ == "__main__":
    main()
