"""Steps: the seam through which a durable run checkpoints its model and tool calls.

The kernel knows only this protocol. `RunContext.steps` is None for an ordinary run; a durable
run (`llmos.execution.durable`, on DBOS) installs a runner whose `run(name, fn)` executes `fn`
once and records its result, so that a run recovered after its process died gets the recorded
result back instead of calling the model or the tool again. Step results must be picklable.

Whatever a step returns is all a recovered run sees of it: side effects on the run's memory
(the trace) are redone from the returned value by the caller, never inside the step.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

T = TypeVar("T")


class StepRunner(Protocol):
    """Runs a step at most once per durable run (a recovered run gets the recorded result)."""

    async def run(self, name: str, fn: Callable[[], Awaitable[T]]) -> T: ...
