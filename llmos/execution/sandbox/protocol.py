"""What crosses the sandbox boundary: the result type and the control-channel framing.

Host -> runner messages are trusted (the host wrote them) and go as a 4-byte length + `marshal`
payload, which the runner decodes without importing anything. Runner -> host messages are
untrusted: JSON lines, parsed with `json` and checked field by field here.
"""

from __future__ import annotations

import json
import marshal
from dataclasses import dataclass, field
from typing import Any, Literal

from llmos.exceptions import SandboxError

Backend = Literal["bwrap", "subprocess"]
KilledBy = Literal["cpu", "memory", "wall", "output", "processes"]
KILL_REASONS: frozenset[str] = frozenset({"cpu", "memory", "wall", "output", "processes"})

WEAK_WARNING = (
    "WEAK SANDBOX: bubblewrap is not available ({reason}); the code ran in a plain subprocess with "
    "resource limits only. It could read the file system, reach the network and, as root, fork freely."
)


@dataclass
class SandboxResult:
    """The outcome of one sandboxed call.

    `ok` is true when the function returned; `value` is its (JSON) return value. `killed_by`
    names the limit that stopped it ("cpu", "memory", "wall", "output", "processes"). `weak`
    is true when no real isolation was used; `notes` then carries the warning the runtime must
    show in the run result and trace.
    """

    ok: bool
    value: Any = None
    error: str | None = None
    stdout: str = ""
    stderr: str = ""
    backend: Backend = "bwrap"
    weak: bool = False
    duration_s: float = 0.0
    killed_by: KilledBy | None = None
    notes: list[str] = field(default_factory=list)
    tool_calls: int = 0
    run_id: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "value": self.value,
            "error": self.error,
            "stdout": self.stdout,
            "stderr": self.stderr,
            "backend": self.backend,
            "weak": self.weak,
            "duration_s": round(self.duration_s, 4),
            "killed_by": self.killed_by,
            "notes": list(self.notes),
            "tool_calls": self.tool_calls,
        }


def frame(message: dict[str, Any]) -> bytes:
    """A host -> runner message: 4-byte big-endian length + marshal payload."""
    try:
        payload = marshal.dumps(message)
    except ValueError as e:
        raise SandboxError(f"cannot send this data into the sandbox (only JSON-like values): {e}") from e
    return len(payload).to_bytes(4, "big") + payload


def check_files(files: dict[str, str | bytes] | None) -> dict[str, str | bytes]:
    """Validate the files given to a call: relative paths without '..', str or bytes contents."""
    out: dict[str, str | bytes] = {}
    for name, content in (files or {}).items():
        parts = [p for p in str(name).split("/") if p]
        if not parts or str(name).startswith("/") or any(p in (".", "..") for p in parts) or "\0" in name:
            raise SandboxError(f"bad sandbox file name {name!r}: use a relative path without '..'")
        if not isinstance(content, (str, bytes)):
            raise SandboxError(f"sandbox file {name!r}: content must be str or bytes, not {type(content).__name__}")
        out["/".join(parts)] = content
    return out


def check_args(args: dict[str, Any]) -> dict[str, Any]:
    """Arguments must be a JSON object (they are re-checked by a JSON round trip)."""
    if not isinstance(args, dict):
        raise SandboxError(f"sandbox args must be a dict, not {type(args).__name__}")
    try:
        loaded: dict[str, Any] = json.loads(json.dumps(args))
    except (TypeError, ValueError) as e:
        raise SandboxError(f"sandbox args must be JSON-serializable: {e}") from e
    return loaded


def parse_message(line: bytes) -> dict[str, Any] | None:
    """One runner -> host line, or None if it is not a well-formed message."""
    try:
        message = json.loads(line)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        return None
    return message
