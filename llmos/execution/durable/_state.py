"""Process-local state of durable runs: the callers waiting for their runs, and which run a task is in."""

from __future__ import annotations

import asyncio
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from llmos.result import RunResult

# set in the task that executes a durable run: a run started from inside it (an orchestrated
# subtask, an agent called as a tool) runs inline, part of the same workflow
IN_RUN: ContextVar[bool] = ContextVar("llmos_durable_in_run", default=False)
# the workflow id the next `LLMOS.execute` in this task adopts as its run id (then cleared)
ADOPT: ContextVar[str | None] = ContextVar("llmos_durable_adopt", default=None)


@dataclass
class Live:
    """What a run needs that cannot be stored: the runtime, its event loop, the caller's callbacks.

    A run recovered after a crash has no caller: it gets the hosting runtime and no callbacks."""

    runtime: Any
    loop: asyncio.AbstractEventLoop
    events: Any = None
    ask: Any = None
    history: Any = None
    model: Any = None  # a Model object the caller passed (a model spec string is stored instead)
    result: RunResult | None = None
    error: BaseException | None = None
    task: asyncio.Task[Any] | None = None


LIVE: dict[str, Live] = {}
