"""Several real `llmos serve` processes sharing one store, against one slow, counting fake model.

    llm = FakeLLMServer().start(); llm.delay_s = 0.2          # tests/fakes/llm_server.py: real SDK wire format
    with cluster(tmp_path, 2, llm=llm, storage_url=pg_url) as c:
        answers = await c.execute_all(["goal 1", "goal 2", ...])   # spread over the servers, all at once
        len(llm.requests)                                    # model calls the whole cluster paid for

Each server is `python -m llmos serve --workspace WS_i --port 0` in a subprocess on loopback, with the
Anthropic provider pointed at the fake (`ANTHROPIC_BASE_URL`). With `storage_url` every server has its
own workspace folder and `[storage] url = storage_url` in its llmos.toml; without it the servers share
ONE workspace folder (its SQLite file, WAL across processes). Servers start in parallel; on exit each
gets SIGTERM (graceful: in-flight runs finish, the runtime closes), then SIGKILL after a grace period.
Used by tests/test_multiserver.py and bench/scale_out.py.
"""

from __future__ import annotations

import asyncio
import math
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from fakes.llm_server import FakeLLMServer

REPO = Path(__file__).resolve().parent.parent
MODEL = "claude-sonnet-4-5"  # priced: the ledger charges real dollars for the fake's usage
_READY = re.compile(r"LLM OS serving .* at (http://127\.0\.0\.1:\d+)")


@dataclass
class ServerProcess:
    """One `llmos serve` subprocess: its URL once it listens, its stderr lines."""

    workspace: Path
    proc: subprocess.Popen[str]
    url: str = ""
    stderr: list[str] = field(default_factory=list)
    ready: threading.Event = field(default_factory=threading.Event)
    reader: threading.Thread | None = None

    @property
    def log(self) -> str:
        return "".join(self.stderr)

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.stderr.append(line)
            match = _READY.search(line)
            if match and not self.url:
                self.url = match.group(1)
                self.ready.set()
        self.ready.set()  # the process ended (without listening, if url is empty)


@dataclass
class Cluster:
    servers: list[ServerProcess]
    llm: FakeLLMServer
    storage_url: str | None

    @property
    def urls(self) -> list[str]:
        return [s.url for s in self.servers]

    @property
    def model_calls(self) -> int:
        """Model requests the fake received from every server (count_tokens excluded)."""
        return len(self.llm.requests)

    def env(self, **extra: str) -> dict[str, str]:
        """An environment for `llmos` CLI subprocesses that reads the same store."""
        return server_env(self.llm, **extra)

    async def execute(self, client: httpx.AsyncClient, server: int, goal: str, **body: Any) -> dict[str, Any]:
        """POST /v1/execute on one server; the answer's JSON with `http_status` and `server` added."""
        started = time.perf_counter()
        response = await client.post(f"{self.urls[server]}/v1/execute", json={"goal": goal, **body})
        data: dict[str, Any] = response.json() if response.content else {}
        data["http_status"] = response.status_code
        data["server"] = server
        data["latency_s"] = time.perf_counter() - started
        return data

    async def execute_all(self, goals: Sequence[str], *, timeout_s: float = 300) -> list[dict[str, Any]]:
        """Every goal posted at once, round-robin over the servers; answers in the goals' order."""
        limits = httpx.Limits(max_connections=len(goals) + 8, max_keepalive_connections=len(goals) + 8)
        async with httpx.AsyncClient(timeout=timeout_s, limits=limits) as client:
            return list(
                await asyncio.gather(*(self.execute(client, i % len(self.servers), g) for i, g in enumerate(goals)))
            )

    def get(self, server: int, path: str) -> Any:
        response = httpx.get(f"{self.urls[server]}{path}", timeout=30)
        response.raise_for_status()
        return response.json()


def server_env(llm: FakeLLMServer, **extra: str) -> dict[str, str]:
    """No real keys or LLMOS_* settings leak in; the Anthropic SDK talks to the loopback fake."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANTHROPIC_", "OPENAI_", "LLMOS_"))}
    env.pop("PYTHONPATH", None)
    env.update(
        PYTHONPATH=str(REPO),
        ANTHROPIC_API_KEY="sk-test-multiserver",
        ANTHROPIC_BASE_URL=llm.url,
        COLUMNS="200",
        **extra,
    )
    return env


def workspace_toml(storage_url: str | None, extra_toml: str = "", *, max_tokens: int | None = None) -> str:
    lines = ['[model]\nprovider = "anthropic"', f'name = "{MODEL}"', "max_retries = 0"]
    lines += [f"max_tokens = {max_tokens}", ""] if max_tokens else [""]
    if storage_url:
        lines += ["[storage]", f'url = "{storage_url}"', ""]
    return "\n".join(lines) + extra_toml


@contextmanager
def cluster(
    root: Path,
    n: int,
    *,
    llm: FakeLLMServer,
    storage_url: str | None = None,
    extra_toml: str = "",
    max_tokens: int | None = None,
    start_timeout_s: float = 120,
    stop_timeout_s: float = 30,
) -> Iterator[Cluster]:
    """N servers up (all listening) for the block; stopped (SIGTERM, then SIGKILL) after it."""
    servers: list[ServerProcess] = []
    env = server_env(llm)
    try:
        for i in range(n):
            ws = root / (f"ws{i}" if storage_url else "ws")
            if not (ws / "llmos.toml").exists():
                ws.mkdir(parents=True, exist_ok=True)
                (ws / "llmos.toml").write_text(workspace_toml(storage_url, extra_toml, max_tokens=max_tokens))
            argv = [sys.executable, "-m", "llmos", "serve", "--workspace", str(ws), "--port", "0"]
            proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
            server = ServerProcess(ws, proc)
            server.reader = threading.Thread(target=server._read, daemon=True)
            server.reader.start()
            servers.append(server)
        deadline = time.monotonic() + start_timeout_s
        for server in servers:
            server.ready.wait(max(0.0, deadline - time.monotonic()))
            if not server.url:
                raise RuntimeError(f"llmos serve ({server.workspace}) did not start:\n{server.log[-4000:]}")
        yield Cluster(servers, llm, storage_url)
    finally:
        stop(servers, stop_timeout_s)


def stop(servers: list[ServerProcess], timeout_s: float = 30) -> None:
    """SIGTERM every server at once, wait for all, SIGKILL what is left; close the pipes."""
    for server in servers:
        if server.proc.poll() is None:
            server.proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    for server in servers:
        try:
            server.proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            server.proc.kill()
            server.proc.wait(10)
        if server.reader is not None:
            server.reader.join(5)
        if server.proc.stderr is not None:
            server.proc.stderr.close()


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by nearest rank; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]
