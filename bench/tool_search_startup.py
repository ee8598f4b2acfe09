"""`llmos tools search` on a 1,026-tool MCP catalog: wall and CPU per command, cold, rebuilt, warm, --stdin.

    .venv/bin/python bench/tool_search_startup.py [--repeat 5] [--baseline DIR] [--cases cold,rebuild,warm,stdin]
        [--seed-vectors DIR] [--json]

The workspace configures two MCP servers (`bench/catalog_mcp_server.py`, copies 1 and 2 of the
513-tool catalog of `bench/tool_catalog`), so a search ranks 1,026 MCP tools plus the built-in ones,
with the shipped method (BM25 fused with the installed embedding models). Each command runs in a
fresh process (`python -m llmos`, this checkout on PYTHONPATH); CPU is user + system of the command
and every process it started (MCP servers included), which other load on the machine moves less
than wall time. Cases:

- cold: no cache at all (`.llmos/` removed): the servers are started and listed, every tool
  description embedded (e5 is most of it), the index built. Once per checkout (minutes).
- rebuild: the servers' tool lists and the e5 vectors of the descriptions cached, the index not
  (the first search after an upgrade of the ranking code).
- warm: everything cached; one query, `--limit 5 --json`.
- stdin: everything cached; 20 queries on stdin (`--stdin --limit 5`).

`--baseline DIR` runs another checkout (its own workspace) alongside, runs alternating, for a
before/after comparison on a busy machine. Warm and stdin run with bytecode cached and with
PYTHONDONTWRITEBYTECODE=1 (every module compiled at every start, as this environment sets it).
`--seed-vectors` copies e5 vectors of the catalog's descriptions into each workspace first, so the
other cases do not wait for a cold build (e5 vectors are keyed by the text: any checkout reads them).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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


def _workspace(root: Path) -> Path:
    ws = root / "ws"
    ws.mkdir(parents=True)
    server = REPO / "bench" / "catalog_mcp_server.py"
    (ws / "llmos.toml").write_text(
        "".join(
            f"[mcp.servers.cat{n}]\ncommand = {json.dumps(sys.executable)}\n"
            f'args = [{json.dumps(str(server))}, "--copy", "{n}"]\n\n'
            for n in (1, 2)
        )
    )
    return ws


def _env(repo: Path, bytecode: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANTHROPIC_", "OPENAI_", "LLMOS_"))}
    env["PYTHONPATH"] = str(repo)
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _once(argv: list[str], env: dict[str, str], stdin: str | None = None) -> tuple[float, float, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    # cwd: not a checkout, whose `llmos/` would shadow PYTHONPATH's under `python -m`
    cwd = Path(argv[-1]).parent
    proc = subprocess.run(argv, env=env, input=stdin, capture_output=True, text=True, check=False, cwd=cwd)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv[:6])}... failed ({proc.returncode}): {proc.stderr[-800:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.stdout


def _drop(ws: Path, case: str) -> None:
    """Remove what `case` starts without (always the e5 vectors of queries: every query is new)."""
    for vector in (ws / ".llmos" / "cache" / "embeddings").glob("q*.npy"):
        vector.unlink()
    if case == "cold":
        shutil.rmtree(ws / ".llmos", ignore_errors=True)
    elif case == "rebuild":
        for sub in ("tool_search", "index"):  # this checkout's saved index; older ones have none
            shutil.rmtree(ws / ".llmos" / "cache" / sub, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--repo", type=Path, default=REPO)
    ap.add_argument("--baseline", type=Path, help="another checkout measured alongside, runs alternating")
    ap.add_argument("--cases", default="cold,rebuild,warm,stdin", help="which cases, comma-separated")
    ap.add_argument("--seed-vectors", type=Path, help="a folder of e5 vectors (.llmos/cache/embeddings) to start from")
    ap.add_argument("--bytecode", choices=("both", "cached", "none"), default="both", help="warm and stdin cases")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    sys.path.insert(0, str(REPO))
    from bench.tool_catalog import QUERIES

    stdin = "".join(json.dumps({"query": q}) + "\n" for q, _ in QUERIES[:20])
    repos = [a.repo.resolve()] + ([a.baseline.resolve()] if a.baseline else [])
    rows: list[dict[str, Any]] = []
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="llmos-search-startup-") as tmp:
        spaces = [_workspace(Path(tmp) / str(i)) for i in range(len(repos))]
        wanted = set(a.cases.split(","))
        cases: list[tuple[str, bool, int]] = [("cold", True, 1)] if "cold" in wanted else []
        cases += [("rebuild", True, max(1, a.repeat // 2))] if "rebuild" in wanted else []
        for bytecode in {"both": (True, False), "cached": (True,), "none": (False,)}[a.bytecode]:
            cases += [(c, bytecode, a.repeat) for c in ("warm", "stdin") if c in wanted]
        for repo, ws in zip(repos, spaces, strict=True):
            if a.seed_vectors:
                shutil.copytree(a.seed_vectors, ws / ".llmos" / "cache" / "embeddings")
            if cases and cases[0][0] != "cold":  # the caches the other cases start from
                _once(_argv(ws, False), _env(repo, True))
        answers: dict[str, set[str]] = {}
        for case, bytecode, repeat in cases:
            samples: list[list[tuple[float, float]]] = [[] for _ in repos]
            for _ in range(repeat):
                for i, (repo, ws) in enumerate(zip(repos, spaces, strict=True)):
                    _drop(ws, case)
                    wall, cpu, out = _once(_argv(ws, case == "stdin"), _env(repo, bytecode), stdin)
                    samples[i].append((wall, cpu))
                    answers.setdefault(case, set()).add(out)
            for repo, got in zip(repos, samples, strict=True):
                rows.append(
                    {
                        "case": case,
                        "repo": str(repo),
                        "bytecode": bytecode,
                        "wall_median_s": round(statistics.median(w for w, _ in got), 3),
                        "wall_best_s": round(min(w for w, _ in got), 3),
                        "cpu_median_s": round(statistics.median(c for _, c in got), 3),
                        "repeat": repeat,
                    }
                )
                if not a.json:  # as it comes: a long run shows what it has
                    print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    same = all(len(v) == 1 for v in answers.values())
    report = {"load_before": load_before, "load_after": os.getloadavg(), "same_answers": same, "rows": rows}
    if a.json:
        print(json.dumps(report, indent=2))
        return
    print(f"load average before {load_before[0]:.1f}, after {os.getloadavg()[0]:.1f}; answers identical: {same}")
    width = max(len(r["repo"]) for r in rows)
    print(f"{'case':8} {'checkout':{width}} {'bytecode':>8} {'median s':>9} {'best s':>8} {'cpu s':>7} {'n':>3}")
    for r in rows:
        print(
            f"{r['case']:8} {r['repo']:{width}} {'cached' if r['bytecode'] else 'no':>8} {r['wall_median_s']:>9.3f} "
            f"{r['wall_best_s']:>8.3f} {r['cpu_median_s']:>7.3f} {r['repeat']:>3}"
        )


def _argv(ws: Path, stdin: bool) -> list[str]:
    base = [sys.executable, "-m", "llmos", "tools", "search"]
    tail = ["--limit", "5", "--json", "-w", str(ws)]
    return [*base, "--stdin", *tail] if stdin else [*base, QUERY, *tail]


if __name__ == "__main__":
    main()
