"""The built-in tools: files (read_file, write_file, edit_file, list_dir, glob, grep) and run_command.

    tools = builtin_tools(workspace, config)

Paths are confined to the workspace and [security] allowed_paths; write tools refuse when
[security] read_only is set; results are capped at [tools] output_limit characters.
"""

from __future__ import annotations

from pathlib import Path

from llmos.config import Config
from llmos.tools.base import Tool
from llmos.tools.builtin._common import Env
from llmos.tools.builtin.files import file_tools
from llmos.tools.builtin.shell import shell_tools
from llmos.tools.command import CommandRunner

BUILTIN_KINDS = {
    "read_file": "file_read",
    "write_file": "file_write",
    "edit_file": "file_write",
    "list_dir": "file_read",
    "glob": "file_read",
    "grep": "file_read",
    "run_command": "shell",
}


def builtin_tools(workspace: Path, config: Config | None = None, runner: CommandRunner | None = None) -> list[Tool]:
    """The built-in tools bound to one workspace and configuration (source "builtin").

    `runner` runs run_command's commands (the runtime passes the bubblewrap sandbox); without it
    run_command refuses unless [sandbox] allow_weak_fallback accepts an unisolated shell.
    """
    env = Env(Path(workspace), config if config is not None else Config())
    return [*file_tools(env), *shell_tools(env, runner)]


__all__ = ["BUILTIN_KINDS", "builtin_tools"]
