"""Traces saved step by step: a run killed half-way leaves a readable, partial trace.

A built-in hook saves the run's trace after each model call and after each tool call, with status
`running` and no `ended_at` (unfinished). Nothing is saved before the first step, so a goal the
runtime refuses up front (an unavailable mode) still stores nothing. The runtime's final save, at the
end of the run, replaces it with the finished trace. Each save is one transaction, so a trace is
never half-written; a save that fails (a locked or full disk) never fails the run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmos._log import logger
from llmos.exceptions import StoreError
from llmos.kernel.hooks import Hook

if TYPE_CHECKING:
    from llmos.kernel.context import RunContext
    from llmos.models.base import ModelRequest, ModelResponse
    from llmos.storage.traces import TraceStore
    from llmos.trace import ModelCallRecord, ToolCallRecord


class TraceCheckpoint(Hook):
    """Saves the unfinished trace after every step."""

    name = "trace_checkpoint"

    def __init__(self, store: TraceStore) -> None:
        self.store = store

    def _save(self, ctx: RunContext) -> None:
        trace = ctx.trace
        if trace.ended_at is not None:  # finished: the runtime saves it
            return
        try:
            self.store.save(trace)
        except StoreError:
            logger.debug("checkpoint of trace %s failed", trace.id, exc_info=True)

    async def post_model_call(
        self, ctx: RunContext, request: ModelRequest, response: ModelResponse, record: ModelCallRecord
    ) -> None:
        self._save(ctx)

    async def post_tool_use(self, ctx: RunContext, record: ToolCallRecord) -> None:
        self._save(ctx)

    async def post_tool_use_failure(self, ctx: RunContext, record: ToolCallRecord) -> None:
        self._save(ctx)
