"""The program that runs inside the sandbox (stdlib only, started with `python -I -S`).

    python -I -S runner.py TOKEN IN_FD OUT_FD

It must start fast, so it imports only built-in modules: no `json` (it pulls in `re`, ~6 ms),
no `signal` or `contextlib` (enum and functools, ~3 ms). The host's messages arrive as
length-prefixed `marshal` data and the runner answers with JSON lines written by a tiny encoder
on top of the C `_json` helpers. Measured: bench/sandbox_overhead.py.

Control channel (a dedicated pipe pair, never stdout/stderr, so user prints cannot forge it):
    host -> runner: 4-byte big-endian length + marshal(dict)   (the request, then tool results)
    runner -> host: one JSON object per line: ready | tool_call | result | error | killed

Order of work: read the request, set the resource limits, drop to the sandbox uid (when the host
gave one and we are root inside a privileged bwrap), write the given files into the scratch
directory (the cwd), then exec the module and call the function with `call_tool` injected.
"""

import _json
import marshal
import os
import sys

_MAIN_PID = os.getpid()
_IN = -1
_OUT = -1
_encode_str = _json.encode_basestring_ascii


class ToolCallError(Exception):
    """A tool called from sandboxed code returned an error (denied by policy, failed, unknown)."""


def _encode(value: object, depth: int = 0) -> str:
    if depth > 100:
        raise ValueError("the value is nested too deeply")
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return str(_encode_str(value))
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("NaN and infinity are not JSON")
        return float.__repr__(value)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_encode(v, depth + 1) for v in value) + "]"
    if isinstance(value, dict):
        items = []
        for k, v in value.items():
            if not isinstance(k, str):
                if isinstance(k, (int, float, bool)) or k is None:
                    k = _encode(k)
                else:
                    raise TypeError(f"dict keys must be strings, not {type(k).__name__}")
            items.append(_encode_str(k) + ":" + _encode(v, depth + 1))
        return "{" + ",".join(items) + "}"
    raise TypeError(f"a {type(value).__name__} is not JSON-serializable")


def _send(message: dict) -> None:  # type: ignore[type-arg]
    data = (_encode(message) + "\n").encode("ascii")
    while data:
        n = os.write(_OUT, data)
        data = data[n:]


def _read_exact(n: int) -> bytes:
    chunks = []
    while n > 0:
        chunk = os.read(_IN, min(n, 1 << 20))
        if not chunk:
            raise EOFError("the host closed the control channel")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def _receive() -> dict:  # type: ignore[type-arg]
    size = int.from_bytes(_read_exact(4), "big")
    message = marshal.loads(_read_exact(size))
    if not isinstance(message, dict):
        raise ValueError("bad control message from the host")
    return message


_calls = 0


def call_tool(name: str, **arguments: object) -> str:
    """Call a registered tool through the host (policy, budget and trace decide); returns its text.

    Raises ToolCallError when the tool returns an error (for example, when a policy denies it).
    """
    global _calls
    if os.getpid() != _MAIN_PID:
        raise RuntimeError("call_tool is only available in the sandbox's main process")
    _calls += 1
    _send({"type": "tool_call", "id": _calls, "name": str(name), "args": arguments})
    reply = _receive()
    if reply.get("id") != _calls:
        raise RuntimeError("the host answered a different tool call")
    content = str(reply.get("content", ""))
    if reply.get("is_error"):
        raise ToolCallError(content)
    return content


