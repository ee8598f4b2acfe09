"""Load on `llmos serve`: N requests in flight at once against a slow model, on loopback.

    PYTHONPATH=. .venv/bin/python bench/server_load.py [--n 10,100,500,1000,2000] [--delay 0.5]
        [--max-in-flight 64] [--queue 512]

The server is a subprocess serving a fresh workspace with the shipped test model wrapped to sleep
`--delay` seconds per model call ([server] max_in_flight / queue from the flags). For each N, N
POST /v1/execute are sent at once; prints throughput (successful runs per second of wall time),
p50/p99 latency of successes and of refusals, the slowest GET /healthz sent every 0.25 s during the
wave, the answers by status, the server's RSS (current and peak) and the CPU it used for the wave.
Expected: no failure while N <= max_in_flight + queue; beyond, fast 429s, never a timeout.
Bounded: each request has a `--timeout` (120 s) client timeout and the script stops the server at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
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
import asyncio, cProfile, sys
from llmos.models.testmodel import TestModel
from llmos.server import serve

class SlowModel(TestModel):
    async def request(self, request):
        await asyncio.sleep(float(sys.argv[3]))
        return await super().request(request)

profile = cProfile.Profile() if sys.argv[4] else None
if profile is not None:
    profile.enable()
try:
    serve(sys.argv[1], "127.0.0.1", int(sys.argv[2]), model=SlowModel(script=lambda r: "done"), access_log=False,
          log_level="warning")
finally:
    if profile is not None:
        profile.disable()
        profile.dump_stats(sys.argv[4])
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


def server_cpu_s(pid: int) -> float:
    """User + system CPU seconds the process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def post(port: int, path: str, body: bytes, timeout_s: float) -> tuple[int | str, float]:
    """One POST on its own connection (HTTP/1.1, `Connection: close`), written by hand: a client
    library's connection pool costs more CPU at 2,000 connections than the server's door does, and
    the load client shares the machine with the server. (status or error name, seconds)."""
    started = time.perf_counter()
    writer = None
    try:
        async with asyncio.timeout(timeout_s):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            head = (
                f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
            )
            writer.write(head.encode() + body)
            await writer.drain()
            answer = await reader.read()  # until the server closes
        status: int | str = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else "BadAnswer"
        if status == 200 and not json.loads(answer.partition(b"\r\n\r\n")[2]).get("success"):
            status = "200-failed"
    except TimeoutError:
        status = "Timeout"
    except OSError as e:
        status = type(e).__name__
    finally:
        if writer is not None:
            writer.close()
    return status, time.perf_counter() - started


async def probe_health(url: str, stop: asyncio.Event, every_s: float = 0.25) -> list[float]:
    """GET /healthz every `every_s` until `stop`: the latency of each (a failure counts as 99 s)."""
    latencies = []
    async with httpx.AsyncClient(base_url=url, timeout=30) as c:
        while not stop.is_set():
            started = time.perf_counter()
            try:
                ok = (await c.get("/healthz")).status_code == 200
            except httpx.HTTPError:
                ok = False
            latencies.append(time.perf_counter() - started if ok else 99.0)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), every_s)
    return latencies


async def wave(
    url: str, port: int, n: int, timeout_s: float
) -> tuple[float, list[tuple[int | str, float]], list[float]]:
    stop = asyncio.Event()
    health = asyncio.ensure_future(probe_health(url, stop))
    started = time.perf_counter()
    results = await asyncio.gather(
        *(
            post(port, "/v1/execute", json.dumps({"goal": f"say hello number {i}"}).encode(), timeout_s)
            for i in range(n)
        )
    )
    wall = time.perf_counter() - started
    stop.set()
    return wall, list(results), await health


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
    parser.add_argument("--repo", type=Path, default=REPO, help="the LLM OS checkout whose server to start")
    parser.add_argument("--profile", help="write the server's cProfile statistics to this file at the end")
    parser.add_argument("--timeout", type=float, default=120.0, help="client timeout per request, seconds")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANTHROPIC_", "OPENAI_", "LLMOS_"))}
    env["PYTHONPATH"] = str(args.repo.resolve())
    with tempfile.TemporaryDirectory() as ws:
        Path(ws, "llmos.toml").write_text(
            f'preset = "testing"\n[server]\nmax_in_flight = {args.max_in_flight}\nqueue = {args.queue}\n'
            "[budget]\ntotal_usd = 1000000.0\nper_run_usd = 100.0\n"
        )
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        argv = [sys.executable, "-c", SERVER, ws, str(port), str(args.delay), args.profile or ""]
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL)
        try:
            wait_healthy(url, proc)
            print(
                f"model delay {args.delay} s per call; [server] max_in_flight={args.max_in_flight} "
                f"queue={args.queue}; server RSS at start {rss_mb(proc.pid)[0]:.0f} MB"
            )
            for n in (int(x) for x in args.n.split(",")):
                cpu_before = server_cpu_s(proc.pid)
                wall, results, health = asyncio.run(wave(url, port, n, args.timeout))
                cpu = server_cpu_s(proc.pid) - cpu_before
                ok = [t for s, t in results if s == 200]
                refused = [t for s, t in results if s in (429, 503)]
                by_status = Counter(str(s) for s, _ in results)
                now, peak = rss_mb(proc.pid)
                print(
                    f"N={n:5d}: {len(ok) / wall:6.1f} runs/s | ok p50 {pct(ok, 0.5):6.2f} s p99 {pct(ok, 0.99):6.2f} s"
                    f" | refused p50 {pct(refused, 0.5):5.2f} s p99 {pct(refused, 0.99):5.2f} s"
                    f" | healthz max {max(health, default=float('nan')):5.2f} s"
                    f" | {dict(sorted(by_status.items()))} | RSS {now:.0f} MB (peak {peak:.0f})"
                    f" | server CPU {cpu:.1f} s"
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
