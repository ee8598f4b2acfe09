"""A workspace cache of each MCP server's tool list, so later runs need not start a server just
to learn which tools it offers.

An entry is valid while its key matches: the server's command, arguments, environment and
working directory, plus the size and modification time of every file among the command and its
arguments (the executable, a `server.py`...). Edit the server, and the next run lists it again.
Servers reached by URL are never cached (nothing local tells when they change).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from llmos.config import MCPServerConfig
from llmos.tools.mcp._util import field_of

FORMAT = 1


def _file_facts(word: str, cwd: Path | None) -> list[Any] | None:
    path = Path(word).expanduser()
    if not path.is_absolute():
        found = shutil.which(word) if os.sep not in word else None
        path = Path(found) if found else (cwd or Path.cwd()) / path
    try:
        st = path.stat()
    except (OSError, ValueError):
        return None
    if not path.is_file():
        return None
    return [str(path.resolve()), st.st_mtime_ns, st.st_size]


def cache_key(config: MCPServerConfig, cwd: Path | None) -> str | None:
    """The key of a server's tool list, or None when it cannot be cached."""
    if config.url or not config.command:
        return None
    words = [config.command, *config.args]
    files = [f for f in (_file_facts(w, cwd) for w in words) if f is not None]
    blob = json.dumps([FORMAT, words, sorted(config.env.items()), str(cwd or ""), files], sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


class ToolListCache:
    """`{server name: {"key": ..., "tools": [{name, description, input_schema}]}}` in one JSON file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._data: dict[str, Any] | None = None

    def _load(self) -> dict[str, Any]:
        if self._data is None:
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):  # missing or damaged: the servers are listed again
                data = {}
            self._data = data if isinstance(data, dict) else {}
        return self._data

    def get(self, name: str, key: str | None) -> list[Any] | None:
        """The cached listing (objects with name, description, input_schema), or None."""
        entry = self._load().get(name)
        if key is None or not isinstance(entry, dict) or entry.get("key") != key:
            return None
        tools = entry.get("tools")
        if not isinstance(tools, list):
            return None
        return [
            SimpleNamespace(name=t["name"], description=t.get("description") or "", input_schema=t.get("input_schema"))
            for t in tools
            if isinstance(t, dict) and isinstance(t.get("name"), str)
        ]

    def put(self, name: str, key: str | None, listing: list[Any]) -> None:
        if key is None:
            return
        tools = [
            {
                "name": t.name,
                "description": getattr(t, "description", None) or "",
                "input_schema": field_of(t, "input_schema", "inputSchema"),
            }
            for t in listing
        ]
        data = self._load()
        data[name] = {"key": key, "tools": tools}
        self._save(data)

    def _save(self, data: dict[str, Any]) -> None:
        with contextlib.suppress(OSError):  # a cache that cannot be written only costs a start later
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".mcp_tools.", dir=self.path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    json.dump(data, f, default=str)
                os.replace(tmp, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
