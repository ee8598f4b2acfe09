"""MCP tools under the policy: kinds from annotations, path rules on their arguments, read-only mode,
and the per-server allow/deny/read_only settings. A real stdio MCP server (tests/mcp_servers/files_server.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from llmos import LLMOS
from llmos.cli.policy import app
from llmos.config import MCPServerConfig
from llmos.models.testmodel import TestModel
from llmos.tools.mcp import MCPManager
from llmos.tools.mcp._policy import kind_for

SERVER = Path(__file__).resolve().parent / "mcp_servers" / "files_server.py"


def files(root: Path, **kw: object) -> MCPServerConfig:
    return MCPServerConfig.model_validate({"command": sys.executable, "args": [str(SERVER), str(root)], **kw})


def test_kind_from_annotations() -> None:
    assert kind_for({"readOnlyHint": True}) == "file_read"
    assert kind_for({"readOnlyHint": True, "openWorldHint": True}) == "file_read"
    assert kind_for({"readOnlyHint": True, "destructiveHint": True}) == "file_write"  # contradictory: the worse
    assert kind_for({"destructiveHint": True}) == "file_write"
    assert kind_for({"idempotentHint": True}) == "file_write"
    assert kind_for({}) == "file_write"  # unannotated: the MCP default readOnlyHint is false


async def test_listed_tools_carry_kinds_and_annotations(tmp_path: Path) -> None:
    async with MCPManager({"files": files(tmp_path)}) as mcp:
        tools = {t.name: t for t in mcp.tools}
    assert tools["files__read_text"].kind == "file_read"
    assert tools["files__read_text"].annotations == {"readOnlyHint": True}
    assert tools["files__list_dir"].annotations == {"readOnlyHint": True, "openWorldHint": False}
    assert tools["files__write_text"].kind == "file_write"
    assert tools["files__write_text"].annotations["destructiveHint"] is True
    assert tools["files__create_branch"].kind == "file_write"
    assert tools["files__create_branch"].annotations == {}


async def test_server_allow_deny_and_read_only(tmp_path: Path) -> None:
    servers = {
        "ro": files(tmp_path, read_only=True),
        "some": files(tmp_path, allow=["read_*", "write_*"], deny=["write_*"]),
    }
    async with MCPManager(servers) as mcp:
        names = sorted(t.name for t in mcp.tools)
        out = await mcp.call("ro", "write_text", {"path": "x.txt", "content": "x"})
    assert names == ["ro__list_dir", "ro__read_text", "some__read_text"]
    assert out.is_error and "not allowed by [mcp.servers.ro]" in out.content
    assert not (tmp_path / "x.txt").exists()


def _ws(tmp_path: Path, security: str) -> Path:
    ws = tmp_path / "ws"
    ws.mkdir()
    args = json.dumps([str(SERVER), str(ws)])
    (ws / "llmos.toml").write_text(
        f"{security}\n[mcp.servers.files]\ncommand = {json.dumps(sys.executable)}\nargs = {args}\n"
    )
    return ws


async def _run(ws: Path, *calls: dict[str, object]) -> list[dict[str, object]]:
    script: list[object] = [*calls, "done"]
    async with LLMOS(ws, model=TestModel(script=script)) as rt:
        result = await rt.execute("use the file tools")
    return [dict(c) for c in result.to_dict()["tool_calls"]]


async def test_read_only_mode_stops_mcp_writes(tmp_path: Path) -> None:
    ws = _ws(tmp_path, "[security]\nread_only = true\n")
    (ws / "notes.txt").write_text("hello")
    calls = await _run(
        ws,
        {"tool": "files__write_text", "args": {"path": "out.txt", "content": "x"}},
        {"tool": "files__create_branch", "args": {"repo_path": ".", "name": "feature"}},
        {"tool": "files__read_text", "args": {"path": "notes.txt"}},
    )
    assert [c["is_error"] for c in calls] == [True, True, False]
    assert "read-only" in str(calls[0]["result"]) and "read-only" in str(calls[1]["result"])
    assert calls[2]["result"] == "hello"
    assert not (ws / "out.txt").exists() and not (ws / ".branch-feature").exists()


async def test_path_rules_apply_to_mcp_arguments(tmp_path: Path) -> None:
    ws = _ws(tmp_path, "")
    outside = tmp_path / "outside.txt"
    calls = await _run(
        ws,
        {"tool": "files__write_text", "args": {"path": str(outside), "content": "x"}},
        {"tool": "files__write_text", "args": {"path": "llmos.toml", "content": "[security]\nenabled = false\n"}},
        {"tool": "files__write_text", "args": {"path": "out.txt", "content": "fine"}},
    )
    assert [c["is_error"] for c in calls] == [True, True, False]
    assert "outside the workspace" in str(calls[0]["result"])
    assert "out of the agent's reach" in str(calls[1]["result"])
    assert not outside.exists() and (ws / "out.txt").read_text() == "fine"
    assert "enabled = false" not in (ws / "llmos.toml").read_text()


@pytest.mark.parametrize(
    ("request_line", "decision"),
    [
        ({"tool": "filesystem__write_file", "input": {"path": "/etc/passwd", "content": "x"}}, "deny"),
        ({"tool": "filesystem__read_text_file", "input": {"path": "~/.ssh/id_rsa"}}, "deny"),
        ({"tool": "fs__read", "input": {"uri": "file:///root/.ssh/id_ed25519"}}, "deny"),
        (
            {"tool": "x__anything", "annotations": {"readOnlyHint": True}, "input": {"path": "~/.aws/credentials"}},
            "deny",
        ),
        ({"tool": "git__git_create_branch", "input": {"repo_path": "/srv/elsewhere", "branch_name": "b"}}, "deny"),
        ({"tool": "filesystem__write_file", "input": {"path": "src/a.py", "content": "x"}}, "allow"),
        ({"tool": "filesystem__read_text_file", "input": {"path": "README.md"}}, "allow"),
        ({"tool": "git__git_status", "input": {"repo_path": "."}}, "allow"),
    ],
)
def test_policy_check_covers_mcp_tools(tmp_path: Path, request_line: dict[str, object], decision: str) -> None:
    result = CliRunner().invoke(app, ["check", "--workspace", str(tmp_path)], input=json.dumps(request_line) + "\n")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["decision"] == decision, result.output


def test_policy_check_rejects_bad_annotations(tmp_path: Path) -> None:
    line = json.dumps({"tool": "x__y", "annotations": {"readOnlyHint": "yes"}, "input": {}})
    result = CliRunner().invoke(app, ["check", "--workspace", str(tmp_path)], input=line + "\n")
    out = json.loads(result.output)
    assert out["decision"] == "deny" and "annotations" in out["reason"]
