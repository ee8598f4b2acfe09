"""SentienceHook decisions, alone and inside a HookChain."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from llmos.config import SentienceConfig
from llmos.kernel.hooks import HookChain, ToolUseEvent
from llmos.sentience import Sentience, destructive_reason
from llmos.storage.db import Database


def make(tmp_path: Path, **cfg: Any) -> Sentience:
    return Sentience(Database.for_workspace(tmp_path), SentienceConfig.model_validate(cfg), clock=lambda: 1000.0)


def ev(tool: str, kind: str, **args: Any) -> ToolUseEvent:
    return ToolUseEvent(tool=tool, arguments=args, source="model", kind=kind)


SHELL = ev("bash", "shell", command="ls -la")
RM = ev("bash", "shell", command="cd /tmp && rm -rf /")
WRITE = ev("write_file", "file_write", path="a.txt", content="x")
READ = ev("read_file", "file_read", path="a.txt")


async def test_balanced_allows_everything(tmp_path: Path) -> None:
    hook = make(tmp_path).hook()
    for e in (SHELL, RM, WRITE, READ):
        assert hook.decide(e) is None


async def test_cautious_asks_before_destructive_and_lets_ordinary_work_run(tmp_path: Path) -> None:
    s = make(tmp_path)
    s.fire("safety_violation", 1.5)
    assert s.mode().value == "CAUTIOUS"
    hook = s.hook()
    d = hook.decide(RM)
    assert d is not None and d.decision == "ask" and "rm -rf" in d.reason and "CAUTIOUS" in d.reason
    assert "llmos state reset" in d.reason
    for e in (SHELL, WRITE, READ):  # never every shell command, never every write
        assert hook.decide(e) is None
    chain = HookChain([hook])
    verdict = await chain.pre_tool_use(None, RM)  # type: ignore[arg-type]
    assert verdict.decision == "ask" and verdict.by == "sentience"
    assert (await chain.pre_tool_use(None, SHELL)).decision == "allow"  # type: ignore[arg-type]


async def test_recovery_blocks_destructive_naming_the_reset_and_never_gates_writes(tmp_path: Path) -> None:
    s = make(tmp_path)
    s.fire("safety_violation", 4.0)
    assert s.mode().value == "RECOVERY"
    hook = s.hook()
    d = hook.decide(RM)
    assert d is not None and d.decision == "deny" and "RECOVERY" in d.reason and "llmos state reset" in d.reason
    assert hook.decide(WRITE) is None  # an ask with nobody to answer would lock the user out
    assert hook.decide(SHELL) is None and hook.decide(READ) is None


async def test_low_safety_in_balanced_mode_asks_only_for_destructive(tmp_path: Path) -> None:
    s = make(tmp_path)
    s.fire("safety_violation")  # safety ~0.05: still BALANCED, destructive needs confirmation
    assert s.mode().value == "BALANCED"
    hook = s.hook()
    assert hook.decide(RM) is not None and hook.decide(RM).decision == "ask"  # type: ignore[union-attr]
    assert hook.decide(SHELL) is None and hook.decide(WRITE) is None


async def test_disabled_hook_allows_everything(tmp_path: Path) -> None:
    s = make(tmp_path, enabled=False)
    s.fire("safety_violation", 10.0)
    hook = s.hook()
    for e in (SHELL, RM, WRITE, READ):
        assert hook.decide(e) is None
        assert await hook.pre_tool_use(None, e) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "command",
    [
        "rm -rf /", "rm -fr ~/x", "rm --recursive build", "sudo mkfs.ext4 /dev/sda1",
        "dd if=/dev/zero of=/dev/sda", "git reset --hard HEAD~3", "git push --force origin main",
        "git clean -fdx", "find . -name '*.py' -delete",
        "psql -c 'DROP TABLE users'", "chmod -R 777 /", "echo x > /dev/sda", "shred secret.txt",
    ],
)  # fmt: skip
def test_destructive_commands(command: str) -> None:
    assert destructive_reason(ev("bash", "shell", command=command)) is not None


@pytest.mark.parametrize(
    "command",
    ["ls -la", "rm file.txt", "git push origin main", "grep -r rm .", "echo 'drop it'", "cat ~/.bashrc"],
)
def test_ordinary_commands(command: str) -> None:
    assert destructive_reason(ev("bash", "shell", command=command)) is None


def test_delete_like_tools_are_destructive() -> None:
    assert destructive_reason(ev("delete_file", "file_write", path="x")) is not None
    assert destructive_reason(ev("fs.remove", "file_write", path="x")) is not None
    assert destructive_reason(ev("write_file", "file_write", path="x")) is None
    assert destructive_reason(ev("delete_file", "file_read", path="x")) is None
