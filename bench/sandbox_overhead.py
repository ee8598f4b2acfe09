"""Start-up overhead of one sandboxed call (a trivial function), for bwrap and the weak fallback,
and of the shell: run_command (`true`) under bubblewrap against the unsandboxed run_command.

    PYTHONPATH=. .venv/bin/python bench/sandbox_overhead.py [--calls 50] [--json] [--shell-only]
    PYTHONPATH=. .venv/bin/python bench/sandbox_overhead.py --shell-only --calls 60 --baseline /work/main

`--baseline DIR` measures the shell figures of another checkout (its own .venv) and of this one
interleaved: rounds of `--round` calls, each in a fresh worker process, alternating between the
two, so both see the same load on a shared machine.

Targets: p50 under 50 ms per sandboxed function call; the sandboxed run_command's p50 overhead
over the unsandboxed one under 30 ms, with or without a network allow-list (its own line: the proxy
port opened in the sandbox, the relay, the proxy's notes). Also prints a bare
`python -I -S -c pass` start for reference (the floor any process-per-call sandbox pays).

CPU per call: `cpu` is this process and its waited-for children (rusage); `all-CPU` (as root, with
a cgroup v1 cpuacct hierarchy) is everything the process started, read from a cpuacct group of its
own, which also counts the sandbox's processes reaped inside their pid namespace and the proxy.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import contextlib
import http.server
import json
import logging
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from llmos.config import Config, SandboxConfig
from llmos.exceptions import SandboxError
from llmos.execution.sandbox import Sandbox
from llmos.execution.sandbox.bwrap import Interpreter
from llmos.execution.sandbox.shell import shell_runner
from llmos.tools import ToolContext, builtin_tools

CODE = "def f(x):\n    return x + 1\n"


def _stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000, 2),
        "min_ms": round(ordered[0] * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


async def _bench(config: SandboxConfig, calls: int) -> dict[str, Any]:
    sandbox = Sandbox(config)
    try:
        await sandbox.run(CODE, function="f", args={"x": 0})  # warm-up (and the bwrap probe)
    except SandboxError as e:
        return {"error": str(e)}
    samples = []
    for i in range(calls):
        start = time.perf_counter()
        result = await sandbox.run(CODE, function="f", args={"x": i})
        samples.append(time.perf_counter() - start)
        if not result.ok or result.value != i + 1:
            return {"error": f"call {i} failed: {result.error}"}
    return {"calls": calls, **_stats(samples)}


async def _shell(sandbox: dict[str, Any], calls: int, *, weak: bool, raw: bool = False) -> dict[str, Any]:
    """run_command `true` through the built-in tool: under bwrap, or the unsandboxed weak runner."""
    with tempfile.TemporaryDirectory(prefix="llmos-bench-") as ws:
        config = Config.model_validate({"sandbox": {**sandbox, "allow_weak_fallback": weak}})
        runner = None if weak else shell_runner(config.sandbox)
        tool = next(t for t in builtin_tools(Path(ws), config, runner) if t.name == "run_command")
        ctx = ToolContext(workspace=Path(ws))
        samples = []
        cpu_start = 0.0
        group_start: float | None = None
        for i in range(calls + 1):
            if i == 1:
                cpu_start, group_start = _cpu_s(), _group_cpu_s()
            start = time.perf_counter()
            out = await tool.call({"command": "true"}, ctx)
            if out.is_error:
                return {"error": out.content[:300]}
            if i:  # the first call is the warm-up
                samples.append(time.perf_counter() - start)
        cpu_ms = (_cpu_s() - cpu_start) / calls * 1000
        group_end = _group_cpu_s()
    all_ms = None if group_start is None or group_end is None else (group_end - group_start) / calls * 1000
    if raw:
        return {"samples": samples, "cpu_ms": cpu_ms, "cpu_all_ms": all_ms}
    row = {"calls": calls, **_stats(samples), "cpu_ms_per_call": round(cpu_ms, 2)}
    if all_ms is not None:
        row["cpu_all_ms_per_call"] = round(all_ms, 2)
    return row


SHELL_CONFIGS: dict[str, tuple[dict[str, Any], bool]] = {
    "shell_unsandboxed": ({}, True),
    "shell_bwrap": ({}, False),
    "shell_bwrap_allow_list": ({"network_allow": ["pypi.org"]}, False),
}


def _worker(name: str, calls: int) -> None:
    sandbox, weak = SHELL_CONFIGS[name]
    _enter_cpu_group()
    json.dump(asyncio.run(_shell(sandbox, calls, weak=weak, raw=True)), sys.stdout)


def _interleaved(baseline: Path, calls: int, per_round: int, extra: list[str]) -> dict[str, Any]:
    """The shell figures of `baseline` and of this checkout, measured in alternating rounds."""
    here = Path(__file__).resolve().parents[1]
    sides = {"baseline": baseline.resolve(), "this": here}
    got: dict[str, dict[str, dict[str, list[float]]]] = {
        side: {name: {"samples": [], "cpu": [], "cpu_all": []} for name in SHELL_CONFIGS} for side in sides
    }
    for _ in range(max(1, calls // per_round)):
        for name in SHELL_CONFIGS:
            for side, root in sides.items():
                out = subprocess.run(
                    [str(root / ".venv/bin/python"), __file__, "--worker", name, "--calls", str(per_round), *extra],
                    cwd=root,
                    env={**os.environ, "PYTHONPATH": str(root)},
                    capture_output=True,
                    text=True,
                    check=True,
                )
                row = json.loads(out.stdout)
                if "error" in row:
                    raise SystemExit(f"{side} {name}: {row['error']}")
                got[side][name]["samples"] += row["samples"]
                got[side][name]["cpu"].append(row["cpu_ms"])
                if row.get("cpu_all_ms") is not None:
                    got[side][name]["cpu_all"].append(row["cpu_all_ms"])
    report: dict[str, Any] = {"baseline_dir": str(sides["baseline"]), "load_avg_1min_end": os.getloadavg()[0]}
    for side in sides:
        rows = {}
        for name, data in got[side].items():
            rows[name] = {
                "calls": len(data["samples"]),
                **_stats(data["samples"]),
                "cpu_ms_per_call": round(statistics.mean(data["cpu"]), 2),
            }
            if data["cpu_all"]:
                rows[name]["cpu_all_ms_per_call"] = round(statistics.mean(data["cpu_all"]), 2)
        base = rows["shell_unsandboxed"]
        for name in ("shell_bwrap", "shell_bwrap_allow_list"):
            rows[name]["overhead_p50_ms"] = round(rows[name]["p50_ms"] - base["p50_ms"], 2)
            rows[name]["overhead_cpu_ms"] = round(rows[name]["cpu_ms_per_call"] - base["cpu_ms_per_call"], 2)
            if "cpu_all_ms_per_call" in rows[name] and "cpu_all_ms_per_call" in base:
                extra = rows[name]["cpu_all_ms_per_call"] - base["cpu_all_ms_per_call"]
                rows[name]["overhead_cpu_all_ms"] = round(extra, 2)
        report[side] = rows
    return report


CPUACCT = Path("/sys/fs/cgroup/cpuacct")  # cgroup v1: the per-command pids groups live in another hierarchy
_group: list[Path] = []


def _enter_cpu_group() -> None:
    """Put this process (and so everything it starts) in a cpuacct group of its own, where one can be made.

    The rusage of finished children misses processes nobody waited for (a sandbox's pid namespace is
    torn down, its processes reaped inside it); the group counts every descendant, the proxy too."""
    path = CPUACCT / f"llmos-bench-{os.getpid()}"
    try:
        path.mkdir()
        (path / "cgroup.procs").write_text(str(os.getpid()))
    except OSError:
        with contextlib.suppress(OSError):
            path.rmdir()
        return
    _group.append(path)
    atexit.register(_leave_cpu_group, path)


def _leave_cpu_group(path: Path) -> None:
    with contextlib.suppress(OSError):
        (CPUACCT / "cgroup.procs").write_text(str(os.getpid()))
    for _ in range(100):  # the last sandboxed processes may still be leaving
        try:
            path.rmdir()
            return
        except OSError:
            time.sleep(0.01)


def _group_cpu_s() -> float | None:
    """CPU seconds used by everything in this process's cpuacct group (None without one)."""
    if not _group:
        return None
    try:
        return int((_group[0] / "cpuacct.usage").read_text()) / 1e9
    except (OSError, ValueError):
        return None


