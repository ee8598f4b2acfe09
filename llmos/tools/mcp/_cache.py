"""The workspace's one cache of each MCP server's tool list (`.llmos/cache/mcp_tools.json`), so a
run (`MCPManager.start_lazy`) and `llmos tools search` need not start a server just to learn which
tools it offers. Both read and write it through `ToolListCache` with the key of `cache_key`.

An entry is valid while its key matches: the server's command, arguments, environment and
working directory, plus the size and modification time of every file among the command and its
arguments (the executable, a `server.py`...): what the installed version of the server is made
of. Edit or upgrade the server, and the next run or search lists it again. The entry also keeps
the name and version the server reported (MCP `serverInfo`); a server started later that reports
another version is listed again (`ToolListCache.stale_version`). A server that failed to start
has no entry, so it is tried again next time. Servers reached by URL are never cached (nothing
local tells when they change).
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

FORMAT = 2
CACHE_FILE = Path(".llmos") / "cache" / "mcp_tools.json"  # relative to the workspace


def server_cwd(config: MCPServerConfig, base: Path | None) -> Path | None:
    """The server's working directory: its own `cwd` (relative to `base`), else `base`."""
    if not config.cwd:
        return base
    cwd = Path(config.cwd).expanduser()
    return base / cwd if base is not None and not cwd.is_absolute() else cwd


def _file_of(word: str, cwd: Path | None) -> Path | None:
    path = Path(word).expanduser()
    if not path.is_absolute():
        found = shutil.which(word) if os.sep not in word else None
        path = Path(found) if found else (cwd or Path.cwd()) / path
    try:
        return path.resolve() if path.is_file() else None
    except (OSError, ValueError):
        return None


def key_files(config: MCPServerConfig, cwd: Path | None) -> list[Path]:
    """The files a server's key stamps: its command's executable and every argument that is a file."""
    if config.url or not config.command:
        return []
    return [f for f in (_file_of(w, cwd) for w in [config.command, *config.args]) if f is not None]


def cache_key(config: MCPServerConfig, cwd: Path | None) -> str | None:
    """The key of a server's tool list, or None when it cannot be cached (a URL server)."""
    if config.url or not config.command:
        return None
    words = [config.command, *config.args]
    files = []
    for f in key_files(config, cwd):
        with contextlib.suppress(OSError):
            st = f.stat()
            files.append([str(f), st.st_mtime_ns, st.st_size])
    blob = json.dumps([FORMAT, words, sorted(config.env.items()), str(cwd or ""), files], sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def _annotations(remote: Any) -> dict[str, Any] | None:
    ann = getattr(remote, "annotations", None)
    if ann is None or isinstance(ann, dict):
        return ann
    dump = getattr(ann, "model_dump", None)
    return dump(by_alias=True, exclude_none=True) if callable(dump) else None


class ToolListCache:
    """`{server name: {"key", "server": {name, version}, "tools": [{name, description, input_schema,
    annotations}]}}` in one JSON file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._data: dict[str, Any] | None = None

    @classmethod
    def of_workspace(cls, workspace: Path) -> ToolListCache:
        return cls(workspace / CACHE_FILE)

    def _load(self) -> dict[str, Any]:
        if self._data is None:
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):  # missing or damaged: the servers are listed again
                data = {}
            self._data = data if isinstance(data, dict) else {}
        return self._data

    def _entry(self, name: str, key: str | None) -> dict[str, Any] | None:
        entry = self._load().get(name)
        if key is None or not isinstance(entry, dict) or entry.get("key") != key:
            return None
        return entry if isinstance(entry.get("tools"), list) else None

    def get(self, name: str, key: str | None) -> list[Any] | None:
        """The cached listing (objects with name, description, input_schema, annotations), or None."""
        entry = self._entry(name, key)
        if entry is None:
            return None
        return [
            SimpleNamespace(
                name=t["name"],
                description=t.get("description") or "",
                input_schema=t.get("input_schema"),
                annotations=t.get("annotations") if isinstance(t.get("annotations"), dict) else None,
            )
            for t in entry["tools"]
            if isinstance(t, dict) and isinstance(t.get("name"), str)
        ]

    def version(self, name: str, key: str | None) -> str | None:
        """The version the server reported when its cached listing was taken (None: unknown)."""
        entry = self._entry(name, key)
        server = entry.get("server") if entry is not None else None
        version = server.get("version") if isinstance(server, dict) else None
        return version if isinstance(version, str) else None

    def stale_version(self, name: str, key: str | None, version: str | None) -> bool:
        """Whether a started server reports another version than its cached listing's."""
        cached = self.version(name, key)
        return version is not None and cached is not None and cached != version

    def put(self, name: str, key: str | None, listing: list[Any], server: dict[str, Any] | None = None) -> None:
        if key is None:
            return
        tools = [
            {
                "name": t.name,
                "description": getattr(t, "description", None) or "",
                "input_schema": field_of(t, "input_schema", "inputSchema"),
                "annotations": _annotations(t),
            }
            for t in listing
        ]
        self._data = None  # another process (a run, a search) may have written meanwhile
        data = self._load()
        data[name] = {"key": key, "server": server or {}, "tools": tools}
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
