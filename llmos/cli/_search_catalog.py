"""The tools `llmos tools search` ranks, gathered without starting a runtime.

Built-in tools come from their definitions; each enabled MCP server's tool list comes from a
cache in the workspace (`.llmos/cache/mcp_tools.json`), keyed by the server's command, arguments,
URL and environment plus the size and mtime of the command's executable and of every argument
that is a file (a changed server script or an upgraded binary is listed again). Servers whose
entry is missing or stale are started together, once, and stopped again.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llmos.tools.base import Tool, ToolContext, ToolOutput

if TYPE_CHECKING:
    from llmos.config import Config, MCPServerConfig

CACHE = Path(".llmos") / "cache" / "mcp_tools.json"


def _stamp(path: Path) -> list[Any] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [str(path), st.st_size, st.st_mtime_ns]


def server_files(cfg: MCPServerConfig, cwd: Path) -> list[Path]:
    """The server's executable and every argument that is a file (a script), resolved."""
    base = Path(cfg.cwd).expanduser() if cfg.cwd else cwd
    if not base.is_absolute():
        base = cwd / base
    files: list[Path] = []
    if cfg.command:
        found = shutil.which(cfg.command) or str(base / cfg.command)
        files.append(Path(found).resolve())
    for arg in cfg.args:
        p = Path(arg).expanduser()
        p = p if p.is_absolute() else base / p
        if p.is_file():
            files.append(p.resolve())
    return files


def server_key(cfg: MCPServerConfig, cwd: Path) -> str:
    """A key that changes when the server's command, arguments or installed files change."""
    stamps: list[Any] = [_stamp(p) for p in server_files(cfg, cwd)]
    body = {"command": cfg.command, "args": cfg.args, "url": cfg.url, "env": cfg.env, "stamps": stamps}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def _read_cache(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_cache(path: Path, data: dict[str, Any]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        return  # an unwritable cache only costs the next search a server start


async def mcp_listings(config: Config, workspace: Path) -> dict[str, list[dict[str, Any]]]:
    """{server: [{name, description, input_schema}]} for every enabled server (cached, else started once)."""
    servers = {n: s for n, s in config.mcp.servers.items() if s.enabled}
    if not servers:
        return {}
    path = workspace / CACHE
    cache = _read_cache(path)
    keys = {n: server_key(s, workspace) for n, s in servers.items()}
    out: dict[str, list[dict[str, Any]]] = {}
    stale = {}
    for name, cfg in servers.items():
        entry = cache.get(name)
        if isinstance(entry, dict) and entry.get("key") == keys[name] and isinstance(entry.get("tools"), list):
            out[name] = entry["tools"]
        else:
            stale[name] = cfg
    if stale:
        from llmos.tools.mcp import MCPManager

        manager = MCPManager(stale, cwd=workspace)
        try:
            tools = await manager.start(strict=False)
            status = manager.status()
        finally:
            await manager.close()
        for name in stale:
            listed = [
                {"name": t.name, "description": t.description, "input_schema": t.input_schema}
                for t in tools
                if t.source == f"mcp:{name}"
            ]
            out[name] = listed
            if status.get(name, {}).get("running"):  # a server that failed is tried again next time
                cache[name] = {"key": keys[name], "tools": listed}
        _write_cache(path, cache)
    return out


def stamped_files(config: Config, workspace: Path) -> list[Path] | None:
    """The workspace's files a search answer depends on: its configuration, the tool-list cache and
    each enabled MCP server's files (`llmos._search_fast` re-checks them before reusing an answer).
    None when a server's tool list is not cached (it failed to start): the next search tries it again."""
    from llmos.config import CONFIG_FILE

    cache = _read_cache(workspace / CACHE)
    files = [workspace / CONFIG_FILE, workspace / CACHE]
    for name, cfg in config.mcp.servers.items():
        if not cfg.enabled:
            continue
        entry = cache.get(name)
        if not isinstance(entry, dict) or entry.get("key") != server_key(cfg, workspace):
            return None
        files += server_files(cfg, workspace)
    return files


async def _listing_only(args: dict[str, Any], ctx: ToolContext) -> ToolOutput:
    return ToolOutput("ERROR: this tool was listed from a cache for search; run it in a runtime", is_error=True)


async def searchable_tools(config: Config, workspace: Path) -> list[Tool]:
    """The tools a run of this workspace offers, for ranking: built-in and MCP (DB-backed generated
    and crystallized tools are listed by `llmos tools list`, which starts a runtime)."""
    from llmos.tools.builtin import builtin_tools

    tools = list(builtin_tools(workspace, config)) if config.tools.builtin else []
    for server, listed in (await mcp_listings(config, workspace)).items():
        for t in listed:
            tools.append(
                Tool(
                    str(t["name"]),
                    str(t.get("description") or ""),
                    dict(t.get("input_schema") or {"type": "object", "properties": {}}),
                    _listing_only,
                    source=f"mcp:{server}",
                )
            )
    return tools
