"""What an MCP tool touches, from its annotations, and which tools a server may expose.

MCP tools describe themselves with hints (`readOnlyHint`, `destructiveHint`, `idempotentHint`,
`openWorldHint`). The security policy needs a `kind`:

- `readOnlyHint: true` -> "file_read": path rules apply to its path-like arguments (a read of
  ~/.ssh/id_rsa is denied like any credential read);
- anything else -> "file_write": the MCP default for `readOnlyHint` is false, so an unannotated
  tool is a tool that may write. Read-only mode and the path rules (workspace, credentials,
  control plane) apply to its path-like arguments, and read-only mode denies it outright when it
  names no path.

`[mcp.servers.NAME]` narrows what a server exposes: `allow` (tool-name globs; empty: all),
`deny` (globs, win over allow) and `read_only` (only tools annotated read-only).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from typing import Any

from llmos.config import MCPServerConfig
from llmos.tools.mcp._util import field_of

HINTS = {
    "readOnlyHint": "read_only_hint",
    "destructiveHint": "destructive_hint",
    "idempotentHint": "idempotent_hint",
    "openWorldHint": "open_world_hint",
}


def annotations_of(remote: Any) -> dict[str, bool]:
    """The boolean hints a listed MCP tool carries, under their MCP (camelCase) names."""
    ann = getattr(remote, "annotations", None)
    if ann is None:
        return {}
    out: dict[str, bool] = {}
    for camel, snake in HINTS.items():
        value = ann.get(camel, ann.get(snake)) if isinstance(ann, Mapping) else field_of(ann, snake, camel)
        if isinstance(value, bool):
            out[camel] = value
    return out


def kind_for(annotations: Mapping[str, bool]) -> str:
    """The policy kind of an MCP tool: file_read only when it says it only reads."""
    if annotations.get("readOnlyHint") is True and annotations.get("destructiveHint") is not True:
        return "file_read"
    return "file_write"


def exposed(config: MCPServerConfig, name: str, annotations: Mapping[str, bool]) -> bool:
    """Whether the server's configuration lets the model see and call this tool."""
    if config.allow and not any(fnmatch.fnmatchcase(name, g) for g in config.allow):
        return False
    if any(fnmatch.fnmatchcase(name, g) for g in config.deny):
        return False
    return not config.read_only or kind_for(annotations) == "file_read"
