"""Red-team probe (redW) of rule 4 with a real MCP stdio server that is upgraded between runs: its
tool was read-only (`readOnlyHint`), the new version declares it destructive. The server runs as
`python -m slots_srv` (nothing in its command line is the upgraded file, so the tool-list cache's
key cannot see the upgrade; the server reports a new version once it starts).

A replay decided on the cached (old) annotations must not make the call the new server declares
destructive before the plan has the support a destructive plan needs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from llmos.models.base import ModelRequest, ToolCall, ToolResult
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS

SERVER = '''
from mcp.server.mcpserver import MCPServer
from mcp.types import ToolAnnotations

server = MCPServer("slots", version="{version}")


@server.tool(annotations=ToolAnnotations({hints}))
def take_slot(quay: str) -> str:
    """Take a loading slot on a quay (a harmless test double: it appends a line to a file)."""
    with open("taken.log", "a") as f:
        f.write(quay + "\\n")
    return "slot on " + quay + " taken"


if __name__ == "__main__":
    server.run("stdio")
'''


def _write_server(folder: Path, version: str, hints: str) -> None:
    (folder / "slots_srv.py").write_text(SERVER.format(version=version, hints=hints))


def _toml(ws: Path, folder: Path) -> None:
    ws.mkdir(parents=True, exist_ok=True)
    (ws / "llmos.toml").write_text(
        "\n".join(
            [
                "[mcp.servers.h]",
                f"command = {json.dumps(sys.executable)}",
                'args = ["-m", "slots_srv"]',
                f"cwd = {json.dumps(str(folder))}",
                "timeout_s = 30",
                "",
            ]
        )
    )


def model(request: ModelRequest) -> Any:
    first = next(m for m in request.messages if m.role == "user" and "quay" in m.text)
    quay = first.text.split()[-1]
    if not any(isinstance(b, ToolResult) for m in request.messages for b in m.content):
        return ToolCall("", "h__take_slot", {"quay": quay})
    return f"Slot on {quay} taken."


async def test_a_server_upgraded_to_destructive_is_not_replayed_on_its_cached_annotations(tmp_path: Path) -> None:
    folder, ws = tmp_path / "srv", tmp_path / "ws"
    folder.mkdir()
    _write_server(folder, "1.0", "readOnlyHint=True")
    _toml(ws, folder)
    async with LLMOS(ws, model=TestModel(script=model)) as rt:  # lists the server: cached, read-only
        first = await rt.execute("Take a slot on quay Q1")
        assert first.success and first.mode == "learner", first.to_dict()
        modes = [(await rt.execute(f"Take a slot on quay Q{i}")).mode for i in (2, 3)]
        assert modes[-1] == "follower", modes  # read-only: min_support - 1 runs
        (plan,) = rt.learning.plans()
        assert plan.support == 2, plan.support
    _write_server(folder, "2.0", "readOnlyHint=False, destructiveHint=True")  # the upgrade
    taken_before = (folder / "taken.log").read_text().split()
    async with LLMOS(ws, model=TestModel(script=model)) as rt:  # from the cache: not started yet
        r = await rt.execute("Take a slot on quay Q4")
        d = r.to_dict(explain=True)
        calls = [c for c in rt.traces.require(r.run_id).tool_calls if c.name == "h__take_slot"]
        replayed = [c for c in calls if c.source != "model" and not c.is_error]
        # two supporting runs of a destructive plan are fewer than it needs (min_support 2 + 1)
        assert replayed == [], (d["mode"], d["mode_reason"], (folder / "taken.log").read_text())
        tool = rt.registry.get("h__take_slot")
        assert tool is not None and tool.metadata["annotations"].get("destructiveHint") is True
    taken = (folder / "taken.log").read_text().split()
    assert taken[len(taken_before) :] in (["Q4"], []), taken


# ---------------------------------------------------------------- the rule, in another domain
ECHO = Path(__file__).parent / "mcp_servers" / "echo_server.py"


async def test_a_cached_listing_whose_hints_the_started_server_no_longer_declares(tmp_path: Path) -> None:
    """A calculator server whose cached listing said `add` only reads (an older version's hints); the
    running server declares none. The first call, decided on the cached hints, is not made; the offered
    tool takes the live hints (no annotations: a write), and the next call goes through."""
    from types import SimpleNamespace

    from llmos.config import MCPServerConfig
    from llmos.learning.risk import tool_risk
    from llmos.tools.mcp import MCPManager, ToolListCache
    from llmos.tools.mcp._cache import cache_key

    cfg = MCPServerConfig(command=sys.executable, args=[str(ECHO)], timeout_s=20)
    cache = ToolListCache(tmp_path / "mcp_tools.json")
    schema = {"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}}}
    old = SimpleNamespace(name="add", description="Add", input_schema=schema, annotations={"readOnlyHint": True})
    cache.put("calc", cache_key(cfg, None), [old], {"name": "calc", "version": "0.9"})
    mgr = MCPManager({"calc": cfg})
    try:
        (tool,) = [t for t in await mgr.start_lazy(cache) if t.name == "calc__add"]
        assert tool_risk(tool) == "read_only"  # as cached
        refused = await mgr.call("calc", "add", {"a": 1, "b": 2})
        assert refused.is_error and "other annotations" in refused.content, refused.content
        assert tool_risk(tool) == "write" and tool.kind == "file_write"
        assert (await mgr.call("calc", "add", {"a": 1, "b": 2})).content == "3"
    finally:
        await mgr.close()


async def test_a_server_upgraded_under_a_running_manager_is_judged_on_its_new_hints(tmp_path: Path) -> None:
    """The same rule when a server restarts: by the watchdog (its tools take the new hints), or on the
    call that found it stopped (that call, decided on the old hints, is not made)."""
    from llmos.config import MCPServerConfig
    from llmos.learning.risk import tool_risk
    from llmos.tools.mcp import MCPManager

    folder = tmp_path / "srv"
    folder.mkdir()
    _write_server(folder, "1.0", "readOnlyHint=True")
    cfg = MCPServerConfig(command=sys.executable, args=["-m", "slots_srv"], cwd=str(folder), timeout_s=30)
    mgr = MCPManager({"h": cfg})
    try:
        (tool,) = await mgr.start_lazy(None)
        assert tool_risk(tool) == "read_only"
        _write_server(folder, "2.0", "readOnlyHint=False, destructiveHint=True")
        assert await mgr.restart("h") is None  # the watchdog
        assert tool_risk(tool) == "destructive"
        _write_server(folder, "3.0", "readOnlyHint=True")
        await mgr._servers["h"].stop()  # it died; the next call starts it again
        refused = await mgr.call("h", "take_slot", {"quay": "Q9"})
        assert refused.is_error and "other annotations" in refused.content, refused.content
        assert tool_risk(tool) == "read_only"
        assert not (folder / "taken.log").exists()
    finally:
        await mgr.close()
