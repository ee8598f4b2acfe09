"""Built-in tools on a real temporary workspace: confinement, read-only mode, caps, run_command."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest
from runtime_support import wait_dead

from llmos.config import Config
from llmos.exceptions import PathOutsideWorkspace, UserError
from llmos.execution.sandbox.shell import shell_runner
from llmos.tools import Tool, ToolContext, ToolOutput, builtin_tools
from llmos.tools.paths import resolve_in_workspace


def make_config(**sections: dict[str, object]) -> Config:
    return Config.model_validate(sections)


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    (root / "src").mkdir(parents=True)
    (root / "src" / "app.py").write_text("def main():\n    return 'hello'\n\nmain()\n")
    (root / "notes.md").write_text("alpha\nbeta\ngamma\n")
    (tmp_path / "outside.txt").write_text("secret\n")
    return root


class Tools:
    """The built-in tools with run_command in the bubblewrap sandbox (weak=True: the unisolated
    shell that only [sandbox] allow_weak_fallback accepts, where host pids can be checked)."""

    def __init__(self, workspace: Path, config: Config | None = None, *, weak: bool = False) -> None:
        self.workspace = workspace
        config = config or Config()
        if weak:
            config = config.model_copy(
                update={"sandbox": config.sandbox.model_copy(update={"allow_weak_fallback": True})}
            )
        runner = None if weak else shell_runner(config.sandbox)
        self.by_name = {t.name: t for t in builtin_tools(workspace, config, runner)}

    async def __call__(self, name: str, **args: object) -> ToolOutput:
        return await self.by_name[name].call(dict(args), ToolContext(workspace=self.workspace))


@pytest.fixture
def tools(ws: Path) -> Tools:
    return Tools(ws)


def test_names_kinds_and_sources(ws: Path) -> None:
    listed: list[Tool] = builtin_tools(ws, Config())
    kinds = {t.name: t.kind for t in listed}
    assert kinds == {
        "read_file": "file_read",
        "write_file": "file_write",
        "edit_file": "file_write",
        "list_dir": "file_read",
        "glob": "file_read",
        "grep": "file_read",
        "run_command": "shell",
    }
    assert {t.source for t in listed} == {"builtin"}
    assert all(t.description and t.input_schema["type"] == "object" for t in listed)
    assert listed[0].input_schema["required"] == ["path"]


# --- paths ----------------------------------------------------------------------------------------


def test_resolve_in_workspace(ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_in_workspace("src/../notes.md", ws) == (ws / "notes.md").resolve()
    assert resolve_in_workspace(str(ws / "src"), ws, must_exist=True) == (ws / "src").resolve()
    assert resolve_in_workspace(".", ws) == ws.resolve()
    with pytest.raises(PathOutsideWorkspace, match="outside the workspace") as err:
        resolve_in_workspace("../outside.txt", ws)
    assert isinstance(err.value, PermissionError) and isinstance(err.value, UserError)
    with pytest.raises(PathOutsideWorkspace):
        resolve_in_workspace(str(tmp_path / "outside.txt"), ws)
    with pytest.raises(PathOutsideWorkspace):
        resolve_in_workspace("/etc/passwd", ws)
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(PathOutsideWorkspace):
        resolve_in_workspace("~/outside.txt", ws)
    assert resolve_in_workspace("~/outside.txt", ws, [str(tmp_path)]) == (tmp_path / "outside.txt").resolve()
    assert resolve_in_workspace("~/ws/notes.md", ws) == (ws / "notes.md").resolve()
    with pytest.raises(UserError, match="no such file"):
        resolve_in_workspace("missing.txt", ws, must_exist=True)
    with pytest.raises(UserError, match="NUL"):
        resolve_in_workspace("a\x00b", ws)
    with pytest.raises(UserError, match="empty path"):
        resolve_in_workspace("  ", ws)
    # a sibling whose name starts with the workspace's name is not inside it
    (tmp_path / "ws-evil").mkdir()
    with pytest.raises(PathOutsideWorkspace):
        resolve_in_workspace(str(tmp_path / "ws-evil"), ws)


def test_symlinks_pointing_out_are_refused(ws: Path, tmp_path: Path) -> None:
    (ws / "link.txt").symlink_to(tmp_path / "outside.txt")
    (ws / "linkdir").symlink_to(tmp_path)
    (ws / "inner.txt").symlink_to(ws / "notes.md")
    with pytest.raises(PathOutsideWorkspace):
        resolve_in_workspace("link.txt", ws)
    with pytest.raises(PathOutsideWorkspace):
        resolve_in_workspace("linkdir/outside.txt", ws)
    assert resolve_in_workspace("inner.txt", ws) == (ws / "notes.md").resolve()


async def test_file_tools_refuse_escapes(tools: Tools, ws: Path, tmp_path: Path) -> None:
    (ws / "link.txt").symlink_to(tmp_path / "outside.txt")
    for name, args in [
        ("read_file", {"path": "../outside.txt"}),
        ("read_file", {"path": str(tmp_path / "outside.txt")}),
        ("read_file", {"path": "link.txt"}),
        ("write_file", {"path": "../new.txt", "content": "x"}),
        ("edit_file", {"path": "link.txt", "old": "secret", "new": "public"}),
        ("list_dir", {"path": ".."}),
        ("grep", {"pattern": "secret", "path": ".."}),
        ("glob", {"pattern": "../*.txt"}),
    ]:
        out = await tools(name, **args)
        assert out.is_error, (name, args, out)
        assert "outside the workspace" in out.content
        assert out.content.startswith("ERROR: ")
    assert (tmp_path / "outside.txt").read_text() == "secret\n"
    assert not (tmp_path / "new.txt").exists()
    # grep and glob over the workspace skip the link that points out
    assert "link.txt" not in (await tools("grep", pattern="secret")).content
    assert "link.txt" not in (await tools("glob", pattern="*.txt")).content


async def test_allowed_paths_grant_access(ws: Path, tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "data.txt").write_text("shared data\n")
    t = Tools(ws, make_config(security={"allowed_paths": [str(shared)]}))
    assert (await t("read_file", path=str(shared / "data.txt"))).content == "shared data\n"
    assert not (await t("write_file", path=str(shared / "out.txt"), content="ok")).is_error
    assert (shared / "out.txt").read_text() == "ok"
    assert (await t("read_file", path=str(tmp_path / "outside.txt"))).is_error


async def test_read_only_mode_refuses_writes(ws: Path) -> None:
    t = Tools(ws, make_config(security={"read_only": True}))
    out = await t("write_file", path="new.txt", content="x")
    assert out.is_error and "read-only" in out.content
    out = await t("edit_file", path="notes.md", old="alpha", new="omega")
    assert out.is_error and "read-only" in out.content
    assert not (ws / "new.txt").exists()
    assert (ws / "notes.md").read_text().startswith("alpha")
    assert (await t("read_file", path="notes.md")).content.startswith("alpha")


# --- file tools -----------------------------------------------------------------------------------


async def test_read_file(tools: Tools, ws: Path) -> None:
    assert (await tools("read_file", path="notes.md")).content == "alpha\nbeta\ngamma\n"
    part = await tools("read_file", path="notes.md", offset=2, limit=1)
    assert part.content.startswith("beta\n") and "[lines 2-2 of 3; read on with offset=3]" in part.content
    assert (await tools("read_file", path="notes.md", offset=3)).content.startswith("gamma\n")
    assert (await tools("read_file", path="notes.md", offset=9)).is_error
    assert (await tools("read_file", path="notes.md", offset=0)).is_error
    missing = await tools("read_file", path="nope.txt")
    assert missing.is_error and "no such file" in missing.content
    assert "directory" in (await tools("read_file", path="src")).content
    (ws / "blob.bin").write_bytes(b"\x00\x01\x02")
    assert "binary" in (await tools("read_file", path="blob.bin")).content


async def test_read_file_is_capped(ws: Path) -> None:
    (ws / "big.txt").write_text("".join(f"line {i}\n" for i in range(5000)))
    t = Tools(ws, make_config(tools={"output_limit": 1000}))
    out = await t("read_file", path="big.txt")
    assert len(out.content) <= 1000
    assert out.content.startswith("line 0\n")
    assert "read on with offset=" in out.content


async def test_write_file(tools: Tools, ws: Path) -> None:
    out = await tools("write_file", path="deep/dir/new.txt", content="héllo\n")
    assert not out.is_error and "created deep/dir/new.txt" in out.content
    assert (ws / "deep/dir/new.txt").read_text() == "héllo\n"
    out = await tools("write_file", path="deep/dir/new.txt", content="again")
    assert "overwrote" in out.content
    assert (await tools("write_file", path="src", content="x")).is_error


async def test_edit_file(tools: Tools, ws: Path) -> None:
    out = await tools("edit_file", path="notes.md", old="beta", new="BETA")
    assert not out.is_error and "replaced 1 occurrence" in out.content
    assert (ws / "notes.md").read_text() == "alpha\nBETA\ngamma\n"
    out = await tools("edit_file", path="notes.md", old="delta", new="x")
    assert out.is_error and "not found" in out.content
    (ws / "dup.txt").write_text("a-a-a")
    out = await tools("edit_file", path="dup.txt", old="a", new="b")
    assert out.is_error and "3 times" in out.content and "replace_all" in out.content
    assert (ws / "dup.txt").read_text() == "a-a-a"
    assert (await tools("edit_file", path="dup.txt", old="a", new="b", count=2)).is_error
    assert not (await tools("edit_file", path="dup.txt", old="a", new="b", count=3)).is_error
    assert (ws / "dup.txt").read_text() == "b-b-b"
    assert not (await tools("edit_file", path="dup.txt", old="b", new="c", replace_all=True)).is_error
    assert (ws / "dup.txt").read_text() == "c-c-c"
    assert (await tools("edit_file", path="dup.txt", old="", new="x")).is_error
    assert (await tools("edit_file", path="missing.txt", old="a", new="b")).is_error


async def test_list_dir_and_glob(tools: Tools, ws: Path) -> None:
    (ws / ".git").mkdir()
    (ws / ".git" / "config.py").write_text("")
    listing = (await tools("list_dir")).content.splitlines()
    assert listing == [".git/", "notes.md", "src/"]
    assert (await tools("list_dir", path="src")).content == "app.py"
    assert (await tools("list_dir", path="notes.md")).is_error
    assert (await tools("glob", pattern="**/*.py")).content == "src/app.py"
    assert (await tools("glob", pattern=".git/*.py")).content == ".git/config.py"
    assert (await tools("glob", pattern="src/*")).content == "src/app.py"
    assert "no files match" in (await tools("glob", pattern="*.rs")).content


async def test_grep(tools: Tools, ws: Path) -> None:
    out = await tools("grep", pattern=r"ret\w+")
    assert out.content == "src/app.py:2:     return 'hello'"
    out = await tools("grep", pattern="a", path="notes.md")
    assert out.content.splitlines() == ["notes.md:1: alpha", "notes.md:2: beta", "notes.md:3: gamma"]
    assert (await tools("grep", pattern="main", glob="*.md")).content.startswith("no matches")
    assert "src/app.py:1:" in (await tools("grep", pattern="main", glob="*.py")).content
    bad = await tools("grep", pattern="(unclosed")
    assert bad.is_error and "invalid regular expression" in bad.content
    (ws / "many.txt").write_text("hit\n" * 500)
    many = await tools("grep", pattern="hit")
    assert "stopped after 200 matches" in many.content
    assert len(many.content.splitlines()) == 201


# --- run_command ----------------------------------------------------------------------------------


async def test_run_command_output_and_exit_code(tools: Tools, ws: Path) -> None:
    out = await tools("run_command", command="pwd; echo to-err >&2")
    assert not out.is_error
    assert out.content.startswith("exit code: 0")
    assert f"[stdout]\n{ws}" in out.content  # tmp_path is already resolved
    assert "[stderr]\nto-err" in out.content
    assert out.data["exit_code"] == 0 and out.data["timed_out"] is False
    fail = await tools("run_command", command="exit 3")
    assert fail.is_error and fail.content.startswith("exit code: 3") and "(no output)" in fail.content


async def test_run_command_timeout_kills_the_process_group(ws: Path) -> None:
    t = Tools(ws, make_config(tools={"command_timeout_s": 0.5}), weak=True)
    started = time.monotonic()
    out = await t("run_command", command="sleep 30 & echo $! > child.pid; echo started; sleep 30")
    assert time.monotonic() - started < 5
    assert out.is_error and out.data["timed_out"]
    assert "timed out after 0.5s" in out.content and "started" in out.content
    child = int((ws / "child.pid").read_text())
    assert await wait_dead(child)


async def test_run_command_timeout_argument_only_shortens(tools: Tools) -> None:
    out = await tools("run_command", command="sleep 5", timeout_s=0.3)
    assert out.data["timed_out"] and "0.3s" in out.content


async def test_background_processes_do_not_outlive_the_call(ws: Path) -> None:
    tools = Tools(ws, weak=True)
    out = await tools("run_command", command="(sleep 30 &) ; sleep 30 & echo $! > bg.pid; echo done")
    assert not out.is_error and "done" in out.content
    assert await wait_dead(int((ws / "bg.pid").read_text()))


async def test_run_command_output_is_capped(ws: Path) -> None:
    t = Tools(ws, make_config(tools={"output_limit": 500}))
    out = await t("run_command", command="for i in $(seq 1 20000); do echo line $i; done; echo end >&2")
    assert len(out.content) <= 600
    assert "line 1\n" in out.content and "line 20000" in out.content and "omitted" in out.content
    assert "[stderr]\nend" in out.content


async def test_run_command_does_not_block_the_event_loop(tools: Tools) -> None:
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.02)
            ticks += 1

    task = asyncio.create_task(ticker())
    try:
        out, out2 = await asyncio.gather(
            tools("run_command", command="sleep 0.5; echo a"),
            tools("run_command", command="sleep 0.5; echo b"),
        )
    finally:
        task.cancel()
    assert "a" in out.content and "b" in out2.content
    assert ticks >= 10


async def test_cancelling_run_command_kills_it(ws: Path) -> None:
    tools = Tools(ws, weak=True)
    task = asyncio.create_task(tools("run_command", command="echo $$ > sh.pid; sleep 30"))
    for _ in range(100):
        if (ws / "sh.pid").exists() and (ws / "sh.pid").read_text().strip():
            break
        await asyncio.sleep(0.02)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await wait_dead(int((ws / "sh.pid").read_text()))


async def test_empty_command(tools: Tools) -> None:
    assert (await tools("run_command", command="  ")).is_error


def test_environment_is_untouched() -> None:
    assert "LLMOS_MCP_SERVER_ID" not in os.environ
