"""Shared CLI plumbing: workspace option, consoles, running coroutines, clear errors."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from llmos.runtime import LLMOS

T = TypeVar("T")


class _LazyConsole:
    """A rich Console created on first use: `llmos run --json` never imports rich."""

    def __init__(self, **kwargs: Any) -> None:
        self._kwargs = kwargs
        self._console: Console | None = None

    def __getattr__(self, name: str) -> Any:
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._kwargs)
        return getattr(self._console, name)


console: Console = _LazyConsole()  # type: ignore[assignment]
err_console: Console = _LazyConsole(stderr=True)  # type: ignore[assignment]

WorkspaceOpt = Annotated[
    Path | None,
    typer.Option("--workspace", "-w", help="Workspace directory (default: $LLMOS_HOME or ./workspace)."),
]


def workspace_path(workspace: Path | None) -> Path:
    return workspace if workspace is not None else Path(os.environ.get("LLMOS_HOME") or "workspace")


def esc(text: object) -> str:
    """User text (goals, paths, errors, tool output) for a rich console: `[...]` is shown, not eaten."""
    from rich.markup import escape

    return escape(str(text))


def warn(message: str) -> None:
    err_console.print(f"[yellow]warning:[/yellow] {esc(message)}", highlight=False)


_JSON_WRITTEN: list[bool] = []  # a command with --json wrote its one JSON document already


def wants_json() -> bool:
    """Whether this command was asked for JSON (`--json` before any `--`)."""
    args = sys.argv[1:]
    return "--json" in (args[: args.index("--")] if "--" in args else args)


def json_written() -> None:
    """Note that the command's one JSON document is on stdout (`fail` then adds none)."""
    _JSON_WRITTEN.append(True)


def json_error(message: str) -> None:
    """A command asked for JSON prints exactly one JSON document, on errors too: this one, unless it
    wrote its own already."""
    if wants_json() and not _JSON_WRITTEN:
        sys.stdout.write(json.dumps({"success": False, "status": "error", "error": message}, ensure_ascii=False))
        sys.stdout.write("\n")
        sys.stdout.flush()
        json_written()


def fail(message: str, code: int = 2) -> NoReturn:
    json_error(message)
    err_console.print(f"[red]error:[/red] {esc(message)}", highlight=False)
    raise typer.Exit(code)


def existing_workspace(workspace: Path | None) -> Path:
    """The workspace of a read-only command: it must exist already (a typo never creates one)."""
    from llmos.config import CONFIG_FILE
    from llmos.storage.db import DB_DIR

    ws = workspace_path(workspace)
    if not ws.is_dir():
        what = "is not a directory" if ws.exists() else "does not exist"
    elif not (ws / DB_DIR).is_dir() and not (ws / CONFIG_FILE).is_file():
        what = f"is not an LLM OS workspace (no {DB_DIR}/ or {CONFIG_FILE} in it)"
    else:
        return ws
    fail(f"the workspace {ws} {what}: pass --workspace DIR, or create one with `llmos init {ws}`")


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine; LLM OS errors become a clear message and exit code 2."""
    import asyncio  # here, not at the top: `llmos --help` does not need it

    from llmos.exceptions import LLMOSError

    try:
        return asyncio.run(coro)
    except LLMOSError as e:
        fail(str(e))


@asynccontextmanager
async def open_runtime(
    workspace: Path | None, model: str | None, *, start_mcp: bool = True, must_exist: bool = False
) -> AsyncIterator[LLMOS]:
    from llmos.runtime import LLMOS

    ws = existing_workspace(workspace) if must_exist else workspace_path(workspace)
    rt = LLMOS(workspace=ws, model=model, start_mcp=start_mcp)
    await rt.start()
    try:
        yield rt
    finally:
        await rt.close()
