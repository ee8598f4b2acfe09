"""Git reads code-running settings from more than .git/config and .git/hooks: a submodule's own git
dir (.git/modules/NAME/{config,hooks,config.worktree,commondir}), .git/config.worktree,
.git/commondir and linked worktrees' .git/worktrees/. The file tools, the policy and the shell
sandbox keep all of them out of the agent's reach. Sandbox probes only touch this test's workspace.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sandbox_support import needs_bwrap

from llmos.config import Config, SecurityConfig
from llmos.execution.sandbox.shell import shell_runner
from llmos.kernel.policy import SecurityPolicy
from llmos.tools import ToolContext, builtin_tools
from llmos.tools.control_plane import control_path_of, control_paths, module_git_dirs

CONFIG = "[core]\n\tbare = false\n"
HOOK = "#!/bin/sh\nexit 0\n"


def git_dir(path: Path) -> None:
    (path / "objects").mkdir(parents=True)
    (path / "refs").mkdir()
    (path / "hooks").mkdir()
    (path / "HEAD").write_text("ref: refs/heads/main\n")
    (path / "config").write_text(CONFIG)
    (path / "hooks" / "pre-commit").write_text(HOOK)


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    git_dir(root / ".git")
    git_dir(root / ".git/modules/sub")
    git_dir(root / ".git/modules/libs/foo")  # a submodule named "libs/foo"
    git_dir(root / ".git/modules/sub/modules/inner")  # a submodule of the submodule
    (root / ".git/worktrees/wt").mkdir(parents=True)
    (root / ".git/worktrees/wt/gitdir").write_text("/elsewhere/.git\n")
    (root / "src").mkdir()
    return root


def test_submodule_git_dirs_are_found(ws: Path) -> None:
    assert module_git_dirs(ws) == [".git/modules/libs/foo", ".git/modules/sub", ".git/modules/sub/modules/inner"]
    assert ".git/modules/libs/foo/hooks" in control_paths(ws)
    assert ".git/modules/sub/modules/inner/commondir" in control_paths(ws)


@pytest.mark.parametrize(
    ("rel", "entry"),
    [
        (".git/modules/sub/config", ".git/modules/*/config"),
        (".git/modules/libs/foo/hooks/post-checkout", ".git/modules/*/hooks"),
        (".git/modules/sub/modules/inner/config.worktree", ".git/modules/*/config.worktree"),
        (".git/modules/new/commondir", ".git/modules/*/commondir"),
        (".git/worktrees/wt/config.worktree", ".git/worktrees"),
        (".git/config.worktree", ".git/config.worktree"),
        (".git/commondir", ".git/commondir"),
        (".git/modules/sub/objects/ab/cdef", None),
        ("src/config", None),
    ],
)
def test_control_path_rules(ws: Path, rel: str, entry: str | None) -> None:
    assert control_path_of(ws / rel, ws) == entry


async def test_file_tools_refuse_submodule_config(ws: Path) -> None:
    config = Config()
    tools = {t.name: t for t in builtin_tools(ws, config, None)}
    out = await tools["write_file"].call(
        {"path": ".git/modules/sub/config", "content": "[core]\n\thooksPath = /x\n"}, ToolContext(workspace=ws)
    )
    assert out.is_error and "control plane" in out.content
    assert (ws / ".git/modules/sub/config").read_text() == CONFIG


@pytest.mark.parametrize(
    "command",
    [
        "git config --file .git/modules/sub/config core.hooksPath /x",
        "echo x > .git/modules/libs/foo/hooks/post-checkout",
        "printf x >> .git/worktrees/wt/config.worktree",
        "echo ../evil > .git/commondir",
    ],
)
def test_policy_denies_shell_writes(ws: Path, command: str) -> None:
    d = SecurityPolicy(ws, SecurityConfig()).check("run_command", {"command": command})
    assert d.decision == "deny", (command, d)


@needs_bwrap
async def test_sandbox_keeps_git_internals_read_only(ws: Path) -> None:
    attacks = "; ".join(
        [
            "echo '[core] hooksPath = /x' >> .git/modules/sub/config",
            "echo evil > .git/modules/sub/hooks/pre-commit",
            "echo evil > .git/modules/libs/foo/hooks/post-checkout",
            "echo '[core]' > .git/modules/sub/modules/inner/config",
            "echo '[core]' > .git/modules/sub/config.worktree",
            "echo ../../evil > .git/commondir",
            "echo x > .git/worktrees/wt/gitdir",
            "mv .git/modules/sub .git/modules/sub2",
            "mv .git/modules .git/m2",
            "mkdir -p .git/modules/evil/objects && echo ref > .git/modules/evil/HEAD",
            "echo '[core] fsmonitor = x' > .git/modules/evil/config",
            "echo blob > .git/modules/sub/objects/new-object",
            "echo done",
        ]
    )
    config = Config()
    tools = {t.name: t for t in builtin_tools(ws, config, shell_runner(config.sandbox))}
    out = await tools["run_command"].call({"command": attacks}, ToolContext(workspace=ws))
    assert "done" in out.content
    for d in (".git/modules/sub", ".git/modules/libs/foo", ".git/modules/sub/modules/inner"):
        assert (ws / d / "config").read_text() == CONFIG, d
        assert (ws / d / "hooks/pre-commit").read_text() == HOOK, d
        assert sorted(p.name for p in (ws / d / "hooks").iterdir()) == ["pre-commit"], d
    assert (ws / ".git/worktrees/wt/gitdir").read_text() == "/elsewhere/.git\n"
    # created control files and the new submodule git dir were set aside (nothing deleted), and said so
    assert not (ws / ".git/commondir").exists() and not (ws / ".git/modules/sub/config.worktree").exists()
    assert not (ws / ".git/modules/evil").exists()
    assert any(p.name.startswith("evil.rejected-") for p in (ws / ".git/modules").iterdir())
    assert out.is_error and "control plane" in out.content and ".git/modules/evil" in out.content
    assert not (ws / ".git/modules/sub2").exists() and not (ws / ".git/m2").exists()
    # ordinary git data in a submodule stays writable
    assert (ws / ".git/modules/sub/objects/new-object").read_text() == "blob\n"
