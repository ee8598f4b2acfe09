"""Start-up time of the `llmos` command: a trivial run with the test model, a tool search, `--help`.

    .venv/bin/python bench/startup.py [--repeat 5] [--json] [--repo DIR]

Each command is run `--repeat` times in a fresh process, with PYTHONDONTWRITEBYTECODE=1 (every
module compiled at every start, as this environment sets it) and with it unset (bytecode cached:
one untimed warm-up run writes it first). Prints the median and best wall time, and the median
CPU time (user + system) of the child, which is less sensitive to other load on the machine.
`--repo DIR` measures another checkout of LLM OS (for a before/after comparison) with this Python.
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
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv[:4])}... failed ({proc.returncode}): {proc.stderr[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def measure(name: str, argv: list[str], repeat: int, repo: Path) -> list[dict[str, Any]]:
    rows = []
    for bytecode in (False, True):
        env = _env(bytecode, repo)
        if bytecode:
            _once(argv, env)  # writes the bytecode caches
        samples = [_once(argv, env) for _ in range(repeat)]
        walls = [w for w, _ in samples]
        cpus = [c for _, c in samples]
        rows.append(
            {
                "command": name,
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
    a = ap.parse_args()
    repo = a.repo.resolve()
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
    print(f"{'command':42} {'PYTHONDONTWRITEBYTECODE':>24} {'median s':>9} {'best s':>8} {'cpu s':>7}")
    for r in rows:
        print(
            f"{r['command']:42} {r['PYTHONDONTWRITEBYTECODE']:>24} {r['wall_median_s']:>9.3f} "
            f"{r['wall_best_s']:>8.3f} {r['cpu_median_s']:>7.3f}"
        )


if __name__ == "__main__":
    main()
