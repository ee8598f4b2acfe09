"""The tools `llmos tools search` ranks, gathered without starting a runtime.

Built-in tools come from their definitions; the MCP servers' tools come from the MCP client in
lazy mode (`MCPManager.start_lazy`) with the workspace's tool-list cache, exactly as a run gets
them: the same cache file and key (`llmos.tools.mcp._cache`), the same names, descriptions,
schemas and `allow`/`deny`/`read_only` filtering. Servers whose entry is missing or stale are
started together, once, listed and stopped again; a server that fails is left out of the cache and
tried again by the next search or run.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmos.config import Config
    from llmos.tools.base import Tool


async def mcp_tools(config: Config, workspace: Path) -> list[Tool]:
    """The enabled MCP servers' tools as a run of `workspace` offers them (listed from the cache,
    servers started only when their entry is missing or stale; every started server is stopped)."""
    servers = {n: s for n, s in config.mcp.servers.items() if s.enabled}
    if not servers:
        return []
    from llmos.tools.mcp import MCPManager, ToolListCache

    manager = MCPManager(servers, cwd=workspace)
    try:
        return list(await manager.start_lazy(ToolListCache.of_workspace(workspace)))
    finally:
        await manager.close()  # the tools only get ranked here: calling one says the manager is closed


def stamped_files(config: Config, workspace: Path) -> list[Path] | None:
    """The workspace's files a search answer depends on: its configuration, the tool-list cache and
    each enabled MCP server's files (`llmos._search_fast` re-checks them before reusing an answer).
    None when a server's tool list is not cached (it failed to start, or is reached by URL): the
    next search lists it again."""
    from llmos.config import CONFIG_FILE
    from llmos.tools.mcp._cache import CACHE_FILE, ToolListCache, cache_key, key_files, server_cwd

    cache = ToolListCache.of_workspace(workspace)
    base = workspace.expanduser().resolve()
    files = [workspace / CONFIG_FILE, workspace / CACHE_FILE]
    for name, cfg in config.mcp.servers.items():
        if not cfg.enabled:
            continue
        cwd = server_cwd(cfg, base)
        if cache.get(name, cache_key(cfg, cwd)) is None:
            return None
        files += key_files(cfg, cwd)
    return files


async def searchable_tools(config: Config, workspace: Path) -> list[Tool]:
    """The tools a run of this workspace offers, for ranking: built-in and MCP (DB-backed generated
    and crystallized tools are listed by `llmos tools list`, which starts a runtime)."""
    from llmos.tools.builtin import builtin_tools

    tools = list(builtin_tools(workspace, config)) if config.tools.builtin else []
    return tools + await mcp_tools(config, workspace)
