"""The memory hook: the few facts most relevant to the goal, in model prompts after the cache
breakpoint (`system_volatile`), so recalled facts never invalidate the cached prefix.

Only model runs see them (LEARNER, MIXED, and the model finishing a replay that stopped): a
replay has no prompt. Must come before the budget hook so the reservation counts the facts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmos.kernel.hooks import Hook

if TYPE_CHECKING:
    from llmos.kernel.context import RunContext
    from llmos.memory.service import Memory
    from llmos.models.base import ModelRequest

SCRATCH = "memory_recall"


class MemoryHook(Hook):
    name = "memory"

    def __init__(self, memory: Memory) -> None:
        self.memory = memory

    async def pre_model_call(self, ctx: RunContext, request: ModelRequest) -> None:
        if SCRATCH not in ctx.scratch:  # once per run: the goal does not change within it
            text, ids = self.memory.recall_block(ctx.trace.goal)
            ctx.scratch[SCRATCH] = (text, ids)
            if ids:
                ctx.trace.metadata["memory_facts"] = ids
                ctx.trace.event("memory_recall", facts=ids)
        text, _ = ctx.scratch[SCRATCH]
        if text and text not in request.system_volatile:
            request.system_volatile = "\n\n".join(p for p in (request.system_volatile, text) if p)