def _cpu_s() -> float:
    """CPU seconds used so far by this process and its finished children (load-independent cost)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _force_port_inside() -> None:
    try:
        from llmos.execution.sandbox import relay
    except ImportError:  # a checkout from before the relay: its forwarder runs inside anyway
        return
    relay.can_enter_netns = lambda: False  # type: ignore[assignment]


GET = """import socket, sys, time
start = time.perf_counter()
s = socket.create_connection(('127.0.0.1', 3128))  # the proxy port, as HTTPS through http(s)_proxy goes
s.sendall(f'CONNECT 127.0.0.1:{sys.argv[1]} HTTP/1.1\\r\\n\\r\\n'.encode())
head = b''
while b'\\r\\n\\r\\n' not in head:
    head += s.recv(1)
s.sendall(b'GET / HTTP/1.0\\r\\n\\r\\n')
data = bytearray()
while chunk := s.recv(1 << 20):
    data += chunk
print(len(data) - data.index(b'\\r\\n\\r\\n') - 4, time.perf_counter() - start)
"""


async def _download(mb: int, calls: int) -> dict[str, Any]:
    """`calls` downloads of `mb` MB from a loopback server through the allow-list: a CONNECT tunnel (the
    HTTPS path) through the proxy port, the relay and the proxy. (Plain-HTTP proxying is much slower
    in proxy.py itself, which parses every response: about 3 MB/s here.)"""
    payload = os.urandom(mb << 20)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    port = httpd.server_address[1]
    rates, cpu = [], []
    try:
        with tempfile.TemporaryDirectory(prefix="llmos-bench-") as ws:
            (Path(ws) / "get.py").write_text(GET)
            config = Config.model_validate({"sandbox": {"network_allow": [f"127.0.0.1:{port}"]}})
            tool = next(
                t for t in builtin_tools(Path(ws), config, shell_runner(config.sandbox)) if t.name == "run_command"
            )
            ctx = ToolContext(workspace=Path(ws))
            for _ in range(calls):
                before = _group_cpu_s()
                out = await tool.call({"command": f"python3 get.py {port}", "timeout_s": 600}, ctx)
                after = _group_cpu_s()
                got = next(
                    (line.split() for line in out.content.splitlines() if line.startswith(str(len(payload)))), None
                )
                if out.is_error or got is None:
                    return {"error": out.content[:300]}
                rates.append(mb / float(got[1]))
                if before is not None and after is not None:
                    cpu.append((after - before) * 1000 / mb)
    finally:
        httpd.shutdown()
        httpd.server_close()
    row: dict[str, Any] = {"mb": mb, "calls": calls, "mb_per_s_p50": round(statistics.median(rates), 1)}
    if cpu:
        row["all_cpu_ms_per_mb"] = round(statistics.median(cpu), 2)
    row["load_avg_1min"] = os.getloadavg()[0]
    return row


def _bare_python(calls: int) -> dict[str, Any]:
    exe = Interpreter.current().executable
    samples = []
    for _ in range(calls):
        start = time.perf_counter()
        subprocess.run([exe, "-I", "-S", "-c", "pass"], check=True)
        samples.append(time.perf_counter() - start)
    return {"calls": calls, **_stats(samples)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--shell-only", action="store_true", help="only the run_command figures")
    parser.add_argument("--baseline", type=Path, help="another checkout: its shell figures interleaved with these")
    parser.add_argument("--round", type=int, default=10, help="calls per worker process with --baseline")
    parser.add_argument("--worker", choices=sorted(SHELL_CONFIGS), help=argparse.SUPPRESS)
    parser.add_argument(
        "--port-inside",
        action="store_true",
        help="open the allow-list's proxy port from inside the sandbox (`_listener.py`), the way taken where "
        "this process may not enter a network namespace (not root)",
    )
    parser.add_argument(
        "--download-mb", type=int, help="instead: N MB downloaded through the allow-list, --calls times"
    )
    ns = parser.parse_args()
    logging.getLogger("llmos").addHandler(logging.NullHandler())  # the weak-fallback warning, once per call
    if ns.port_inside:
        _force_port_inside()
    if ns.worker:
        _worker(ns.worker, ns.calls)
        return
    if ns.baseline is not None:
        extra = ["--port-inside"] if ns.port_inside else []
        _print_interleaved(_interleaved(ns.baseline, ns.calls, ns.round, extra), as_json=ns.json)
        return
    if ns.download_mb:
        _enter_cpu_group()
        json.dump(asyncio.run(_download(ns.download_mb, ns.calls)), sys.stdout, indent=2)
        sys.stdout.write("\n")
        return
    report: dict[str, Any] = {}
    _enter_cpu_group()
    if not ns.shell_only:
        report["bwrap"] = asyncio.run(_bench(SandboxConfig.model_validate({"backend": "bwrap"}), ns.calls))
        weak = SandboxConfig.model_validate({"backend": "subprocess", "allow_weak_fallback": True})
        report["subprocess"] = asyncio.run(_bench(weak, ns.calls))
        report["bare_python"] = _bare_python(ns.calls)
        report["target_ms"] = 50
    report |= {
        "shell_unsandboxed": asyncio.run(_shell({}, ns.calls, weak=True)),
        "shell_bwrap": asyncio.run(_shell({}, ns.calls, weak=False)),
        "shell_bwrap_allow_list": asyncio.run(_shell({"network_allow": ["pypi.org"]}, ns.calls, weak=False)),
        "shell_target_overhead_ms": 30,
    }
    _add_overheads(report)
    if ns.json:
        json.dump(report, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return
    for name in ("bwrap", "subprocess", "bare_python") if not ns.shell_only else ():
        row = report[name]
        if "error" in row:
            sys.stdout.write(f"{name:12} unavailable: {row['error']}\n")
        else:
            verdict = "" if name == "bare_python" else ("  OK" if row["p50_ms"] < 50 else "  SLOW (target 50 ms)")
            sys.stdout.write(
                f"{name:12} p50 {row['p50_ms']:7.2f} ms  p95 {row['p95_ms']:7.2f} ms  "
                f"(min {row['min_ms']:.2f}, max {row['max_ms']:.2f}, {row['calls']} calls){verdict}\n"
            )
    for name in ("shell_unsandboxed", "shell_bwrap", "shell_bwrap_allow_list"):
        row = report[name]
        if "error" in row:
            sys.stdout.write(f"{name:22} unavailable: {row['error']}\n")
            continue
        extra = ""
        if "overhead_p50_ms" in row:
            ok = "OK" if row["overhead_p50_ms"] < 30 else "SLOW (target 30 ms)"
            extra = f"  overhead p50 {row['overhead_p50_ms']:.2f} ms  {ok}"
        if "overhead_cpu_ms" in row:
            extra += f"  (CPU {row['overhead_cpu_ms']:.2f} ms more per call)"
        if "overhead_cpu_all_ms" in row:
            extra += f"  (all-CPU {row['overhead_cpu_all_ms']:.2f} ms more)"
        sys.stdout.write(
            f"{name:22} p50 {row['p50_ms']:7.2f} ms  p95 {row['p95_ms']:7.2f} ms  "
            f"cpu {row['cpu_ms_per_call']:6.2f} ms/call{_all_cpu(row)}  ({row['calls']} calls){extra}\n"
        )
    sys.stdout.write(f"load average (1 min): {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs\n")


def _add_overheads(report: dict[str, Any]) -> None:
    """Each sandboxed row's overhead over the unsandboxed one: p50, CPU, all-CPU (the cpuacct group)."""
    base = report["shell_unsandboxed"]
    pairs = (("p50_ms", "overhead_p50_ms"), ("cpu_ms_per_call", "overhead_cpu_ms"))
    for name in ("shell_bwrap", "shell_bwrap_allow_list"):
        row = report[name]
        for key, out in (*pairs, ("cpu_all_ms_per_call", "overhead_cpu_all_ms")):
            if key in base and key in row:
                row[out] = round(row[key] - base[key], 2)


