"""Shared CLI plumbing: workspace option, consoles, running coroutines, clear errors."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console

if TYPE_CHECKING:
    from llmos.runtime import LLMOS

T = TypeVar("T")

console = Console()
err_console = Console(stderr=True)

WorkspaceOpt = Annotated[
    Path | None,
    typer.Option("--workspace", "-w", help="Workspace directory (default: $LLMOS_HOME or ./workspace)."),
]


def workspace_path(workspace: Path | None) -> Path:
    return workspace if workspace is not None else Path(os.environ.get("LLMOS_HOME") or "workspace")


def fail(message: str, code: int = 2) -> NoReturn:
    err_console.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(code)


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine; LLM OS errors become a clear message and exit code 2."""
    import asyncio  # here, not at the top: `llmos --help` does not need it

    from llmos.exceptions import LLMOSError

    try:
        return asyncio.run(coro)
    except LLMOSError as e:
        fail(str(e))


@asynccontextmanager
async def open_runtime(workspace: Path | None, model: str | None, *, start_mcp: bool = True) -> AsyncIterator[LLMOS]:
    from llmos.runtime import LLMOS

    rt = LLMOS(workspace=workspace_path(workspace), model=model, start_mcp=start_mcp)
    await rt.start()
    try:
        yield rt
    finally:
        await rt.close()
