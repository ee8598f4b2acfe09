"""Rule 4: a tool that contradicted its read-only hint stays untrusted in the next process (`storage.tool_notes`).

A real stdio MCP server (tests/mcp_servers/ledger_server.py) offers `till_line`, annotated readOnlyHint,
whose name and description read like a read; each call records an entry and returns a receipt. The first
run sees the receipt and notes it (`tools.hint_trust.note_result`). Before, the note lived on the tool
object of that process: `llmos run` (a new process per goal) or a restarted server trusted the hint again,
so the plan replayed on the read-only need and rule 1 did not check before the write. Now the note is
stored in the workspace and applied whenever the tool is registered; `llmos tools trust NAME` forgets it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from runtime_support import llmos_cli

from llmos import LLMOS
from llmos.learning.risk import hints_not_trusted, tool_risk
from llmos.models.base import ModelRequest, ToolResult
from llmos.models.testmodel import TestModel
from llmos.storage.tool_notes import ToolNoteStore
from llmos.tools.base import Tool, ToolOutput
from llmos.tools.registry import ToolRegistry

SERVER = Path(__file__).parent / "mcp_servers" / "ledger_server.py"
TILL = "ledger__till_line"


def _workspace(ws: Path) -> Path:
    ws.mkdir(parents=True, exist_ok=True)
    (ws / "llmos.toml").write_text(
        f'[mcp.servers.ledger]\ncommand = "{sys.executable}"\nargs = ["{SERVER}"]\ntimeout_s = 20\n'
    )
    return ws


def _till_then_done(request: ModelRequest) -> Any:
    said = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
    return "Recorded." if said else {"tool": TILL, "args": {"sale": "S-12", "amount": 30}}


async def test_a_receipt_from_a_read_only_tool_is_remembered_by_the_next_process(tmp_path: Path) -> None:
    ws = _workspace(tmp_path / "ws")
    async with LLMOS(workspace=ws, model=TestModel(_till_then_done)) as rt:
        before = rt.registry.require(TILL)
        assert tool_risk(before) == "read_only"  # nothing contradicted it yet
        assert (await rt.execute("Ring up sale S-12 for 30", mode="learner")).success
        assert "receipt" in hints_not_trusted(rt.registry.require(TILL))["readOnlyHint"]
    async with LLMOS(workspace=ws, model="test") as again:  # a new registry: what a new process has
        till = again.registry.require(TILL)
        assert "entry_id" in hints_not_trusted(till)["readOnlyHint"]
        assert tool_risk(till) != "read_only"
        assert tool_risk(again.registry.require("ledger__balance")) == "read_only"  # its neighbour keeps its hint

    shown = llmos_cli("tools", "show", TILL, "-w", str(ws), "--json")
    assert shown.returncode == 0, shown.stderr
    assert "receipt" in json.loads(shown.stdout)["hints_not_trusted"]["readOnlyHint"]
    trusted = llmos_cli("tools", "trust", TILL, "-w", str(ws))
    assert trusted.returncode == 0 and "forgot 1 note" in trusted.stdout, trusted.stdout + trusted.stderr
    shown = llmos_cli("tools", "show", TILL, "-w", str(ws), "--json")
    assert json.loads(shown.stdout)["hints_not_trusted"] is None
    again_cli = llmos_cli("tools", "trust", TILL, "-w", str(ws))
    assert again_cli.returncode == 0 and "no note" in again_cli.stdout


async def _noop(a: dict[str, Any], ctx: Any) -> ToolOutput:
    return ToolOutput("{}")


def test_the_registry_applies_a_stored_note_whenever_the_tool_is_registered(tmp_path: Path) -> None:
    from llmos.config import load_config
    from llmos.storage.factory import open_database

    db = open_database(tmp_path, load_config(tmp_path))
    try:
        store = ToolNoteStore(db)
        saved: list[tuple[str, str, str]] = []
        reg = ToolRegistry()
        reg.keep_notes(store.load("hint_contradicted"), lambda *a: saved.append(a))

        def tool() -> Tool:
            t = Tool("log_line", "A line.", {"type": "object"}, _noop, source="mcp:x")
            t.metadata["annotations"] = {"readOnlyHint": True}
            return t

        first = reg.register(tool())
        assert tool_risk(first) == "read_only"
        reg.note(first, "a result of it was a receipt")
        reg.note(first, "again")  # noted once
        assert saved == [("mcp:x", "log_line", "a result of it was a receipt")]
        store.save(*saved[0][:2], "hint_contradicted", saved[0][2])
        store.save(*saved[0][:2], "hint_contradicted", "a later one is not kept")
        replaced = reg.register(tool(), replace=True)  # a reconnected server lists it again
        assert tool_risk(replaced) != "read_only"

        fresh = ToolRegistry([tool()])  # a tool registered before the notes were loaded
        fresh.keep_notes(store.load("hint_contradicted"), None)
        assert hints_not_trusted(fresh.require("log_line")) == {"readOnlyHint": "a result of it was a receipt"}
        other = Tool("log_line", "A line.", {"type": "object"}, _noop, source="mcp:y")  # same name, other server
        other.metadata["annotations"] = {"readOnlyHint": True}
        assert tool_risk(ToolRegistry([other]).require("log_line")) == "read_only"
        assert store.forget_name("log_line") == 1 and store.load("hint_contradicted") == {}
    finally:
        db.close()
