"""The workspace's control plane: the paths the agent's file and shell tools must never change.

    CONTROL_PATHS                        # relative to the workspace
    control_paths(workspace)             # CONTROL_PATHS and the control files of submodule git dirs
    control_path_of(target, workspace)   # "llmos.toml" if target is it or lies under it, else None

`llmos.toml` (configuration, security, budget, hooks, MCP servers), `.llmos/` (database: traces,
ledger, state), `.git/hooks` and `.git/config` (code git runs later), `agents/` and
`tools/generated/` (agent prompts and generated tools, which change only through the versioned
self-modification tools). Git reads code-running settings from more than `.git/config`:
`.git/config.worktree` (with extensions.worktreeConfig), `.git/commondir` (redirects config and
hooks to another directory), the administrative directories of linked worktrees
(`.git/worktrees/`), and each submodule's own git directory under `.git/modules/` (its `config`,
`config.worktree`, `hooks/`, `commondir`); all of them are control plane too. The file tools
refuse writes there; the shell sandbox binds them read-only (`llmos.execution.sandbox.shell`).
"""

from __future__ import annotations

from pathlib import Path

CONTROL_PATHS: tuple[str, ...] = (
    "llmos.toml",
    ".llmos",
    ".git/hooks",
    ".git/config",
    "agents",
    "tools/generated",
    ".git/config.worktree",
    ".git/commondir",
    ".git/worktrees",
)
MODULES = ".git/modules"
GIT_DIR_CONTROL = ("config", "config.worktree", "hooks", "commondir")  # in any submodule git dir
_MAX_MODULE_DIRS = 2000
_GIT_DIR_INTERNALS = frozenset({"objects", "refs", "logs", "info", "lfs", "rr-cache", "branches", *GIT_DIR_CONTROL})


def _is_git_dir(path: Path) -> bool:
    return (path / "HEAD").is_file() and ((path / "objects").is_dir() or (path / "commondir").is_file())


def module_git_dirs(workspace: Path) -> list[str]:
    """The submodule git directories under .git/modules (names may hold '/'; nested ones included),
    relative to the workspace. Symlinks are not followed."""
    found: list[str] = []
    stack = [workspace / MODULES]
    seen = 0
    while stack and seen < _MAX_MODULE_DIRS:
        d = stack.pop()
        if d.is_symlink() or not d.is_dir():
            continue
        seen += 1
        if _is_git_dir(d):
            found.append(d.relative_to(workspace).as_posix())
            stack.append(d / "modules")
            continue
        try:
            children = sorted(d.iterdir())
        except OSError:
            continue
        stack.extend(c for c in children if c.name not in _GIT_DIR_INTERNALS)
    return sorted(found)


def control_paths(workspace: Path) -> tuple[str, ...]:
    """CONTROL_PATHS and, for each existing submodule git dir, its control files (existing or not)."""
    extra = [f"{d}/{name}" for d in module_git_dirs(workspace) for name in GIT_DIR_CONTROL]
    return (*CONTROL_PATHS, *extra)


def control_path_of(target: Path, workspace: Path) -> str | None:
    """The control-plane entry `target` (an absolute, resolved path) is or lies under, if any."""
    try:
        rel = target.relative_to(workspace)
    except ValueError:
        return None
    parts = rel.parts
    for entry in CONTROL_PATHS:
        want = tuple(entry.split("/"))
        if parts[: len(want)] == want:
            return entry
    if parts[:2] == (".git", "modules") and any(name in GIT_DIR_CONTROL for name in parts[2:]):
        name = next(n for n in parts[2:] if n in GIT_DIR_CONTROL)
        return f"{MODULES}/*/{name}"
    return None


def refusal(tool_name: str, shown: str, entry: str) -> str:
    return (
        f"{tool_name} refused: {shown!r} is part of the workspace's control plane ({entry}); it changes only "
        "through the self-modification tools or by a person, never by the agent's file or shell tools"
    )