def _print_interleaved(report: dict[str, Any], *, as_json: bool) -> None:
    if as_json:
        json.dump(report, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return
    for side in ("baseline", "this"):
        sys.stdout.write(f"{side} ({report['baseline_dir'] if side == 'baseline' else 'this checkout'}):\n")
        for name, row in report[side].items():
            extra = ""
            if "overhead_p50_ms" in row:
                extra = f"  overhead p50 {row['overhead_p50_ms']:.2f} ms, CPU +{row['overhead_cpu_ms']:.2f} ms"
            if "overhead_cpu_all_ms" in row:
                extra += f", all-CPU +{row['overhead_cpu_all_ms']:.2f} ms"
            sys.stdout.write(
                f"  {name:22} p50 {row['p50_ms']:7.2f} ms  p95 {row['p95_ms']:7.2f} ms  "
                f"cpu {row['cpu_ms_per_call']:6.2f} ms/call{_all_cpu(row)}  ({row['calls']} calls){extra}\n"
            )
    sys.stdout.write(f"load average (1 min) at the end: {report['load_avg_1min_end']:.2f} on {os.cpu_count()} CPUs\n")


def _all_cpu(row: dict[str, Any]) -> str:
    return f"  all-CPU {row['cpu_all_ms_per_call']:6.2f} ms/call" if "cpu_all_ms_per_call" in row else ""


if __name__ == "__main__":
    main()
