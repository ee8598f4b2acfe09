"""run_command: `bash -c COMMAND` in the workspace, never blocking the event loop.

The command runs in its own session (process group). On timeout the whole group is killed; when
the command ends, whatever it left running in its group is killed too, so no stray process holds
the output pipes open or outlives the call.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time

from llmos.tools.base import Tool, ToolOutput, function_tool
from llmos.tools.builtin._common import Env, cap, error

READ_CHUNK = 65536
DRAIN_TIMEOUT_S = 2.0


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


async def _wait_exit(proc: asyncio.subprocess.Process, within_s: float) -> bool:
    """Whether the process exited within `within_s` seconds.

    Polls `returncode` instead of `proc.wait()`, which on Python 3.11 also waits for the pipes to
    close: a background child holding them would make a finished command look hung.
    """
    deadline = time.monotonic() + within_s
    delay = 0.002
    while proc.returncode is None:
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(delay)
        delay = min(delay * 2, 0.05)
    return True


class _Capture:
    """What a stream produced: at most `keep` bytes from its start and from its end."""

    def __init__(self, keep: int) -> None:
        self.keep = keep
        self.head = bytearray()
        self.tail = bytearray()
        self.total = 0

    async def read(self, stream: asyncio.StreamReader | None) -> None:
        while stream is not None:
            chunk = await stream.read(READ_CHUNK)
            if not chunk:
                return
            self.total += len(chunk)
            room = self.keep - len(self.head)
            if room > 0:
                self.head += chunk[:room]
                chunk = chunk[room:]
            if chunk:
                self.tail += chunk
                if len(self.tail) > self.keep:
                    del self.tail[: len(self.tail) - self.keep]

    def text(self) -> str:
        data = bytes(self.head)
        if self.tail:
            gap = self.total > len(self.head) + len(self.tail)
            data += (b"\n...\n" if gap else b"") + bytes(self.tail)
        return data.decode("utf-8", errors="replace")


def _format(exit_code: int | None, timed_out: bool, timeout: float, out: str, err: str, limit: int) -> str:
    head = f"timed out after {timeout:g}s (process group killed)" if timed_out else f"exit code: {exit_code}"
    parts = [head]
    budget = max(limit - len(head) - 40, 200)
    if out and err:
        out_budget = max(budget - min(len(err), budget // 2), budget // 2)
        out, err = cap(out, out_budget), cap(err, budget - min(len(out), out_budget))
    else:
        out, err = cap(out, budget), cap(err, budget)
    if out:
        parts.append("[stdout]\n" + out.rstrip("\n"))
    if err:
        parts.append("[stderr]\n" + err.rstrip("\n"))
    if not out and not err:
        parts.append("(no output)")
    return "\n".join(parts)


def shell_tools(env: Env) -> list[Tool]:
    async def run_command(command: str, timeout_s: float | None = None) -> ToolOutput:
        """Run a shell command with bash in the workspace directory; returns its exit code and output.

        Args:
            command: the bash command line
            timeout_s: seconds before the command is killed (at most the configured limit)
        """
        if not command.strip():
            return error("empty command")
        limit_s = env.config.tools.command_timeout_s
        timeout = limit_s if timeout_s is None or timeout_s <= 0 else min(timeout_s, limit_s)
        started = time.monotonic()
        proc = await asyncio.create_subprocess_exec(
            "bash",
            "-c",
            command,
            cwd=env.workspace,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            start_new_session=True,
        )
        out, err = _Capture(env.limit * 4), _Capture(env.limit * 4)  # bytes, before the character cap
        readers = asyncio.gather(out.read(proc.stdout), err.read(proc.stderr))
        try:
            timed_out = not await _wait_exit(proc, timeout)
        except asyncio.CancelledError:
            _kill_group(proc.pid)
            readers.cancel()
            with contextlib.suppress(BaseException):  # reap it, so its transport closes cleanly
                await asyncio.shield(_wait_exit(proc, DRAIN_TIMEOUT_S))
            raise
        _kill_group(proc.pid)  # on timeout, and whatever the command left running in its group
        note = ""
        try:
            await asyncio.wait_for(readers, DRAIN_TIMEOUT_S)
        except TimeoutError:  # a process that left the group still holds a pipe
            note = "\n[output may be incomplete: a background process kept the pipes open]"
        await _wait_exit(proc, DRAIN_TIMEOUT_S)
        text = _format(proc.returncode, timed_out, timeout, out.text(), err.text(), env.limit) + note
        data = {
            "exit_code": proc.returncode,
            "timed_out": timed_out,
            "duration_s": round(time.monotonic() - started, 3),
        }
        return ToolOutput(text, is_error=timed_out or proc.returncode != 0, data=data)

    return [function_tool(run_command, source="builtin", kind="shell")]