def _limits(limits: dict) -> None:  # type: ignore[type-arg]
    import resource

    def setl(which: int, value: int, hard: int | None = None) -> None:
        try:  # noqa: SIM105 - contextlib costs import time here
            resource.setrlimit(which, (value, value if hard is None else hard))
        except (ValueError, OSError):
            pass  # cannot raise above the current hard limit: keep the lower one

    cpu = max(1, -int(-float(limits["cpu_s"]) // 1))  # whole seconds, rounded up
    setl(resource.RLIMIT_CPU, cpu, cpu + 1)  # soft: SIGXCPU (reported), hard: SIGKILL
    setl(resource.RLIMIT_AS, int(limits["memory_bytes"]))
    setl(resource.RLIMIT_FSIZE, int(limits["file_bytes"]))
    setl(resource.RLIMIT_NPROC, int(limits["max_processes"]))
    setl(resource.RLIMIT_CORE, 0)


def _drop_privileges(uid: int) -> None:
    if os.geteuid() != 0:
        return
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)  # leaves root: every capability is gone, RLIMIT_NPROC now applies
    if os.geteuid() == 0 or os.getuid() == 0:
        raise RuntimeError("could not drop root privileges")


def _write_files(files: dict) -> None:  # type: ignore[type-arg]
    for name, content in files.items():
        parts = [p for p in name.split("/") if p]
        if not parts or any(p in (".", "..") for p in parts):
            raise ValueError(f"bad file name {name!r}")
        path = "/".join(parts)
        if len(parts) > 1:
            os.makedirs("/".join(parts[:-1]), exist_ok=True)
        with open(path, "wb") as f:
            f.write(content if isinstance(content, bytes) else str(content).encode("utf-8"))


def _on_xcpu(signum: int, frame: object) -> None:
    if os.getpid() == _MAIN_PID:
        try:  # noqa: SIM105 - no contextlib: it costs start-up time
            _send({"type": "killed", "by": "cpu", "error": "CPU time limit exceeded"})
        except OSError:
            pass
    os._exit(152)


def _classify(exc: BaseException) -> str | None:
    if isinstance(exc, MemoryError):
        return "memory"
    if isinstance(exc, OSError) and exc.errno == 11:  # EAGAIN from fork/clone: the process limit
        return "processes"
    return None


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:  # noqa: SIM105
            stream.flush()
        except Exception:
            pass


def _run(request: dict) -> None:  # type: ignore[type-arg]
    import _signal  # type: ignore[import-not-found]  # the C module: `signal` imports enum

    _signal.signal(_signal.SIGXCPU, _on_xcpu)
    namespace = {"__name__": "sandboxed", "call_tool": call_tool, "ToolCallError": ToolCallError}
    sys.path[:0] = request.get("import_paths") or []  # read-only package directories the host chose
    exec(compile(request["code"], "<sandboxed>", "exec"), namespace)
    func = namespace.get(request["function"])
    if not callable(func):
        raise NameError(f"the code defines no function named {request['function']!r}")
    value = func(**request["args"])
    if os.getpid() != _MAIN_PID:  # a forked child returned: only the main process answers
        os._exit(0)
    try:
        text = _encode({"type": "result", "value": value})
    except (TypeError, ValueError) as e:
        raise TypeError(f"the return value is not JSON-serializable: {e}") from None
    _flush()
    data = (text + "\n").encode("ascii")
    while data:
        data = data[os.write(_OUT, data) :]


def main() -> None:
    global _IN, _OUT
    _IN, _OUT = int(sys.argv[2]), int(sys.argv[3])
    _send({"type": "ready", "pid": _MAIN_PID})
    request = _receive()
    try:
        _limits(request["limits"])
        if request.get("uid") is not None:
            _drop_privileges(int(request["uid"]))
        _write_files(request.get("files") or {})
        _run(request)
    except BaseException as exc:
        if os.getpid() != _MAIN_PID:  # a forked child: never speak for the main process
            os._exit(1)
        kind = _classify(exc)
        try:
            import traceback

            tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__, limit=-8))
        except BaseException:
            tb = f"{type(exc).__name__}: {exc}"
        _flush()
        try:
            _send({"type": "error", "kind": kind, "exc_type": type(exc).__name__, "error": tb})
        except BaseException:
            os._exit(3)
        os._exit(1)
    os._exit(0)


if __name__ == "__main__":
    main()
