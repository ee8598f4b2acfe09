"""`Sandbox`: run one function of untrusted Python source in a separate, limited process.

    sandbox = Sandbox(config.sandbox)
    result = await sandbox.run(code, function="f", args={"x": 1}, tool_handler=handler)

The host side of a call: choose the backend, spawn the runner with two extra pipe fds (the
control channel), send the request, answer the runner's tool calls through `tool_handler`
(which the runtime wires to the hook chain: policy, budget, trace), watch stdout/stderr for the
output cap and the clock for the wall limit, and at the end kill everything that is left.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import signal
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from llmos._log import logger
from llmos.config import SandboxConfig
from llmos.exceptions import SandboxError
from llmos.execution.sandbox import bwrap, fallback
from llmos.execution.sandbox.protocol import (
    KILL_REASONS,
    WEAK_WARNING,
    Backend,
    KilledBy,
    SandboxResult,
    check_args,
    check_files,
    frame,
    parse_message,
)
from llmos.tools.base import ToolOutput

ToolHandler = Callable[[str, dict[str, Any]], Awaitable[ToolOutput]]
MB = 1 << 20


@dataclass
class _Call:
    """The mutable state of one running call."""

    proc: asyncio.subprocess.Process
    output_bytes: int
    weak: bool = False
    killed_by: KilledBy | None = None
    stdout: bytearray = field(default_factory=bytearray)
    stderr: bytearray = field(default_factory=bytearray)
    total: int = 0
    ready: bool = False
    final: dict[str, Any] | None = None
    tool_calls: int = 0

    def kill(self, reason: KilledBy | None = None) -> None:
        if reason is not None and self.killed_by is None and self.final is None:
            self.killed_by = reason
        if self.proc.returncode is not None and not self.weak:
            return  # bwrap has exited: its pid namespace, and everything in it, is gone
        # weak mode: the group outlives its leader while any member lives, so its id is not reused
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)  # the session bwrap/the runner leads


class Sandbox:
    """Runs untrusted Python under bubblewrap (or, only when allowed, a weak plain subprocess)."""

    def __init__(self, config: SandboxConfig | None = None, *, import_paths: tuple[str, ...] = ()) -> None:
        """`import_paths`: directories (e.g. a virtualenv's site-packages holding qiskit) mounted
        read-only and put first on the sandboxed code's `sys.path`; the code can read them, never write."""
        self.config = config or SandboxConfig.model_validate({})
        self._interp = bwrap.Interpreter.current()
        self.import_paths = tuple(os.path.realpath(p) for p in import_paths)
        bad = [p for p in self.import_paths if not os.path.isdir(p) or p == "/" or p in bwrap._SENSITIVE]
        if bad:
            raise SandboxError(f"sandbox import paths must be existing, non-system directories: {bad}")
        if self.import_paths:
            prefixes = tuple(sorted({*self._interp.prefixes, *self.import_paths}))
            self._interp = bwrap.Interpreter(self._interp.executable, prefixes)

    # ---- which backend -------------------------------------------------------------------

    def _choose(self) -> tuple[Backend, str]:
        """(backend, reason): bwrap when it works, else the weak fallback if allowed; else raise."""
        backend = self.config.backend
        if backend in ("auto", "bwrap"):
            ok, reason = bwrap.probe()
            if ok:
                return "bwrap", reason
            if backend == "bwrap":
                raise SandboxError(f"sandbox backend 'bwrap' is configured but unusable: {reason}")
        else:
            reason = "the configured backend is 'subprocess'"
        if not self.config.allow_weak_fallback:
            raise SandboxError(
                f"refusing to run untrusted code: no real sandbox is available ({reason}). Install "
                "bubblewrap, or set [sandbox] allow_weak_fallback = true to accept a plain subprocess "
                "with resource limits only (weak: no file system or network isolation)."
            )
        return "subprocess", reason

    def available(self) -> tuple[bool, str]:
        """Whether `run` will run code with this configuration, and how (or why not)."""
        try:
            backend, reason = self._choose()
        except SandboxError as e:
            return False, str(e)
        if backend == "subprocess":
            return True, WEAK_WARNING.format(reason=reason)
        return True, reason

    def describe(self) -> dict[str, Any]:
        """What `run` would use here: backend, whether it is weak, why, and the limits."""
        try:
            chosen: Backend | None
            chosen, reason = self._choose()
        except SandboxError as e:
            chosen, reason = None, str(e)
        if chosen == "subprocess":
            reason = WEAK_WARNING.format(reason=reason)
        ok, backend = chosen is not None, chosen
        c = self.config
        return {
            "available": ok,
            "backend": backend,
            "weak": backend == "subprocess",
            "reason": reason,
            "configured_backend": c.backend,
            "allow_weak_fallback": c.allow_weak_fallback,
            "bwrap": bwrap.find_bwrap(),
            "privileged": bwrap.privileged(),
            "python": self._interp.executable,
            "limits": {
                "cpu_s": c.cpu_s,
                "memory_mb": c.memory_mb,
                "wall_s": c.wall_s,
                "output_bytes": c.output_bytes,
                "max_processes": c.max_processes,
                "scratch_mb": c.scratch_mb,
            },
        }

    # ---- one call ------------------------------------------------------------------------

    async def run(
        self,
        code: str,
        *,
        function: str,
        args: dict[str, Any],
        files: dict[str, str | bytes] | None = None,
        tool_handler: ToolHandler | None = None,
    ) -> SandboxResult:
        """Run `function(**args)` from the module source `code` in the sandbox."""
        if not isinstance(code, str) or not function.isidentifier():
            raise SandboxError(f"bad sandbox call: code must be a str and function an identifier ({function!r})")
        call_args = check_args(args)
        call_files = check_files(files)
        backend, reason = await asyncio.to_thread(self._choose)
        c = self.config
        request: dict[str, Any] = {
            "code": code,
            "function": function,
            "args": call_args,
            "files": call_files,
            "import_paths": list(self.import_paths),
            "uid": bwrap.sandbox_uid() if backend == "bwrap" and bwrap.privileged() else None,
            "limits": {
                "cpu_s": c.cpu_s,
                "memory_bytes": c.memory_mb * MB,
                "file_bytes": c.scratch_mb * MB,
                "max_processes": c.max_processes,
            },
        }
        payload = frame(request)
        token = f"llmos-sandbox-{secrets.token_hex(6)}"
        start = time.perf_counter()
        result = await self._spawn_and_drive(backend, token, payload, tool_handler)
        result.duration_s = time.perf_counter() - start
        result.run_id = token
        if backend == "subprocess":
            warning = WEAK_WARNING.format(reason=reason)
            result.weak = True
            result.notes.insert(0, warning)
            logger.warning("sandbox: weak fallback used (%s)", reason)
        return result

    async def _spawn_and_drive(
        self, backend: Backend, token: str, payload: bytes, tool_handler: ToolHandler | None
    ) -> SandboxResult:
        to_runner_r, to_runner_w = os.pipe()
        from_runner_r, from_runner_w = os.pipe()
        scratch: Path | None = None
        host_fds = [to_runner_w, from_runner_r]
        child_fds = [to_runner_r, from_runner_w]  # closed here once the child has its copies
        try:
            if backend == "bwrap":
                argv = bwrap.command(
                    bwrap.find_bwrap() or "bwrap",
                    self._interp,
                    token=token,
                    in_fd=to_runner_r,
                    out_fd=from_runner_w,
                    scratch_bytes=self.config.scratch_mb * MB,
                )
                env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
                cwd = "/"
            else:
                scratch = fallback.make_scratch()
                argv = fallback.command(self._interp, token=token, in_fd=to_runner_r, out_fd=from_runner_w)
                env = fallback.environment(scratch)
                cwd = str(scratch)
            try:
                proc = await asyncio.create_subprocess_exec(
                    *argv,
                    stdin=asyncio.subprocess.DEVNULL,
                    stdout=asyncio.subprocess.PIPE,
                    stderr=asyncio.subprocess.PIPE,
                    pass_fds=(to_runner_r, from_runner_w),
                    start_new_session=True,
                    env=env,
                    cwd=cwd,
                )
            except OSError as e:
                raise SandboxError(f"cannot start the sandbox ({backend}): {e}") from e
            finally:
                for fd in child_fds:
                    os.close(fd)
                child_fds = []
            call = _Call(proc, self.config.output_bytes, weak=backend == "subprocess")
            host_fds = []  # _drive owns them now
            try:
                await self._drive(call, payload, from_runner_r, to_runner_w, tool_handler)
            finally:
                call.kill()
            return self._result(call, backend)
        finally:
            for fd in host_fds + child_fds:
                with contextlib.suppress(OSError):
                    os.close(fd)
            if scratch is not None:
                fallback.remove_scratch(scratch)

    async def _drive(
        self, call: _Call, payload: bytes, read_fd: int, write_fd: int, tool_handler: ToolHandler | None
    ) -> None:
        """Owns both host fds from here on (their transports close them)."""
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader(limit=self.config.output_bytes + 65536)
        rfile, wfile = os.fdopen(read_fd, "rb", buffering=0), os.fdopen(write_fd, "wb", buffering=0)
        transports: list[asyncio.BaseTransport] = []
        tasks: list[asyncio.Task[None]] = []
        try:
            rt, _ = await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), rfile)
            transports.append(rt)
            wt, wp = await loop.connect_write_pipe(asyncio.streams.FlowControlMixin, wfile)
            transports.append(wt)
            writer = asyncio.StreamWriter(wt, wp, None, loop)

            async def send(data: bytes) -> None:
                with contextlib.suppress(OSError, RuntimeError):  # the runner died: its result tells why
                    writer.write(data)
                    await writer.drain()

            tasks = [
                asyncio.create_task(self._pump(call, call.proc.stdout, call.stdout)),
                asyncio.create_task(self._pump(call, call.proc.stderr, call.stderr)),
                asyncio.create_task(self._control(call, reader, send, tool_handler)),
                asyncio.create_task(send(payload)),
            ]
            try:
                await asyncio.wait_for(call.proc.wait(), timeout=self.config.wall_s)
            except TimeoutError:
                call.kill("wall")
                await call.proc.wait()
            call.kill()  # whatever the runner left behind (weak mode; bwrap's pid namespace is gone)
            await asyncio.wait(tasks, timeout=2.0)
        finally:
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            for tr in transports:
                tr.close()
            proc_transport = getattr(call.proc, "_transport", None)  # stdout/stderr pipes, if still open
            if proc_transport is not None:
                proc_transport.close()
            for f in (rfile, wfile):
                with contextlib.suppress(OSError):
                    f.close()

    async def _pump(self, call: _Call, stream: asyncio.StreamReader | None, buf: bytearray) -> None:
        if stream is None:
            return
        while chunk := await stream.read(65536):  # read to EOF, so the pipe transport closes
            room = call.output_bytes - call.total
            call.total += len(chunk)
            if room > 0:
                buf += chunk[:room]
            if call.total > call.output_bytes:
                call.kill("output")

    async def _control(
        self,
        call: _Call,
        reader: asyncio.StreamReader,
        send: Callable[[bytes], Awaitable[None]],
        tool_handler: ToolHandler | None,
    ) -> None:
        while True:
            try:
                line = await reader.readline()
            except (ValueError, asyncio.LimitOverrunError):
                call.kill("output")
                return
            if not line:
                return
            message = parse_message(line)
            if message is None or call.final is not None:
                continue
            kind = message["type"]
            if kind == "ready":
                call.ready = True
            elif kind == "tool_call":
                call.tool_calls += 1
                output = await self._tool(message, tool_handler)
                await send(frame({"id": message.get("id"), "content": output.content, "is_error": output.is_error}))
            elif kind in ("result", "error", "killed"):
                call.final = message

    async def _tool(self, message: dict[str, Any], tool_handler: ToolHandler | None) -> ToolOutput:
        name, arguments = message.get("name"), message.get("args")
        if not isinstance(name, str) or not isinstance(arguments, dict):
            return ToolOutput("ERROR: malformed tool call from the sandbox", is_error=True)
        if tool_handler is None:
            return ToolOutput(f"ERROR: no tools are available in this sandbox (called {name!r})", is_error=True)
        try:
            output = await tool_handler(name, arguments)
        except asyncio.CancelledError:
            raise
        except Exception as e:  # the handler failing is an error result for the sandboxed code
            return ToolOutput(f"ERROR: {type(e).__name__}: {e}", is_error=True)
        if not isinstance(output, ToolOutput):
            return ToolOutput(f"ERROR: the tool handler returned {type(output).__name__}", is_error=True)
        return output

    def _result(self, call: _Call, backend: Backend) -> SandboxResult:
        out = call.stdout.decode("utf-8", "replace")
        err = call.stderr.decode("utf-8", "replace")
        res = SandboxResult(ok=False, stdout=out, stderr=err, backend=backend, tool_calls=call.tool_calls)
        final, c = call.final, self.config
        limits = {
            "cpu": f"CPU time limit ({c.cpu_s:g} s) exceeded",
            "memory": f"memory limit ({c.memory_mb} MB) exceeded",
            "wall": f"wall-clock limit ({c.wall_s:g} s) exceeded",
            "output": f"output limit ({c.output_bytes} bytes) exceeded",
            "processes": f"process limit ({c.max_processes}) reached",
        }
        if call.killed_by is not None:
            res.killed_by = call.killed_by
            res.error = f"stopped: {limits[call.killed_by]}"
        elif final is not None and final["type"] == "result":
            res.ok, res.value = True, final.get("value")
        elif final is not None:
            kind = "cpu" if final["type"] == "killed" else final.get("kind")
            detail = str(final.get("error") or "")
            if kind in KILL_REASONS:
                res.killed_by = cast(KilledBy, kind)
                res.error = f"stopped: {limits[kind]}\n{detail}".rstrip()
            else:
                res.error = detail or "the sandboxed code failed"
        else:
            rc = call.proc.returncode
            if not call.ready and backend == "bwrap" and err.startswith("bwrap:"):
                raise SandboxError(f"bubblewrap failed to start the sandbox: {err.strip()[:500]}")
            sig = -rc if rc is not None and rc < 0 else (rc - 128 if rc is not None and rc > 128 else 0)
            if sig in (signal.SIGXCPU, signal.SIGKILL):
                res.killed_by = "cpu"
                res.error = f"stopped: {limits['cpu']} (the process was killed by signal {sig})"
            else:
                res.error = f"the sandboxed process died without a result (exit status {rc})"
        return res
