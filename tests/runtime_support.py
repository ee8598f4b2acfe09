"""Shared helpers for the runtime-core tests (test_runtime, test_loop, test_hooks, test_economy, ...)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from llmos.config import Config, ConfigBuilder
from llmos.models.base import ModelRequest, ModelResponse, StreamEvent
from llmos.models.testmodel import TestModel

REPO = Path(__file__).resolve().parent.parent

# the contract of `llmos run --json` / RunResult.to_dict(): field -> accepted types
CONTRACT: dict[str, tuple[type, ...]] = {
    "run_id": (str,),
    "mode": (str,),
    "success": (bool,),
    "output": (str,),
    "llm_calls": (int,),
    "input_tokens": (int,),
    "output_tokens": (int,),
    "cost_usd": (float, int),
    "duration_s": (float, int),
    "tool_calls": (list,),
    "error": (str, type(None)),
}
TOOL_CALL_FIELDS: dict[str, tuple[type, ...]] = {
    "name": (str,),
    "arguments": (dict,),
    "result": (str,),
    "is_error": (bool,),
}


def check_contract(data: dict[str, Any]) -> None:
    """Every contract field present with the right type (bool is not accepted as an int)."""
    for key, types in CONTRACT.items():
        assert key in data, f"missing field {key!r} in {sorted(data)}"
        value = data[key]
        assert isinstance(value, types), f"{key}: {type(value).__name__} is not {types}"
        if int in types or float in types:
            assert not isinstance(value, bool), f"{key} must be a number, not a bool"
    for call in data["tool_calls"]:
        for key, types in TOOL_CALL_FIELDS.items():
            assert key in call, f"missing tool call field {key!r}"
            assert isinstance(call[key], types), f"tool_calls[].{key}: {type(call[key]).__name__}"


def quiet_config(preset: str = "testing", **sections: dict[str, Any]) -> Config:
    """A configuration whose requests do not drift between runs: no learning (always LEARNER),
    no sentience prompt, no built-in tools, no tool examples. `sections` overrides whole sections' keys."""
    b = ConfigBuilder(preset)
    b.set("learning", enabled=False)
    b.set("sentience", enabled=False)
    b.set("tools", builtin=False)
    b.set("execution", tool_examples=False)  # examples from past runs would change the next request
    for name, values in sections.items():
        b.set(name, **values)
    return b.build()


class SlowModel:
    """Wraps a model and sleeps before every reply, so that concurrent runs really overlap."""

    def __init__(self, inner: Any, delay_s: float = 0.05) -> None:
        self.inner = inner
        self.delay_s = delay_s
        self.provider = inner.provider
        self.name = inner.name

    async def request(self, request: ModelRequest) -> ModelResponse:
        await asyncio.sleep(self.delay_s)
        response: ModelResponse = await self.inner.request(request)
        return response

    async def stream(self, request: ModelRequest) -> AsyncIterator[StreamEvent]:
        await asyncio.sleep(self.delay_s)
        async for event in self.inner.stream(request):
            yield event


def answer(text: str = "done") -> TestModel:
    """A model that answers every request with `text` (usable by concurrent runs)."""
    return TestModel(script=lambda request: text)


def cli_env(**extra: str) -> dict[str, str]:
    """The environment for `python -m llmos` subprocesses: no provider keys, no LLMOS_* leaks."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ANTHROPIC_", "OPENAI_", "LLMOS_")) and k != "PYTHONPATH"
    }
    env["PYTHONPATH"] = str(REPO)
    env["COLUMNS"] = "200"
    env.update(extra)
    return env


def llmos_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "llmos", *args],
        capture_output=True,
        text=True,
        env=env or cli_env(),
        timeout=timeout,
        cwd=cwd,
    )


def one_json(stdout: str) -> Any:
    """Exactly one JSON document on stdout (one line), nothing else."""
    lines = [ln for ln in stdout.splitlines() if ln.strip()]
    assert len(lines) == 1, f"expected exactly one line of JSON on stdout, got {stdout!r}"
    return json.loads(lines[0])


def alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie (read from /proc: Linux only)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


async def wait_dead(pid: int, within_s: float = 3.0) -> bool:
    """Wait until a process is gone; False if it is still alive after `within_s`."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        await asyncio.sleep(0.05)
    return False
