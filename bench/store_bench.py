"""Store micro benchmark: trace saves and ledger reserve+settle per second, SQLite vs PostgreSQL.

    PYTHONPATH=. .venv/bin/python bench/store_bench.py [--n 500] [--pg postgresql://…]

Without --pg (or LLMOS_STORAGE_URL) only the SQLite workspace file is measured. Each figure is
the median per-operation time over N operations on a fresh database (one transaction each).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from llmos.config import BudgetConfig
from llmos.kernel.economy import Ledger
from llmos.storage.base import StoreDB
from llmos.storage.factory import open_database
from llmos.storage.traces import TraceStore
from llmos.trace import ModelCallRecord, ToolCallRecord, Trace


def _trace(i: int) -> Trace:
    t = Trace(goal=f"Convert {i} USD to EUR and save it as trip_{i}")
    t.tool_calls = [ToolCallRecord(f"c{j}", "tool", {"i": i, "j": j}, '{"ok": true}', turn=j) for j in range(3)]
    t.finish("success", f"done {i}")
    return t


def measure(db: StoreDB, n: int) -> dict[str, float]:
    store, ledger = TraceStore(db), Ledger(db, BudgetConfig(total_usd=None, per_run_usd=None))
    traces = [_trace(i) for i in range(n)]
    saves, calls = [], []
    for t in traces:
        t0 = time.perf_counter()
        store.save(t)
        saves.append(time.perf_counter() - t0)
    for i in range(n):
        t0 = time.perf_counter()
        rid = ledger.reserve(f"run{i}", "test", "m", 0.001)
        ledger.settle(rid, ModelCallRecord("test", "m", cost_usd=0.001))
        calls.append(time.perf_counter() - t0)
    return {
        "trace_save_ms_p50": round(statistics.median(saves) * 1000, 3),
        "reserve_settle_ms_p50": round(statistics.median(calls) * 1000, 3),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--pg", default=os.environ.get("LLMOS_STORAGE_URL", ""))
    a = ap.parse_args()
    out: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(Path(tmp))
        out["sqlite"] = measure(db, a.n)
        db.close()
        if a.pg:
            db = open_database(Path(tmp), url=a.pg)
            out["postgresql"] = measure(db, a.n)
            db.close()
    for backend, figures in out.items():
        print(f"{backend:11s} " + "  ".join(f"{k} {v}" for k, v in figures.items()))
    print("RESULT " + json.dumps(out))


if __name__ == "__main__":
    main()
