"""Issue 12: one MCP tool-list cache for a run and `llmos tools search` (same file, same key, same
tools); a changed server is listed again, a failed one tried again; annotations survive the cache."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

from typer.testing import CliRunner

from llmos.cli.tools import app
from llmos.config import MCPServerConfig
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.tools.mcp import MCPManager, ToolListCache
from llmos.tools.mcp._cache import CACHE_FILE, cache_key

HERE = Path(__file__).parent / "mcp_servers"
ECHO, FILES = HERE / "echo_server.py", HERE / "files_server.py"


def _ws(tmp_path: Path, script: Path, *args: str) -> Path:
    ws = tmp_path / "ws"
    ws.mkdir(exist_ok=True)
    argv = json.dumps([str(script), *args])
    (ws / "llmos.toml").write_text(f"[mcp.servers.echo]\ncommand = {json.dumps(sys.executable)}\nargs = {argv}\n")
    return ws


async def _search(ws: Path, query: str) -> list[dict[str, object]]:
    """`llmos tools search QUERY --json` (in a thread: the command runs its own event loop)."""
    result = await asyncio.to_thread(CliRunner().invoke, app, ["search", query, "--workspace", str(ws), "--json"])
    assert result.exit_code == 0, result.output
    rows: list[dict[str, object]] = json.loads(result.stdout)
    return rows


def _mark(ws: Path, description: str) -> None:
    """Change the cached description of echo's `add`: whoever shows it read the cache."""
    path = ws / CACHE_FILE
    data = json.loads(path.read_text())
    for t in data["echo"]["tools"]:
        if t["name"] == "add":
            t["description"] = description
    path.write_text(json.dumps(data))


async def test_a_run_and_the_search_command_share_one_tool_list_cache(tmp_path: Path) -> None:
    script = tmp_path / "server.py"
    script.write_text(ECHO.read_text())
    ws = _ws(tmp_path, script)
    async with LLMOS(ws, model=TestModel(script=["hi"])) as rt:  # no cache: the run lists the server
        assert rt.health()["mcp_servers"]["echo"]["running"]
    entry = json.loads((ws / CACHE_FILE).read_text())["echo"]
    assert entry["server"].get("name") == "echo" and "version" in entry["server"]  # what the server reported
    _mark(ws, "Written by a run, read by the search.")
    assert (await _search(ws, "echo__add"))[0]["description"] == "Written by a run, read by the search."

    _mark(ws, "Read by the next run.")
    async with LLMOS(ws, model=TestModel(script=["hi"])) as rt:  # from the cache: not started
        status = rt.health()["mcp_servers"]["echo"]
        assert status["pending"] and not status["running"]
        tool = rt.registry.get("echo__add")
        assert tool is not None and tool.description == "Read by the next run."

    # the server changed: both list it again (the search first here, the run sees its listing)
    script.write_text(ECHO.read_text() + "\n# a new version\n")
    st = script.stat()
    os.utime(script, ns=(st.st_atime_ns, st.st_mtime_ns + 10_000_000_000))
    assert (await _search(ws, "echo__add"))[0]["description"] == "Add two integers."
    _mark(ws, "Listed again by the search.")
    async with LLMOS(ws, model=TestModel(script=["hi"])) as rt:
        tool = rt.registry.get("echo__add")
        assert tool is not None and tool.description == "Listed again by the search."
        assert rt.health()["mcp_servers"]["echo"]["pending"]


async def test_a_failed_server_is_not_cached_and_is_tried_again(tmp_path: Path) -> None:
    ws = _ws(tmp_path, ECHO, "--fail-start")
    rows = await _search(ws, "add two integers")
    assert not any(r["source"] == "mcp:echo" for r in rows)
    assert "echo" not in json.loads((ws / CACHE_FILE).read_text() if (ws / CACHE_FILE).exists() else "{}")
    async with LLMOS(ws, model=TestModel(script=["hi"])) as rt:
        assert "failed to start" in str(rt.health()["mcp_servers"]["echo"]["error"])
    _ws(tmp_path, ECHO)  # fixed: the next search starts it and caches its listing
    assert (await _search(ws, "add two integers"))[0]["name"] == "echo__add"
    assert "echo" in json.loads((ws / CACHE_FILE).read_text())


async def test_cached_tools_keep_their_annotations_kind_and_filters(tmp_path: Path) -> None:
    cfg = MCPServerConfig(command=sys.executable, args=[str(FILES), str(tmp_path)], read_only=True)
    cache = ToolListCache(tmp_path / "tools.json")
    fresh = MCPManager({"f": cfg}, cwd=tmp_path)
    try:
        listed = {t.name: (t.kind, t.annotations) for t in await fresh.start_lazy(cache)}
    finally:
        await fresh.close()
    assert set(listed) == {"f__read_text", "f__list_dir"}  # read_only: the writing tools are not offered
    assert cache.get("f", cache_key(cfg, tmp_path)) is not None
    cached = MCPManager({"f": cfg}, cwd=tmp_path)
    try:
        again = {t.name: (t.kind, t.annotations) for t in await cached.start_lazy(ToolListCache(cache.path))}
        assert cached.status()["f"]["pending"]  # from the cache: not started
    finally:
        await cached.close()
    assert again == listed and listed["f__read_text"][0] == "file_read"
