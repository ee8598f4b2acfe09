"""A runtime's first `tool_search` on a 1,026-tool MCP catalog: cold, rebuilt, warm, before/after.

    .venv/bin/python bench/tool_search_runtime.py [--repo DIR] [--baseline DIR] [--cases cold,rebuild,warm]
        [--repeat 3] [--json]

The workspace is `bench/tool_search_startup.py`'s (two copies of the 513-tool catalog server) with
`[execution] search_embeddings = "on"` (the shipped method: BM25 fused with e5 and wordllama). Each
sample is a fresh process (this checkout, or `--baseline`'s, on PYTHONPATH) that starts a runtime,
calls its `tool_search` tool once, and, where the checkout builds in the background, waits for the
full index. Figures: the runtime's start, the first search's wall time, whether it answered from
the quick index, the time until the full index was ready, and the process's CPU (all threads;
MCP servers started for listing are not counted). Cases:

- cold: no `.llmos/` (servers listed, every description embedded with e5, the index built);
- rebuild: tool lists and e5 vectors cached, no saved index (what every run did before issue 12);
- warm: everything cached (a later run).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
QUERY = "create a github issue"


async def _inner(ws: Path) -> dict[str, Any]:
    t0, c0 = time.perf_counter(), time.process_time()
    from llmos.models.testmodel import TestModel
    from llmos.runtime import LLMOS

    async with LLMOS(ws, model=TestModel(script=["hi"])) as rt:
        started = time.perf_counter() - t0
        tool = rt.registry.get("tool_search")
        t1 = time.perf_counter()
        out = await tool.invoke({"query": QUERY}, None)
        first = time.perf_counter() - t1
        finder = getattr(rt, "tool_search", None)
        partial = bool(getattr(finder, "partial", False))
        if finder is not None and hasattr(finder, "wait"):
            finder.wait(None)
        ready = time.perf_counter() - t1
        top = json.loads(out.content.splitlines()[0])[0]["name"]
    return {
        "start_s": round(started, 3),
        "first_search_s": round(first, 3),
        "partial": partial,
        "full_index_ready_s": round(ready, 3),
        "cpu_s": round(time.process_time() - c0, 3),
        "top": top,
    }


def _workspace(root: Path) -> Path:
    sys.path.insert(0, str(REPO))
    from bench.tool_search_startup import _workspace as startup_workspace

    ws = startup_workspace(root)
    with (ws / "llmos.toml").open("a") as f:
        f.write('[execution]\nsearch_embeddings = "on"\n')
    return ws


def _drop(ws: Path, case: str) -> None:
    if case == "cold":
        shutil.rmtree(ws / ".llmos", ignore_errors=True)
    elif case == "rebuild":
        shutil.rmtree(ws / ".llmos" / "cache" / "tool_search", ignore_errors=True)


def _sample(repo: Path, ws: Path) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANTHROPIC_", "OPENAI_", "LLMOS_"))}
    env["PYTHONPATH"] = str(repo)
    argv = [sys.executable, str(Path(__file__).resolve()), "--inner", str(ws)]
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, check=False, cwd=ws.parent)
    if proc.returncode != 0:
        raise SystemExit(f"{repo}: failed ({proc.returncode}): {proc.stderr[-1500:]}")
    row: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--inner", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--repo", type=Path, default=REPO)
    ap.add_argument("--baseline", type=Path, help="another checkout measured alongside, runs alternating")
    ap.add_argument("--cases", default="cold,rebuild,warm")
    ap.add_argument("--repeat", type=int, default=3, help="samples of rebuild and warm (cold: one)")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    if a.inner:
        print(json.dumps(asyncio.run(_inner(a.inner))))
        return
    repos = [a.repo.resolve()] + ([a.baseline.resolve()] if a.baseline else [])
    rows: list[dict[str, Any]] = []
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="llmos-search-runtime-") as tmp:
        spaces = [_workspace(Path(tmp) / str(i)) for i in range(len(repos))]
        for case in a.cases.split(","):
            samples: list[list[dict[str, Any]]] = [[] for _ in repos]
            for _ in range(1 if case == "cold" else a.repeat):
                for i, (repo, ws) in enumerate(zip(repos, spaces, strict=True)):
                    _drop(ws, case)
                    samples[i].append(_sample(repo, ws))
            for repo, got in zip(repos, samples, strict=True):
                row = {"case": case, "repo": str(repo), "n": len(got), "top": sorted({g["top"] for g in got})}
                for field in ("start_s", "first_search_s", "full_index_ready_s", "cpu_s"):
                    row[field] = round(statistics.median(g[field] for g in got), 3)
                row["partial"] = any(g["partial"] for g in got)
                rows.append(row)
                if not a.json:
                    print(json.dumps(row), file=sys.stderr, flush=True)
    report = {"load_before": load_before, "load_after": os.getloadavg(), "rows": rows}
    if a.json:
        print(json.dumps(report, indent=2))
        return
    print(f"load average before {load_before[0]:.1f}, after {os.getloadavg()[0]:.1f}")
    width = max(len(r["repo"]) for r in rows)
    head = f"{'start s':>8} {'1st search s':>12} {'partial':>7} {'full s':>8} {'cpu s':>7}"
    print(f"{'case':8} {'checkout':{width}} {head}")
    for r in rows:
        print(
            f"{r['case']:8} {r['repo']:{width}} {r['start_s']:>8.3f} {r['first_search_s']:>12.3f} "
            f"{'yes' if r['partial'] else 'no':>7} {r['full_index_ready_s']:>8.3f} {r['cpu_s']:>7.3f}"
        )


if __name__ == "__main__":
    main()
