"""`llmos serve` as a real subprocess on loopback, for the server's hardening tests and benches."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from runtime_support import cli_env

_READY = re.compile(r"LLM OS serving .* at (http://127\.0\.0\.1:\d+)")


@dataclass
class CliServer:
    proc: subprocess.Popen[str]
    url: str = ""
    stderr: list[str] = field(default_factory=list)

    @property
    def log(self) -> str:
        return "".join(self.stderr)


@contextmanager
def cli_server(
    workspace: Path, *args: str, env: dict[str, str] | None = None, start_timeout_s: float = 60
) -> Iterator[CliServer]:
    """`python -m llmos serve --workspace W --port 0 --model test ARGS`, until it says where it listens.
    Killed on exit if still running."""
    argv = [sys.executable, "-m", "llmos", "serve", "--workspace", str(workspace), "--port", "0", "--model", "test"]
    proc = subprocess.Popen(
        [*argv, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env or cli_env()
    )
    server = CliServer(proc)
    found = threading.Event()

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            server.stderr.append(line)
            match = _READY.search(line)
            if match and not server.url:
                server.url = match.group(1)
                found.set()
        found.set()  # the process ended without listening

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        found.wait(start_timeout_s)
        yield server
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)
        reader.join(5)
        if proc.stderr is not None:
            proc.stderr.close()
