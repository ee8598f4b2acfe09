"""Load on `llmos serve`: N requests in flight at once against a slow model, on loopback.

    PYTHONPATH=. .venv/bin/python bench/server_load.py [--n 10,100,500,1000,2000] [--delay 0.5]
        [--max-in-flight 64] [--queue 512]

The server is a subprocess serving a fresh workspace with the shipped test model wrapped to sleep
`--delay` seconds per model call ([server] max_in_flight / queue from the flags). For each N, N
POST /v1/execute are sent at once; prints throughput (successful runs per second of wall time),
p50/p99 latency of successes and of refusals, the answers by status, and the server's RSS (current
and peak). Expected: no failure while N <= max_in_flight + queue; beyond, fast 429s, never a timeout.
Bounded: each request has a 120 s client timeout and the script stops the server at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]

SERVER = """
import asyncio, sys
from llmos.models.testmodel import TestModel
from llmos.server import serve

class SlowModel(TestModel):
    async def request(self, request):
        await asyncio.sleep(float(sys.argv[3]))
        return await super().request(request)

serve(sys.argv[1], "127.0.0.1", int(sys.argv[2]), model=SlowModel(script=lambda r: "done"), access_log=False,
      log_level="warning")
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of a process, in MB (Linux /proc)."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def wave(url: str, n: int) -> tuple[float, list[tuple[int | str, float]]]:
    limits = httpx.Limits(max_connections=n, max_keepalive_connections=n)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as c:

        async def one(i: int) -> tuple[int | str, float]:
            started = time.perf_counter()
            try:
                r = await c.post("/v1/execute", json={"goal": f"say hello number {i}"})
                status: int | str = r.status_code
                if status == 200 and not r.json().get("success"):
                    status = "200-failed"
            except httpx.HTTPError as e:
                status = type(e).__name__
            return status, time.perf_counter() - started

        started = time.perf_counter()
        results = await asyncio.gather(*(one(i) for i in range(n)))
        return time.perf_counter() - started, list(results)


def wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    with httpx.Client(timeout=2) as c:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise SystemExit(f"the server exited with {proc.returncode}")
            try:
                if c.get(url + "/healthz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
    raise SystemExit("the server did not become healthy")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", default="10,100,500,1000,2000")
    parser.add_argument("--delay", type=float, default=0.5, help="seconds the model sleeps per call")
    parser.add_argument("--max-in-flight", type=int, default=64)
    parser.add_argument("--queue", type=int, default=512)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANTHROPIC_", "OPENAI_", "LLMOS_"))}
    env["PYTHONPATH"] = str(REPO)
    with tempfile.TemporaryDirectory() as ws:
        Path(ws, "llmos.toml").write_text(
            f'preset = "testing"\n[server]\nmax_in_flight = {args.max_in_flight}\nqueue = {args.queue}\n'
            "[budget]\ntotal_usd = 1000000.0\nper_run_usd = 100.0\n"
        )
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        argv = [sys.executable, "-c", SERVER, ws, str(port), str(args.delay)]
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL)
        try:
            wait_healthy(url, proc)
            print(
                f"model delay {args.delay} s per call; [server] max_in_flight={args.max_in_flight} "
                f"queue={args.queue}; server RSS at start {rss_mb(proc.pid)[0]:.0f} MB"
            )
            for n in (int(x) for x in args.n.split(",")):
                wall, results = asyncio.run(wave(url, n))
                ok = [t for s, t in results if s == 200]
                refused = [t for s, t in results if s in (429, 503)]
                by_status = Counter(str(s) for s, _ in results)
                now, peak = rss_mb(proc.pid)
                print(
                    f"N={n:5d}: {len(ok) / wall:7.1f} runs/s | ok p50 {pct(ok, 0.5):6.2f} s p99 {pct(ok, 0.99):6.2f} s"
                    f" | refused p50 {pct(refused, 0.5):5.2f} s p99 {pct(refused, 0.99):5.2f} s"
                    f" | {dict(sorted(by_status.items()))} | RSS {now:.0f} MB (peak {peak:.0f})"
                )
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


if __name__ == "__main__":
    main()
