"""Shared pieces of the built-in tools: output capping, the path guard, clean error results."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ParamSpec

from llmos.config import Config
from llmos.exceptions import LLMOSError
from llmos.tools.base import ToolOutput
from llmos.tools.paths import allowed_roots, display_path, resolve_in_workspace

P = ParamSpec("P")

# directories grep and glob do not descend into
SKIP_DIRS = frozenset({".git", ".hg", ".svn", ".llmos", "node_modules", "__pycache__", ".venv", ".mypy_cache"})


def cap(text: str, limit: int) -> str:
    """At most `limit` characters: the head and the tail, with a note of what was cut."""
    if len(text) <= limit:
        return text
    note = f"\n… [{len(text) - limit} characters omitted] …\n"
    keep = max(limit - len(note), 0)
    head = keep * 2 // 3
    tail = keep - head
    return text[:head] + note + (text[len(text) - tail :] if tail else "")


def error(message: str) -> ToolOutput:
    return ToolOutput(f"ERROR: {message}", is_error=True)


def clean_errors(func: Callable[P, ToolOutput | str]) -> Callable[P, ToolOutput | str]:
    """Expected failures (outside the workspace, missing file, OS errors) become plain error results."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> ToolOutput | str:
        try:
            return func(*args, **kwargs)
        except LLMOSError as e:
            return error(str(e))
        except UnicodeError as e:
            return error(f"cannot decode the file as text: {e}")
        except OSError as e:
            where = f" ({e.filename})" if e.filename else ""
            return error(f"{e.strerror or e}{where}")

    return wrapper


@dataclass
class Env:
    """What the built-in tools know about where they run."""

    workspace: Path
    config: Config

    def __post_init__(self) -> None:
        self.workspace = Path(self.workspace).expanduser().resolve()

    @property
    def roots(self) -> list[Path]:
        """The workspace and every allowed path, resolved (read at each call: config may change)."""
        return allowed_roots(self.workspace, self.config.security.allowed_paths)

    @property
    def limit(self) -> int:
        return self.config.tools.output_limit

    @property
    def read_only(self) -> bool:
        return self.config.security.read_only

    def resolve(self, path: str, *, must_exist: bool = False) -> Path:
        return resolve_in_workspace(path, self.workspace, self.config.security.allowed_paths, must_exist=must_exist)

    def show(self, path: Path) -> str:
        return display_path(path, self.workspace)

    def refuse_write(self, tool_name: str) -> ToolOutput:
        return error(f"{tool_name} is disabled: the workspace is read-only ([security] read_only = true)")
