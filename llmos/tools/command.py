"""How `run_command` runs a command: the `CommandRunner` seam and the process driver behind it.

    runner: CommandRunner = ...            # injected by the runtime assembly (the bwrap sandbox)
    result = await runner.run(command, workspace=ws, timeout_s=30, keep_bytes=80_000)

The tools layer defines the seam; the sandboxed implementation lives in
`llmos.execution.sandbox.shell` and is wired in by `llmos._assembly` (tools never import
execution). `WeakRunner` (a plain `bash -c` in the workspace) exists only for configurations
that explicitly accept it (`[sandbox] allow_weak_fallback = true`); every result it produces
says so.

`run_argv` spawns one process in its own session (process group). On timeout the whole group
is killed; when the command ends, whatever it left running in its group is killed too, so no
stray process holds the output pipes open or outlives the call.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from llmos.exceptions import SandboxError

READ_CHUNK = 65536
DRAIN_TIMEOUT_S = 2.0
WEAK_SHELL_WARNING = (
    "WEAK SANDBOX: run_command ran WITHOUT isolation ({reason}); the command could write anywhere the "
    "host user can, reach the network and modify the control plane. "
    "([sandbox] allow_weak_fallback = true accepted this.)"
)


@dataclass
class CommandResult:
    """What one command did. `killed_by` names a limit that stopped it ("wall", "output", ...)."""

    exit_code: int | None
    stdout: str
    stderr: str
    timed_out: bool = False
    duration_s: float = 0.0
    killed_by: str | None = None
    backend: str = "bwrap"
    weak: bool = False
    notes: list[str] = field(default_factory=list)
    incomplete: bool = False  # a background process kept the pipes open past the end

    def data(self) -> dict[str, Any]:
        return {
            "exit_code": self.exit_code,
            "timed_out": self.timed_out,
            "duration_s": round(self.duration_s, 3),
            "sandbox": self.backend,
            "weak": self.weak,
            "killed_by": self.killed_by,
            "notes": list(self.notes),
        }


class CommandRunner(Protocol):
    """Runs one `bash -c COMMAND` with the workspace as cwd; never blocks the event loop."""

    async def run(self, command: str, *, workspace: Path, timeout_s: float, keep_bytes: int) -> CommandResult: ...


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


class _Protocol(asyncio.subprocess.SubprocessStreamProtocol):
    """The stream protocol, plus an event set the moment the process exits.

    `Process.wait()` on Python 3.11 also waits for the pipes to close, so a background child holding
    them would make a finished command look hung; polling `returncode` instead costs a wake-up every
    few milliseconds, which on a loaded machine adds several scheduler delays per command."""

    def __init__(self, limit: int, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(limit=limit, loop=loop)
        self.exited = asyncio.Event()

    def process_exited(self) -> None:
        super().process_exited()
        self.exited.set()


async def _wait_exit(exited: asyncio.Event, within_s: float) -> bool:
    """Whether the process exited within `within_s` seconds."""
    if exited.is_set():
        return True
    try:
        await asyncio.wait_for(exited.wait(), within_s)
    except TimeoutError:
        return False
    return True


class _Capture:
    """What a stream produced: at most `keep` bytes from its start and from its end."""

    def __init__(self, keep: int, on_total: Callable[[int], None]) -> None:
        self.keep = keep
        self.head = bytearray()
        self.tail = bytearray()
        self.total = 0
        self._on_total = on_total

    async def read(self, stream: asyncio.StreamReader | None) -> None:
        while stream is not None:
            chunk = await stream.read(READ_CHUNK)
            if not chunk:
                return
            self.total += len(chunk)
            self._on_total(len(chunk))
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


@dataclass
class Spawn:
    """One process to drive: its argv, cwd, environment and limits."""

    argv: Sequence[str]
    cwd: Path
    env: Mapping[str, str] | None = None
    timeout_s: float = 60.0
    keep_bytes: int = 80_000
    max_output_bytes: int | None = None  # kill the command when stdout+stderr exceed this
    preexec: Callable[[], None] | None = None
    pass_fds: tuple[int, ...] = ()


async def run_argv(spawn: Spawn) -> CommandResult:
    """Run one process to completion (or its limit), capturing head and tail of its output."""
    started = time.monotonic()
    loop = asyncio.get_running_loop()
    transport, protocol = await loop.subprocess_exec(
        lambda: _Protocol(READ_CHUNK, loop),
        *spawn.argv,
        cwd=spawn.cwd,
        env=dict(spawn.env) if spawn.env is not None else None,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=True,
        preexec_fn=spawn.preexec,
        pass_fds=spawn.pass_fds,
    )
    proc = asyncio.subprocess.Process(transport, protocol, loop)
    over = asyncio.Event()
    seen = [0]

    def count(n: int) -> None:
        seen[0] += n
        if spawn.max_output_bytes is not None and seen[0] > spawn.max_output_bytes:
            over.set()
            _kill_group(proc.pid)

    out, err = _Capture(spawn.keep_bytes, count), _Capture(spawn.keep_bytes, count)
    readers = asyncio.gather(out.read(proc.stdout), err.read(proc.stderr))
    try:
        timed_out = not await _wait_exit(protocol.exited, spawn.timeout_s)
    except asyncio.CancelledError:
        _kill_group(proc.pid)
        readers.cancel()
        with contextlib.suppress(BaseException):  # reap it, so its transport closes cleanly
            await asyncio.shield(_wait_exit(protocol.exited, DRAIN_TIMEOUT_S))
        raise
    _kill_group(proc.pid)  # on timeout, and whatever the command left running in its group
    incomplete = False
    try:
        await asyncio.wait_for(readers, DRAIN_TIMEOUT_S)
    except TimeoutError:  # a process that left the group still holds a pipe
        incomplete = True
    await _wait_exit(protocol.exited, DRAIN_TIMEOUT_S)
    killed_by = "wall" if timed_out else ("output" if over.is_set() else None)
    return CommandResult(
        exit_code=proc.returncode,
        stdout=out.text(),
        stderr=err.text(),
        timed_out=timed_out,
        duration_s=time.monotonic() - started,
        killed_by=killed_by,
        incomplete=incomplete,
    )


class WeakRunner:
    """`bash -c COMMAND` in the workspace with no isolation: only for an explicit weak mode."""

    def __init__(self, reason: str, *, max_output_bytes: int | None = None) -> None:
        self.reason = reason
        self.max_output_bytes = max_output_bytes

    async def run(self, command: str, *, workspace: Path, timeout_s: float, keep_bytes: int) -> CommandResult:
        spawn = Spawn(
            ["bash", "-c", command],
            workspace,
            timeout_s=timeout_s,
            keep_bytes=keep_bytes,
            max_output_bytes=self.max_output_bytes,
        )
        result = await run_argv(spawn)
        result.backend, result.weak = "none", True
        result.notes.insert(0, WEAK_SHELL_WARNING.format(reason=self.reason))
        return result


class RefusingRunner:
    """What run_command has when no sandbox is available and no weak mode was accepted."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    async def run(self, command: str, *, workspace: Path, timeout_s: float, keep_bytes: int) -> CommandResult:
        raise SandboxError(self.reason)
