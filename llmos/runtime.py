"""`LLMOS`: the runtime facade. One workspace, one configuration, every layer wired together.

    async with LLMOS(workspace="./workspace") as os:
        result = await os.execute("Convert 100 USD to EUR and save it as 'trip'")
        print(result.to_dict())

Data flows one way: goal → mode selection (learning, sentience) → execution (kernel loop,
replay, crystallized call) → trace → learning. Starting and closing live in `_lifecycle.py`, what
follows a run (saving, learning, crystallization) in `_afterrun.py`, the wiring in `_assembly.py`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os as _os
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llmos import _afterrun, _lifecycle, _runevents
from llmos import _assembly as assembly
from llmos._afterrun import SELF_MODIFYING_TOOLS as SELF_MODIFYING_TOOLS
from llmos._log import logger
from llmos.config import Config, load_config
from llmos.events import EventBus
from llmos.exceptions import (
    BudgetExceeded,
    ConfigError,
    LLMOSError,
    ModeUnavailable,
    RunCancelled,
    UserError,
)
from llmos.kernel._owner import current_owner
from llmos.kernel.context import Asker, EventSink, RunContext
from llmos.kernel.economy import Ledger
from llmos.kernel.hooks import Hook, HookChain
from llmos.kernel.loop import LoopOptions, LoopOutcome, run_loop
from llmos.models.base import Message, Model
from llmos.result import MODES, RunResult
from llmos.storage.base import StoreDB
from llmos.storage.traces import TraceStore
from llmos.tools.base import Tool
from llmos.tools.registry import ToolRegistry
from llmos.trace import Trace

if TYPE_CHECKING:
    from llmos.agents import AgentRegistry
    from llmos.evolution import Evolution
    from llmos.learning.engine import LearningEngine
    from llmos.memory import Memory
    from llmos.models.pricing import Pricing
    from llmos.sentience import Sentience
    from llmos.storage.versions import VersionStore


def default_workspace() -> Path:
    """$LLMOS_HOME, else ./workspace."""
    return Path(_os.environ.get("LLMOS_HOME") or "workspace")


class LLMOS:
    """The LLM OS runtime for one workspace. Use as an async context manager (or start/close)."""

    # built by start() (llmos/_lifecycle.py)
    traces: TraceStore
    ledger: Ledger
    pricing: Pricing
    model: Model
    agents: AgentRegistry
    versions: VersionStore
    learning: LearningEngine
    sentience: Sentience
    registry: ToolRegistry
    hooks: HookChain
    evolution: Evolution
    _known_tools: set[str]

    def __init__(
        self,
        workspace: str | Path | None = None,
        *,
        config: Config | None = None,
        model: Model | str | None = None,
        tools: Iterable[Tool] = (),
        hooks: Iterable[Hook] = (),
        preset: str | None = None,
        overrides: dict[str, Any] | None = None,
        start_mcp: bool = True,
    ) -> None:
        self._start_mcp_servers = start_mcp
        self.workspace = Path(workspace) if workspace is not None else default_workspace()
        if self.workspace.exists() and not self.workspace.is_dir():
            raise ConfigError(f"the workspace {self.workspace} is not a directory")
        self.workspace.mkdir(parents=True, exist_ok=True)
        self.workspace = self.workspace.resolve()
        self.config = config or load_config(self.workspace, overrides=overrides, preset=preset)
        self._model_arg = model
        self._extra_tools = list(tools)
        self._extra_hooks = list(hooks)
        self._started = False
        self._models: dict[str, Model] = {}  # the clients this runtime created (closed by close())
        self._mcp: Any = None
        self.db: StoreDB | None = None
        self.memory: Memory | None = None  # sessions and facts, when [memory] enabled
        self.events = EventBus()  # the public event bus (llmos.events): runs, model/tool calls, learning
        self.telemetry: Any = None  # OpenTelemetry spans (llmos.telemetry), when OTEL_* asks for them
        # durable recovery's say on a dead process's run: True = it will be resumed, do not relabel it
        self.resumable: Callable[[Trace], bool] | None = None
        self.interrupted: list[str] = []  # runs relabelled `interrupted` at start-up (llmos.ops.interrupted)
        from llmos.ops.watchdog import Watchdog

        self.watchdog = Watchdog(self)  # run time limits, MCP servers that stop answering
        self.durable: Any = None  # durable runs on DBOS (llmos.execution.durable), when [durable] enables them
        self.durable_default = False  # `[durable] enabled = "auto"` turns them on (`llmos serve` sets this)
        self.tool_search: Any = None  # the registry's `tool_search` (llmos.tools.search.ToolSearch)

    # ------------------------------------------------------------------ lifecycle
    async def __aenter__(self) -> LLMOS:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def start(self) -> None:
        await _lifecycle.start(self)  # the store, ledger, learning, tools, hooks, MCP servers, durable runs

    def _resolve(self, model: Model | str | None) -> Model:
        """A Model object, from the configuration or a spec string (cached: one client per spec)."""
        return _lifecycle.model_client(self, model)

    async def close(self) -> None:
        await _lifecycle.close(self)

    def _require_started(self) -> None:
        if not self._started:
            raise UserError("LLMOS is not started: use `async with LLMOS(...) as os:` or `await os.start()`")

    # ------------------------------------------------------------------ execution
    async def execute(
        self,
        goal: str,
        *,
        mode: str = "auto",
        agent: str | None = None,
        model: Model | str | None = None,
        events: EventSink | None = None,
        ask: Asker | None = None,
        history: list[Message] | None = None,
        session_id: str | None = None,
        parent_id: str | None = None,
        budget_usd: float | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> RunResult:
        """Run one goal and return its result (the trace is stored whatever happens).

        `session_id` continues a stored conversation (created on first use): its earlier turns
        are the history, and this run is added to it. `parent_id` links the run to an orchestrated
        parent run (it never orchestrates itself); `budget_usd` caps it below the run cap (a
        subtask's budget share). `metadata` goes into the trace's metadata (a scheduled run's
        schedule and slot)."""
        self._require_started()
        if not isinstance(goal, str) or not goal.strip():
            raise UserError("the goal is empty: say what you want done")
        assembly.sync_agent_tools(self)
        mode = (mode or "auto").lower()
        if mode not in MODES:
            raise UserError(f"unknown mode {mode!r}: choose one of {', '.join(MODES)}")
        if self.durable is not None and self.durable.wraps():  # the run as a DBOS workflow (it comes back here)
            durable_result: RunResult = await self.durable.execute(
                goal,
                mode=mode,
                agent=agent,
                model=model,
                events=events,
                ask=ask,
                history=history,
                session_id=session_id,
                parent_id=parent_id,
                budget_usd=budget_usd,
                metadata=metadata,
            )
            return durable_result
        agent_def = self.agents.get(agent or self.config.agent.default)
        run_model = self._resolve(model or agent_def.model) if (model or agent_def.model) else self.model
        trace = Trace(goal=goal, agent=agent_def.name, requested_mode=mode, parent_id=parent_id)
        trace.metadata.update(metadata or {})
        trace.metadata["owner"] = current_owner()  # a run left `running` by a dead owner becomes `interrupted`
        ctx = RunContext(trace, self.workspace, self.registry, self.hooks, self.config, ask=ask, events=events)
        ctx.bus = self.events
        ctx.scratch["live_plan"] = self.live_plan  # a crystallized tool the model calls checks its plan as it is now
        if self.durable is not None:
            self.durable.adopt(ctx)  # inside its workflow: the workflow's id, model and tool calls as steps
        cap = self._run_cap(agent_def.budget_usd)
        if budget_usd is not None:
            cap = budget_usd if cap is None else min(cap, budget_usd)
        ctx.scratch["run_cap_usd"] = cap
        if session_id is not None:
            from llmos.memory.wiring import session_history

            history = session_history(self, ctx, session_id, history)
        for warning in getattr(self._mcp, "warnings", None) or ():
            trace.event("warning", message=warning, source="mcp")
        await _runevents.run_started(self, trace)
        try:
            async with self.watchdog.guard(ctx):  # the run time limit; the run is known to be in flight
                await self._run(ctx, goal, mode, agent_def, run_model, history)
        except ModeUnavailable:
            raise
        except BudgetExceeded as e:
            trace.finish("budget_exceeded", error=str(e))
        except (asyncio.CancelledError, RunCancelled) as e:
            trace.finish("cancelled", error=f"run cancelled: {e}" if str(e) else "run cancelled")
            await self._finish(ctx)
            raise
        except LLMOSError as e:
            trace.finish("failed", error=f"{type(e).__name__}: {e}")
        except Exception as e:  # a bug somewhere below: the run fails, its trace is kept
            logger.exception("run %s failed with an unexpected error", trace.id)
            trace.finish("failed", error=f"internal error: {type(e).__name__}: {e}")
        await self._finish(ctx)
        result = RunResult.from_trace(trace)
        result.add_subtask_totals(trace)
        result.messages = list(ctx.scratch.get("messages") or [])
        return result

    def live_plan(self, plan_id: str) -> Any:
        """The plan as it is now, or None: a crystallized tool checks it before its calls (evolution/_direct.py)."""
        try:
            return self.learning.plan(plan_id)
        except UserError:
            return None

    def _run_cap(self, agent_budget: float | None) -> float | None:
        cap = self.config.budget.per_run_usd
        if agent_budget is not None:
            cap = agent_budget if cap is None else min(cap, agent_budget)
        multiplier = self.sentience.policy().exploration_budget_multiplier if self.sentience else 1.0
        return None if cap is None else cap * multiplier

    async def _run(
        self,
        ctx: RunContext,
        goal: str,
        mode: str,
        agent_def: Any,
        model: Model,
        history: list[Message] | None,
    ) -> None:
        trace = ctx.trace
        goal = await self.hooks.user_prompt_submit(ctx, goal)
        trace.goal = goal
        decision = self._select(goal, mode, agent_def.name, nested=trace.parent_id is not None)
        trace.mode = decision.mode
        trace.mode_reason = decision.reason
        trace.plan_id = decision.plan_id
        await ctx.emit("mode", mode=decision.mode, confidence=decision.confidence, plan_id=decision.plan_id)
        opts = LoopOptions(
            model=model,
            pricing=self.pricing,
            system=self._system_prompt(agent_def),
            system_volatile=self.sentience.prompt_block() if self.sentience else "",
            tools=agent_def.tools,
            tool_search=False,
            max_turns=agent_def.max_turns or self.config.agent.max_turns,
            max_tokens=self.config.model.max_tokens,
            temperature=self.config.model.temperature,
            stream=self.config.model.stream,
        )
        from llmos.execution.layer import configure_loop

        plain_opts = dataclasses.replace(opts)  # a MIXED attempt that goes nowhere is retried with these
        configure_loop(self, opts, decision.mode)  # [execution]: tool deferral, code mode, search, examples
        messages = list(history or [])
        if decision.mode == "orchestrator":
            from llmos.execution.orchestration.run import orchestrate

            outcome = await orchestrate(self, ctx, goal, agent_def, opts)
        elif decision.mode in ("follower", "crystallized"):
            outcome = await self._follow(ctx, decision, opts, messages, goal)
        elif decision.mode == "mixed":
            planned = decision.tool_names  # with the agent's other tools too if they may be needed
            opts.tools = planned if decision.narrow_tools or planned is None else [*planned, *(opts.tools or ["*"])]
            opts.tool_search = True
            guided = [*messages, Message.user(f"{decision.example}\n\n{goal}" if decision.example else goal)]
            outcome = await run_loop(ctx, opts, guided)
            from llmos.execution.fallback import mixed_retry

            if mixed_retry(ctx, outcome, decision.plan_id):  # failed and wrote nothing: the model, all tools
                configure_loop(self, plain_opts, "learner")
                messages.append(Message.user(goal))
                outcome = await run_loop(ctx, plain_opts, messages)
        else:
            messages.append(Message.user(goal))
            outcome = await run_loop(ctx, opts, messages)
        status, error = outcome.status, outcome.error
        if status == "success":  # honest success: the work finished, nothing unresolved, no give-up
            from llmos.kernel.outcome import unfinished
            from llmos.learning.risk import registry_risk

            why = unfinished(trace, outcome.output, registry_risk(ctx.registry))
            if why:
                status, error = "failed", why
        trace.finish(status, outcome.output, error)
        trace.mode_reason = {**trace.mode_reason, "mode_selected": decision.mode, "mode_used": trace.mode}
        ctx.scratch["messages"] = outcome.messages

    def _select(self, goal: str, mode: str, agent: str, *, nested: bool = False) -> Any:
        from llmos.execution.modes import choose_mode

        return choose_mode(self, goal, mode, agent, nested=nested)

    async def _follow(
        self, ctx: RunContext, decision: Any, opts: LoopOptions, messages: list[Message], goal: str
    ) -> LoopOutcome:
        from llmos.execution.continuation import continuation
        from llmos.execution.replay import replay

        from_mode = decision.mode  # chosen by execution/modes.py: a crystallized tool runs if the plan has one
        if from_mode == "crystallized":
            result = await self.evolution.run_crystallized(ctx, decision)
            self.evolution.record_outcome(decision.plan_id, result.success, result.diverged or "")
        else:
            result = await replay(ctx, decision, retries=self.config.learning.transient_retries)
        if result.success:
            self._credit_savings(ctx.trace, decision)
            return LoopOutcome("success", result.output, None, messages)
        # the replay stopped: the model continues from where it stopped, seeing what was done
        from llmos.execution.fallback import record_fallback

        record_fallback(ctx, from_mode, result, decision.plan_id)
        messages.extend(continuation(goal, result.records))
        return await run_loop(ctx, opts, messages)

    def _credit_savings(self, trace: Trace, decision: Any) -> None:
        _afterrun.credit_savings(self, trace, decision)

    def _system_prompt(self, agent_def: Any) -> str:
        parts = [agent_def.system_prompt.strip()]
        parts.append(f"Workspace: {self.workspace}")
        return "\n\n".join(p for p in parts if p)

    async def _finish(self, ctx: RunContext) -> None:
        await _afterrun.finish(self, ctx)  # the trace saved, hooks, learning, sentience, crystallization

    # ------------------------------------------------------------------ queries
    def health(self) -> dict[str, Any]:
        """Readiness details for GET /healthz: started, tools, MCP servers."""
        return _lifecycle.health(self)

    def stats(self) -> dict[str, Any]:
        self._require_started()
        out = self.traces.stats()
        out["budget"] = self.ledger.balance().to_dict()
        out["spending_by_model"] = self.ledger.spending("model")
        out["plans"] = len(self.learning.plans())
        out["generated_at"] = time.time()
        return out

    async def feedback(self, run_id: str, good: bool) -> None:
        """Rate a run. `bad` rejects it: never support, and a replayed plan and its tool are demoted."""
        self._require_started()
        trace = self.traces.require(run_id)
        trace.event("feedback", good=good)
        self.traces.save(trace)
        if not good:
            from llmos._feedback import reject_run

            reject_run(self, trace.id, "the user rated the run bad")
        if self.sentience:
            self.sentience.feedback(trace.id, good)

    def reject(self, run_id: str) -> Trace:
        """Mark a run wrong: it never supports a plan, and a replayed plan and its tool are demoted."""
        from llmos._feedback import reject_run

        self._require_started()
        return reject_run(self, run_id, "the user rejected the run")

    def demote(self, plan_id: str, reason: str = "demoted by the user", *, who: str = "user") -> list[str]:
        """Demote a plan and its crystallized tool: the model solves its goals until new evidence."""
        from llmos._feedback import demote_plan

        self._require_started()
        return demote_plan(self, plan_id, reason, who=who)
