"""Start-up time of the `llmos` command: a trivial run with the test model, a tool search, `--help`.

    .venv/bin/python bench/startup.py [--repeat 5] [--json] [--repo DIR] [--baseline DIR]

Each command is run `--repeat` times in a fresh process, with PYTHONDONTWRITEBYTECODE=1 (every
module compiled at every start, as this environment sets it) and with it unset (bytecode cached:
one untimed warm-up run writes it first). Prints the median and best wall time, and the median
CPU time (user + system) of the child, which is less sensitive to other load on the machine.
`--repo DIR` measures another checkout of LLM OS with this Python; `--baseline DIR` measures a second
checkout alongside it, their runs alternating, for a before/after comparison on a busy machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def _env(bytecode: bool, repo: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANTHROPIC_", "OPENAI_", "LLMOS_"))}
    env["PYTHONPATH"] = str(repo)
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    # cwd: not a checkout, whose `llmos/` would shadow PYTHONPATH's under `python -m` (--baseline)
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, check=False, cwd=tempfile.gettempdir())
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv[:4])}... failed ({proc.returncode}): {proc.stderr[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def measure(name: str, argv: list[str], repeat: int, repos: list[Path]) -> list[dict[str, Any]]:
    """Rows of `name` for each checkout in `repos`; with several, their runs alternate (A B A B ...),
    so a change in the machine's load hits every checkout alike."""
    rows = []
    for bytecode in (False, True):
        envs = [_env(bytecode, repo) for repo in repos]
        if bytecode:
            for env in envs:
                _once(argv, env)  # writes the bytecode caches
        samples: list[list[tuple[float, float]]] = [[] for _ in repos]
        for _ in range(repeat):
            for i, env in enumerate(envs):
                samples[i].append(_once(argv, env))
        for repo, got in zip(repos, samples, strict=True):
            walls = [w for w, _ in got]
            cpus = [c for _, c in got]
            rows.append(
                {
                    "command": name,
                    "repo": str(repo),
                    "PYTHONDONTWRITEBYTECODE": "unset" if bytecode else "1",
                    "wall_median_s": round(statistics.median(walls), 3),
                    "wall_best_s": round(min(walls), 3),
                    "cpu_median_s": round(statistics.median(cpus), 3),
                    "repeat": repeat,
                }
            )
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", action="store_true", help="one JSON document instead of a table")
    ap.add_argument("--repo", type=Path, default=REPO, help="the LLM OS checkout to measure (default: this one)")
    ap.add_argument("--baseline", type=Path, help="another checkout measured alongside, runs alternating")
    a = ap.parse_args()
    repo = [a.repo.resolve()] + ([a.baseline.resolve()] if a.baseline else [])
    with tempfile.TemporaryDirectory(prefix="llmos-startup-") as tmp:
        ws = str(Path(tmp) / "ws")
        py = sys.executable
        rows = measure(
            'llmos run "Say hi" --model test --json',
            [py, "-m", "llmos", "run", "Say hi", "--model", "test", "--json", "-w", ws],
            a.repeat,
            repo,
        )
        rows += measure(
            "llmos tools search QUERY --limit 5 --json",
            [py, "-m", "llmos", "tools", "search", "write a file", "--limit", "5", "--json", "-w", ws],
            a.repeat,
            repo,
        )
        rows += measure("llmos --help", [py, "-m", "llmos", "--help"], a.repeat, repo)
        rows += measure("python -c pass (floor)", [py, "-c", "pass"], a.repeat, repo)
    if a.json:
        print(json.dumps(rows, indent=2))
        return
    width = max(len(r["repo"]) for r in rows) if a.baseline else 0
    head = f"{'command':42} {'checkout':{width}} {'PYTHONDONTWRITEBYTECODE':>24}"
    print(f"{head} {'median s':>9} {'best s':>8} {'cpu s':>7}")
    for r in rows:
        print(
            f"{r['command']:42} {r['repo'] if width else '':{width}} {r['PYTHONDONTWRITEBYTECODE']:>24} "
            f"{r['wall_median_s']:>9.3f} {r['wall_best_s']:>8.3f} {r['cpu_median_s']:>7.3f}"
        )


if __name__ == "__main__":
    main()
