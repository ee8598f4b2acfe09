"""`LLMOS`: the runtime facade. One workspace, one configuration, every layer wired together.

    async with LLMOS(workspace="./workspace") as os:
        result = await os.execute("Convert 100 USD to EUR and save it as 'trip'")
        print(result.to_dict())

Data flows one way: goal → mode selection (learning, sentience) → execution (kernel loop,
replay, crystallized call) → trace → learning.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os as _os
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llmos import _assembly as assembly
from llmos import _runevents
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
from llmos.kernel.hooks import Hook
from llmos.kernel.loop import LoopOptions, LoopOutcome, run_loop
from llmos.models.base import Message, Model
from llmos.result import MODES, RunResult
from llmos.storage.base import StoreDB
from llmos.storage.factory import open_database
from llmos.storage.traces import TraceStore
from llmos.tools.base import Tool
from llmos.tools.registry import ToolRegistry
from llmos.trace import Trace

if TYPE_CHECKING:
    from llmos.memory import Memory

SELF_MODIFYING_TOOLS = frozenset({"create_agent", "modify_agent", "create_tool"})


def default_workspace() -> Path:
    """$LLMOS_HOME, else ./workspace."""
    return Path(_os.environ.get("LLMOS_HOME") or "workspace")


class LLMOS:
    """The LLM OS runtime for one workspace. Use as an async context manager (or start/close)."""

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
        if self._started:
            return
        from llmos.agents import AgentRegistry, agent_tools
        from llmos.learning.engine import LearningEngine
        from llmos.learning.risk import registry_risk
        from llmos.models.pricing import Pricing
        from llmos.sentience import Sentience
        from llmos.storage.versions import VersionStore

        cfg = self.config
        self.db = open_database(self.workspace, cfg)
        try:  # whatever fails while starting (a bad hook path, a missing key...) closes what was opened
            self.traces = TraceStore(self.db)
            self.ledger = Ledger(self.db, cfg.budget)
            self.ledger.settle_abandoned()  # reservations of a killed process: settled now, not in an hour
            from llmos.ops.interrupted import relabel_interrupted

            if self.resumable is None and cfg.durable.enabled is not False:
                from llmos.execution.durable import resumable

                self.resumable = resumable(self, default=self.durable_default)
            self.interrupted = relabel_interrupted(self.traces, resumable=self.resumable)
            self.pricing = Pricing(cfg.pricing)
            self.model: Model = self._resolve(self._model_arg)
            self.agents = AgentRegistry(self.workspace)
            self.versions = VersionStore(self.db, self.workspace, git=cfg.evolution.git)
            self.learning = LearningEngine(self.db, cfg.learning)
            self.sentience = Sentience(self.db, cfg.sentience, traces=self.traces)
            self.registry = ToolRegistry()
            from llmos.memory.wiring import start_memory

            self.memory = start_memory(self)
            self.learning.risk_of = registry_risk(self.registry)  # rule 4: evidence scaled to what tools do
            assembly.register_tools(self, agent_tools(self.agents, self.versions))
            assembly.sync_agent_tools(self)
            self.hooks = assembly.build_hooks(self)
            self.evolution = assembly.start_evolution(self)
            self._started = True
            from llmos.telemetry import from_environment

            self.telemetry = self.telemetry or from_environment(self)
            await self._start_mcp()
            assembly.prepare_tool_search(self)  # a slow (e5) index starts building now, in the background
        except BaseException:
            await self.close()
            raise
        self._known_tools = set(self.registry.names())
        if self.config.durable.enabled is not False:  # last: DBOS resumes unfinished runs at once
            from llmos.execution.durable import start_durable

            try:
                self.durable = start_durable(self, default=self.durable_default)
            except BaseException:
                await self.close()
                raise

    def _resolve(self, model: Model | str | None) -> Model:
        """A Model object, from the configuration or a spec string (cached: one client per spec)."""
        from llmos.models import parse_model_spec, resolve_model

        if model is not None and not isinstance(model, str):
            return model
        key = model or ""
        if key not in self._models:
            cfg = self.config.model
            if model:
                provider, name = parse_model_spec(model)
                cfg = cfg.model_copy(update={"provider": provider, "name": name})
            self._models[key] = resolve_model(cfg)
        return self._models[key]

    async def _start_mcp(self) -> None:
        servers = {n: s for n, s in self.config.mcp.servers.items() if s.enabled}
        if not servers or not self._start_mcp_servers:
            return
        from llmos.tools.mcp import MCPManager, ToolListCache

        # lazy: a server whose tool list is cached starts on first use; a broken one is skipped.
        # The cache is the one `llmos tools search` reads and writes too.
        self._mcp = MCPManager(servers, cwd=self.workspace)
        for t in await self._mcp.start_lazy(ToolListCache.of_workspace(self.workspace)):
            self.registry.register(t, replace=True)
        for warning in self._mcp.warnings:
            logger.info("%s", warning)
        self.watchdog.watch_mcp(self._mcp)

    async def close(self) -> None:
        if self.durable is not None:
            durable, self.durable = self.durable, None
            await durable.close()
        if self.telemetry is not None:
            telemetry, self.telemetry = self.telemetry, None
            telemetry.close()
        await self.watchdog.close()
        if self._mcp is not None:
            mcp, self._mcp = self._mcp, None
            await mcp.close()
        models, self._models = list(self._models.values()), {}
        for m in models:
            aclose = getattr(m, "aclose", None)
            if callable(aclose):
                try:
                    await aclose()
                except Exception:  # closing a client must not hide the real outcome
                    logger.debug("closing model client failed", exc_info=True)
        if self.db is not None:
            self.db.close()
            self.db = None
        self._started = False

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

            why = unfinished(trace, outcome.output)
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
        """A replay saves what the learner runs it replays cost, on average."""
        plan = decision.plan
        ids = list(getattr(plan, "support_run_ids", []) or [])[-5:]
        usage = self.traces.usage(ids)  # one query on the indexed columns, not five parsed traces
        costs, tokens = [], []
        for run_id in ids:
            calls, cost, used = usage.get(run_id, (0, 0.0, 0))
            if calls:
                costs.append(cost)
                tokens.append(used)
        if costs:
            trace.metadata["saved_usd"] = round(sum(costs) / len(costs), 8)
            trace.metadata["saved_tokens"] = int(sum(tokens) / len(tokens))

    def _system_prompt(self, agent_def: Any) -> str:
        parts = [agent_def.system_prompt.strip()]
        parts.append(f"Workspace: {self.workspace}")
        return "\n\n".join(p for p in parts if p)

    async def _finish(self, ctx: RunContext) -> None:
        trace = ctx.trace
        if trace.ended_at is None:
            trace.finish("failed", error=trace.error or "the run ended without an outcome")
        if self.memory is not None:
            from llmos.memory.wiring import finish_memory

            finish_memory(self, ctx)
        try:
            await self.hooks.stop(ctx, trace)
        except Exception as e:  # a user hook must not lose the trace
            trace.event("hook_error", error=f"{type(e).__name__}: {e}")
        self.traces.save(trace)
        await _runevents.run_finished(self, trace)
        report, triggers, change = None, [], None
        try:
            report = self.learning.observe(trace)
            new_tools = sorted(set(self.registry.names()) - self._known_tools)
            self._known_tools.update(new_tools)
            if self.sentience:
                triggers = self.sentience.on_run_end(
                    trace, repetition_count=report.repetition_count, novel=report.novel, new_tools=new_tools
                )
                for call in trace.top_level_calls:
                    if call.name in SELF_MODIFYING_TOOLS and not call.denied:
                        self.sentience.on_self_modification(call.name, not call.is_error, run_id=trace.id)
            change = self._maybe_crystallize(report.plan_id or trace.plan_id)
            if self.sentience and self.config.sentience.auto_improve:
                actions = await self.sentience.improve()
                for action in actions:
                    trace.event("self_improvement", **action)
                if actions:
                    self.traces.save(trace)
        except Exception:  # learning is derived data: never fail a run over it
            logger.exception("learning from run %s failed", trace.id)
        await _runevents.learned(self, trace, report, triggers, change)

    def _maybe_crystallize(self, plan_id: str | None) -> Any:
        plan = self.learning.index.plans.get(plan_id) if plan_id else None
        if plan is None or not self.config.evolution.crystallize:
            return None
        policy = self.sentience.policy() if self.sentience else None
        delta = max(0, int(getattr(policy, "min_support_delta", 0) or 0))
        change = self.evolution.maybe_crystallize(plan, min_uses_delta=delta)
        if change is not None and self.sentience:
            self.sentience.on_self_modification("crystallize", True)
        return change

    # ------------------------------------------------------------------ queries
    def health(self) -> dict[str, Any]:
        """Readiness details for GET /healthz: started, tools, MCP servers."""
        out: dict[str, Any] = {"started": self._started, "tools": len(self.registry) if self._started else 0}
        if self._mcp is not None:
            out["mcp_servers"] = self._mcp.status()
        if self.durable is not None:
            out["durable"] = self.durable.status()
        return out

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
