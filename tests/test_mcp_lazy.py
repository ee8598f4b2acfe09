"""Issue 11: a broken MCP server is skipped with a warning; servers start lazily, from a cached tool list."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from runtime_support import llmos_cli, one_json

from llmos.config import MCPServerConfig
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.tools.mcp import MCPManager, ToolListCache
from llmos.tools.mcp._cache import cache_key

SERVER = Path(__file__).parent / "mcp_servers" / "echo_server.py"


def _toml(ws: Path, servers: dict[str, list[str]]) -> None:
    ws.mkdir(parents=True, exist_ok=True)
    lines = []
    for name, argv in servers.items():
        args = ", ".join(f'"{a}"' for a in argv[1:])
        lines += [f"[mcp.servers.{name}]", f'command = "{argv[0]}"', f"args = [{args}]", "timeout_s = 20", ""]
    (ws / "llmos.toml").write_text("\n".join(lines))


def test_cli_run_skips_a_missing_server_with_a_warning(tmp_path: Path) -> None:
    _toml(tmp_path, {"gone": ["/nonexistent"]})
    proc = llmos_cli("run", "Say hi", "-w", str(tmp_path), "--model", "test", "--json")
    assert proc.returncode == 0, proc.stderr
    data = one_json(proc.stdout)
    assert data["success"] is True
    assert any("'gone' skipped" in w and "/nonexistent" in w for w in data["warnings"])
    assert "warning:" in proc.stderr and "gone" in proc.stderr


async def test_banner_server_works_without_a_traceback(tmp_path: Path, caplog: object) -> None:
    cfg = MCPServerConfig(command=sys.executable, args=[str(SERVER), "--banner"], timeout_s=20)
    mgr = MCPManager({"b": cfg})
    try:
        tools = await mgr.start_lazy(None)
        assert "b__add" in {t.name for t in tools}
        assert (await mgr.call("b", "add", {"a": 1, "b": 2})).content == "3"
    finally:
        await mgr.close()
    records = caplog.records  # type: ignore[attr-defined]
    noisy = [r for r in records if r.name == "mcp.client.stdio"]
    assert all(r.exc_info is None for r in noisy)
    assert any("not JSON-RPC" in r.getMessage() and "Welcome" in r.getMessage() for r in noisy)


async def test_runtime_lists_once_then_starts_on_first_use(tmp_path: Path) -> None:
    _toml(tmp_path, {"e": [sys.executable, str(SERVER)], "gone": ["/nonexistent"]})
    async with LLMOS(tmp_path, model=TestModel(script=["hi"])) as rt:  # no cache: listed now, cached
        status = rt.health()["mcp_servers"]
        assert status["e"]["running"] and status["e"]["tools"] >= 5
        assert not status["gone"]["running"] and "command not found" in status["gone"]["error"]
        result = await rt.execute("Say hi")
        assert result.success and any("'gone' skipped" in w for w in result.warnings)
    assert (tmp_path / ".llmos" / "cache" / "mcp_tools.json").is_file()  # the one `llmos tools search` uses

    script = [{"tool": "e__add", "args": {"a": 2, "b": 3}}, "done"]
    async with LLMOS(tmp_path, model=TestModel(script=script)) as rt:  # from the cache: not started
        status = rt.health()["mcp_servers"]["e"]
        assert status["pending"] and not status["running"] and status["pid"] is None
        assert rt.registry.get("e__add") is not None
        result = await rt.execute("add two numbers")
        assert result.success and result.tool_calls[0]["result"] == "5"
        status = rt.health()["mcp_servers"]["e"]
        assert status["running"] and not status["pending"] and status["restarts"] == 0


def test_cache_key_follows_the_server_file(tmp_path: Path) -> None:
    script = tmp_path / "srv.py"
    script.write_text("# v1\n")
    cfg = MCPServerConfig(command=sys.executable, args=[str(script)])
    k1 = cache_key(cfg, tmp_path)
    assert k1 is not None and cache_key(cfg, tmp_path) == k1
    script.write_text("# version two\n")
    os.utime(script, ns=(1, 1))
    assert cache_key(cfg, tmp_path) != k1
    assert cache_key(MCPServerConfig(url="http://127.0.0.1:1/mcp"), None) is None


def test_damaged_cache_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "mcp_tools.json"
    path.write_text("{not json")
    cache = ToolListCache(path)
    assert cache.get("x", "k") is None
    cache.put("x", "k", [])
    assert ToolListCache(path).get("x", "k") == []
    assert ToolListCache(path).get("x", "other") is None
