"""Running a plan's subtasks: dependencies first, independent ones concurrently, each a full run.

Every subtask is `LLMOS.execute` of its own goal (so learning, replay and crystallization apply to
it), with the parent run's id as its `parent_id`, its dependencies' results as context, and a cap
of its budget share. SubagentStart/SubagentStop hooks fire around every attempt. A failed subtask
is run once more (`[orchestration] retries`); if it still fails, every subtask that depends on it
is skipped. Cancelling the parent cancels every subtask (asyncio.TaskGroup); each subtask's trace
is kept whatever happens.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from llmos.exceptions import LLMOSError
from llmos.execution.orchestration.plan import OrchestrationPlan, SubtaskSpec
from llmos.kernel.context import RunContext
from llmos.models.base import Message
from llmos.trace import Trace

if TYPE_CHECKING:
    from llmos.result import RunResult

Execute = Callable[..., Awaitable["RunResult"]]


@dataclass
class SubtaskOutcome:
    id: str
    agent: str
    goal: str
    status: str = "pending"  # pending | running | success | failed | skipped | cancelled
    mode: str = ""
    run_id: str | None = None
    run_ids: list[str] = field(default_factory=list)
    output: str = ""
    error: str | None = None
    attempts: int = 0
    cost_usd: float = 0.0
    llm_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cap_usd: float | None = None
    depends_on: list[str] = field(default_factory=list)

    @property
    def success(self) -> bool:
        return self.status == "success"

    def public(self) -> dict[str, Any]:
        """The form in the result JSON (`subtasks`)."""
        return {
            "id": self.id,
            "agent": self.agent,
            "goal": self.goal,
            "mode": self.mode,
            "success": self.success,
            "cost_usd": round(self.cost_usd, 8),
            "run_id": self.run_id,
            "status": self.status,
            "attempts": self.attempts,
            "depends_on": self.depends_on,
            "run_ids": self.run_ids,
            "cap_usd": self.cap_usd,
            "error": self.error,
        }


def context_messages(plan: OrchestrationPlan, spec: SubtaskSpec, outcomes: dict[str, SubtaskOutcome]) -> list[Message]:
    """The dependencies' results, as a conversation before the subtask's goal."""
    if not spec.depends_on:
        return []
    subtasks = plan.subtasks
    parts = [
        f"## {dep} ({outcomes[dep].agent}): {subtasks[dep].goal}\n{outcomes[dep].output.strip()}"
        for dep in spec.depends_on
    ]
    intro = "Results of the subtasks this task builds on:\n\n" + "\n\n".join(parts)
    return [Message.user(intro), Message.assistant("Noted. What should I do with these results?")]


@dataclass
class Scheduler:
    """Runs one plan for one parent run."""

    ctx: RunContext
    plan: OrchestrationPlan
    execute: Execute  # LLMOS.execute
    hooks: Any  # the runtime's HookChain
    caps: dict[str, float | None]  # subtask id -> its budget cap in USD (None: no cap)
    agents: dict[str, str]  # subtask id -> the agent that runs it
    limit: int = 4
    retries: int = 1
    spent: Callable[[str], float] | None = None  # run id -> USD charged (the ledger)
    load: Callable[[str], Trace | None] | None = None  # run id -> its stored trace
    models: dict[str, Any] = field(default_factory=dict)  # subtask id -> the model it runs with (None: its agent's)
    outcomes: dict[str, SubtaskOutcome] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for s in self.plan.spec.subtasks:
            self.outcomes[s.id] = SubtaskOutcome(
                s.id, self.agents[s.id], s.goal, cap_usd=self.caps.get(s.id), depends_on=list(s.depends_on)
            )

    def publish(self) -> None:
        """Keep the parent trace's view of the subtasks current (partial results survive a crash)."""
        self.ctx.trace.metadata["subtasks"] = [self.outcomes[i].public() for i in self.plan.order]

    async def run(self) -> dict[str, SubtaskOutcome]:
        semaphore = asyncio.Semaphore(self.limit)
        finished = {sid: asyncio.Event() for sid in self.plan.order}
        specs = self.plan.subtasks

        async def one(spec: SubtaskSpec) -> None:
            try:
                for dep in spec.depends_on:
                    await finished[dep].wait()
                missing = [d for d in spec.depends_on if not self.outcomes[d].success]
                if missing:
                    await self._skip(spec, missing)
                    return
                async with semaphore:
                    await self._run_subtask(spec)
            finally:
                finished[spec.id].set()

        self.publish()
        try:
            async with asyncio.TaskGroup() as tg:
                for sid in self.plan.order:
                    tg.create_task(one(specs[sid]))
        except asyncio.CancelledError:
            for o in self.outcomes.values():
                if o.status in ("pending", "running"):
                    o.status, o.error = "cancelled", "the orchestration was cancelled"
            self.publish()
            raise
        self.publish()
        return self.outcomes

    async def _skip(self, spec: SubtaskSpec, missing: list[str]) -> None:
        o = self.outcomes[spec.id]
        o.status = "skipped"
        o.error = f"skipped: it needs {', '.join(missing)}, which did not succeed"
        self.ctx.trace.event("subtask_skipped", subtask=spec.id, missing=missing)
        await self.ctx.emit("subtask_skipped", subtask=spec.id, agent=o.agent, missing=missing)
        self.publish()

    def _remaining_cap(self, o: SubtaskOutcome) -> float | None:
        if o.cap_usd is None:
            return None
        used = sum(self.spent(r) for r in o.run_ids) if self.spent else o.cost_usd
        return max(0.0, o.cap_usd - used)

    async def _run_subtask(self, spec: SubtaskSpec) -> None:
        o = self.outcomes[spec.id]
        history = context_messages(self.plan, spec, self.outcomes)
        for attempt in range(1, self.retries + 2):
            cap = self._remaining_cap(o)
            if cap is not None and cap <= 0:
                o.error = (o.error + "; " if o.error else "") + "its budget share is used up"
                break
            o.status, o.attempts = "running", attempt
            self.publish()
            await self._attempt(spec, o, attempt, cap, history)
            if o.success:
                break
            if attempt <= self.retries:
                self.ctx.trace.event("subtask_retry", subtask=spec.id, attempt=attempt + 1, error=o.error)
        if not o.success:
            o.status = "failed"
        self.publish()

    async def _attempt(
        self, spec: SubtaskSpec, o: SubtaskOutcome, attempt: int, cap: float | None, history: list[Message]
    ) -> None:
        ctx = self.ctx
        await self.hooks.subagent_start(ctx, o.agent, spec.goal)
        await ctx.emit("subtask_start", subtask=spec.id, agent=o.agent, goal=spec.goal, attempt=attempt, cap_usd=cap)
        parent_events = ctx.events

        async def forward(event: dict[str, Any]) -> None:
            if parent_events is not None:
                await parent_events({**event, "subtask": spec.id, "parent_id": ctx.run_id})

        child: Trace | None = None
        try:
            result = await self.execute(
                spec.goal,
                agent=o.agent,
                events=forward if parent_events is not None else None,
                ask=ctx.ask,
                history=history,
                parent_id=ctx.run_id,
                budget_usd=cap,
                model=self.models.get(spec.id),
            )
        except LLMOSError as e:  # the subtask could not even start (an agent file broke meanwhile...)
            o.status, o.error = "failed", f"{type(e).__name__}: {e}"
            child = Trace(goal=spec.goal, agent=o.agent, status="failed", error=o.error)
        else:
            o.run_id = result.run_id
            o.run_ids.append(result.run_id)
            o.mode = result.mode
            o.cost_usd += result.cost_usd
            o.llm_calls += result.llm_calls
            o.input_tokens += result.input_tokens
            o.output_tokens += result.output_tokens
            o.output = result.output
            o.status = "success" if result.success else "failed"
            o.error = None if result.success else (result.error or result.status)
            child = self.load(result.run_id) if self.load else None
            if child is None:
                child = Trace(goal=spec.goal, id=result.run_id, agent=o.agent, mode=result.mode)
                child.finish("success" if result.success else "failed", result.output, result.error)
        await self.hooks.subagent_stop(ctx, o.agent, child)
        ctx.trace.event(
            "subtask", subtask=spec.id, attempt=attempt, run_id=o.run_id, success=o.success, mode=o.mode, error=o.error
        )
        await ctx.emit(
            "subtask_end",
            subtask=spec.id,
            agent=o.agent,
            run_id=o.run_id,
            mode=o.mode,
            success=o.success,
            cost_usd=o.cost_usd,
            error=o.error,
        )
