"""The workspace's control plane: the paths the agent's file and shell tools must never change.

    CONTROL_PATHS                        # relative to the workspace
    control_path_of(target, workspace)   # "llmos.toml" if target is it or lies under it, else None

`llmos.toml` (configuration, security, budget, hooks, MCP servers), `.llmos/` (database: traces,
ledger, state), `.git/hooks` and `.git/config` (code git runs later), `agents/` and
`tools/generated/` (agent prompts and generated tools, which change only through the versioned
self-modification tools). The file tools refuse writes there; the shell sandbox binds them
read-only (`llmos.execution.sandbox.shell`).
"""

from __future__ import annotations

from pathlib import Path

CONTROL_PATHS: tuple[str, ...] = ("llmos.toml", ".llmos", ".git/hooks", ".git/config", "agents", "tools/generated")


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
    return None


def refusal(tool_name: str, shown: str, entry: str) -> str:
    return (
        f"{tool_name} refused: {shown!r} is part of the workspace's control plane ({entry}); it changes only "
        "through the self-modification tools or by a person, never by the agent's file or shell tools"
    )
