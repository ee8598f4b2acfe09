"""Scale out: N goals against a slow model with 1, 2 and 4 `llmos serve` processes on one PostgreSQL,
and with 1 server on SQLite, side by side in one run.

    PYTHONPATH=. .venv/bin/python bench/scale_out.py [--goals 200] [--delay 0.2] [--servers 1,2,4]
        [--max-in-flight 64] [--pg-url postgresql://…] [--no-sqlite]

Starts its own throwaway PostgreSQL (scripts/pg_throwaway.py; `--pg-url` uses a running server
instead) and a fresh database for each configuration. The model is the loopback fake of the Anthropic
API (tests/fakes/llm_server.py: the real SDK's wire format) answering every call after `--delay`
seconds; learning is off so that every goal is one paid model call. Each server gets one warm-up goal
first; then all goals are posted at once, round-robin over the servers. Prints, per configuration:
successful runs, wall time, throughput (successful runs per second), p50/p99 latency of a goal as the
client saw it, the model calls the fake answered, and the dollars the shared ledger holds.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "tests"), str(REPO / "scripts")]

import pg_throwaway  # noqa: E402
from fakes.llm_server import FakeLLMServer  # noqa: E402
from multiserver_support import cluster, percentile  # noqa: E402


@dataclass
class Row:
    label: str
    servers: int
    goals: int
    ok: int
    other: str
    wall_s: float
    p50_s: float
    p99_s: float
    model_calls: int
    ledger_usd: float

    @property
    def throughput(self) -> float:
        return self.ok / self.wall_s if self.wall_s else 0.0


def fresh_database(server_url: str) -> str:
    import psycopg

    name = "bench_" + uuid.uuid4().hex[:10]
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{server_url.rsplit('/', 1)[0]}/{name}"


def run_config(label: str, n_servers: int, storage_url: str | None, args: argparse.Namespace, root: Path) -> Row:
    toml = (
        "[budget]\ntotal_usd = 10000\n\n[learning]\nenabled = false\n\n"
        f"[server]\nmax_in_flight = {args.max_in_flight}\n"
    )
    llm = FakeLLMServer().start()
    llm.delay_s = args.delay
    try:
        with cluster(root / label, n_servers, llm=llm, storage_url=storage_url, extra_toml=toml) as c:
            asyncio.run(c.execute_all([f"Warm up server {i}" for i in range(n_servers)]))  # one goal each
            calls_before = c.model_calls
            goals = [f"Say hello to visitor number {i}" for i in range(args.goals)]
            started = time.perf_counter()
            answers = asyncio.run(c.execute_all(goals))
            wall = time.perf_counter() - started
            ledger = float(c.get(0, "/v1/stats")["budget"]["spent_usd"])
            calls = c.model_calls - calls_before
    finally:
        llm.stop()
    ok = [a for a in answers if a.get("status") == "success"]
    others = Counter(str(a.get("status") or a["http_status"]) for a in answers if a.get("status") != "success")
    latencies = [a["latency_s"] for a in ok]
    return Row(
        label,
        n_servers,
        len(goals),
        len(ok),
        ", ".join(f"{k}: {v}" for k, v in sorted(others.items())) or "-",
        wall,
        percentile(latencies, 50),
        percentile(latencies, 99),
        calls,
        ledger,
    )


def print_table(rows: list[Row], args: argparse.Namespace) -> None:
    print(
        f"\n{args.goals} goals posted at once, model delay {args.delay * 1000:.0f} ms per call, "
        f"[server] max_in_flight = {args.max_in_flight} per server\n"
    )
    head = ("store", "servers", "ok/goals", "wall s", "runs/s", "p50 s", "p99 s", "model calls", "ledger $", "other")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        cells = (
            r.label.split("-")[0],
            str(r.servers),
            f"{r.ok}/{r.goals}",
            f"{r.wall_s:.2f}",
            f"{r.throughput:.1f}",
            f"{r.p50_s:.2f}",
            f"{r.p99_s:.2f}",
            str(r.model_calls),
            f"{r.ledger_usd:.4f}",
            r.other,
        )
        print("| " + " | ".join(cells) + " |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--goals", type=int, default=200)
    parser.add_argument("--delay", type=float, default=0.2, help="seconds the fake model takes per call")
    parser.add_argument("--servers", default="1,2,4", help="server counts on PostgreSQL")
    parser.add_argument("--max-in-flight", type=int, default=64)
    parser.add_argument("--pg-url", help="a running PostgreSQL server (default: a throwaway one)")
    parser.add_argument("--no-sqlite", action="store_true", help="skip the one-server SQLite baseline")
    args = parser.parse_args(argv)
    counts = [int(x) for x in args.servers.split(",") if x.strip()]
    root = Path(tempfile.mkdtemp(prefix="llmos-scale-out-"))
    pg_folder = root / "pg"
    server_url = args.pg_url or pg_throwaway.start(pg_folder)
    rows: list[Row] = []
    try:
        if not args.no_sqlite:
            rows.append(run_config("sqlite-1", 1, None, args, root))
            print(f"sqlite, 1 server: {rows[-1].throughput:.1f} runs/s", file=sys.stderr)
        for n in counts:
            rows.append(run_config(f"postgres-{n}", n, fresh_database(server_url), args, root))
            print(f"postgres, {n} servers: {rows[-1].throughput:.1f} runs/s", file=sys.stderr)
    finally:
        if not args.pg_url:
            pg_throwaway.stop(pg_folder)
    print_table(rows, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
