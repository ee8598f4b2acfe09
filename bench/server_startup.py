"""Start-up of `llmos serve` until GET /healthz answers 200 (the test model, no MCP servers).

    PYTHONPATH=. .venv/bin/python bench/server_startup.py [--runs 3]

Prints the median and best wall time over fresh workspaces, with PYTHONDONTWRITEBYTECODE set (every
process recompiles the package) and unset (cached bytecode). Loopback only; each server is stopped
with SIGTERM after its first /healthz.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def one_start(env: dict[str, str], timeout_s: float = 60.0) -> float:
    with tempfile.TemporaryDirectory() as ws:
        port = free_port()
        argv = [sys.executable, "-m", "llmos", "serve", "-w", ws, "--port", str(port), "--model", "test"]
        started = time.perf_counter()
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            with httpx.Client(timeout=1.0) as c:
                while time.perf_counter() - started < timeout_s:
                    if proc.poll() is not None:
                        raise SystemExit(f"llmos serve exited with {proc.returncode}")
                    try:
                        if c.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                            return time.perf_counter() - started
                    except httpx.TransportError:
                        pass
                    time.sleep(0.01)
            raise SystemExit(f"/healthz did not answer within {timeout_s} s")
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    base = {k: v for k, v in os.environ.items() if not k.startswith(("ANTHROPIC_", "OPENAI_", "LLMOS_"))}
    base["PYTHONPATH"] = str(REPO)
    for label, bytecode in (("PYTHONDONTWRITEBYTECODE=1", False), ("bytecode cached", True)):
        env = dict(base)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        if not bytecode:
            env["PYTHONDONTWRITEBYTECODE"] = "1"
        else:
            one_start(env)  # warm the bytecode cache
        times = [one_start(env) for _ in range(args.runs)]
        print(
            f"llmos serve -> /healthz 200 ({label}): median {statistics.median(times):.2f} s, "
            f"best {min(times):.2f} s over {len(times)} starts"
        )


if __name__ == "__main__":
    main()
