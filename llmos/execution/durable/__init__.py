"""Durable runs on DBOS (extra `durable`): a run is a workflow, each model call and tool call a step.

    [durable]
    enabled = "auto"      # on for `llmos serve` when dbos is installed; true / false anywhere
    database_url = ""     # DBOS's system database: `[storage] url` if PostgreSQL, else .llmos/dbos.sqlite
    max_runs = 8          # runs of the workspace in flight at once, across every server on the database
    per_model = 2         # runs in flight at once per model (a provider's rate limit)

`LLMOS.execute` starts the run as the workflow `llmos.run` whose id is the run id; the kernel
sees only `RunContext.steps` (`llmos.kernel.steps`), through which the model-call seam
(`kernel.loop.model_turn`: reservation, call, settlement) and the tool-call seam
(`kernel.toolcall.execute_tool_call`: hooks, tool, inner calls) become steps. A process killed
mid-run is resumed when the workspace is next opened with the same `executor_id` (on PostgreSQL
by any server started under it): the workflow runs the goal again with the same run id, and every
step already recorded returns its recorded result, so no model call is paid twice, no tool write
is repeated and the ledger is not charged twice. A step in flight when the process died runs again
(its reservation was settled as abandoned at start-up, an upper bound). With limits configured,
runs are admitted through the DBOS queue `llmos-runs` (global concurrency `max_runs`, partitioned
by model with `per_model`), which holds across servers on one PostgreSQL.

What makes a run's steps come in the same order on recovery: the run id is the workflow id (no
new uuid), a turn's tool calls run one after another instead of concurrently, and the model's
answers (which decide everything after them) are recorded. Not covered: a goal whose mode
selection changes between the crash and the recovery (learning saw other runs meanwhile) may take
another path; the subtasks of an orchestrated run run inline in the parent's workflow without
steps of their own, so they run again on recovery.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import socket
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from llmos.exceptions import MissingDependency, StoreError, UserError
from llmos.execution.durable._state import ADOPT, IN_RUN, LIVE, Live

if TYPE_CHECKING:
    from collections.abc import Callable

    from llmos.kernel.context import RunContext
    from llmos.result import RunResult
    from llmos.runtime import LLMOS
    from llmos.trace import Trace

__all__ = ["DurableRuns", "available", "start_durable", "submit", "system_database_url"]


def available() -> bool:
    """Whether the `durable` extra (dbos) is installed."""
    return importlib.util.find_spec("dbos") is not None


def system_database_url(runtime: LLMOS) -> str:
    """`[durable] database_url`, else `[storage] url` when it is PostgreSQL, else a SQLite file
    next to the workspace database (nothing to install or start on one machine)."""
    cfg = runtime.config.durable
    if cfg.database_url:
        return cfg.database_url
    from llmos.storage.factory import storage_url

    url = storage_url(runtime.config)  # `[storage] url`, or LLMOS_STORAGE_URL
    if url.startswith(("postgresql:", "postgres:", "postgresql+")):
        return url
    from llmos.storage.db import DB_DIR

    folder = runtime.workspace / DB_DIR
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'dbos.sqlite'}"


async def submit(
    runtime: LLMOS, goal: str, *, mode: str = "auto", agent: str | None = None, run_id: str | None = None
) -> str:
    """Start `goal` as a durable run of `runtime` without waiting (through the queue when limits are
    set); returns the run id. A `run_id` that exists already starts nothing, so a scheduler on several
    servers can fire the same goal under one id and it runs once."""
    if runtime.durable is None:
        raise UserError("durable runs are off for this workspace: set [durable] enabled = true (extra `durable`)")
    run: str = await runtime.durable.submit(goal, mode=mode, agent=agent, run_id=run_id)
    return run


def _enabled(runtime: LLMOS, default: bool) -> bool:
    """Whether this runtime's runs are durable: `[durable] enabled`, where "auto" means `default`
    (`llmos serve`) with dbos installed."""
    enabled = runtime.config.durable.enabled
    return bool(default and available()) if enabled == "auto" else bool(enabled)


def _executor_id(runtime: LLMOS) -> str:
    """The executor id asked for: `[durable] executor_id`, or HOST:WORKSPACE."""
    return runtime.config.durable.executor_id or f"{socket.gethostname()}:{runtime.workspace}"


def start_durable(runtime: LLMOS, *, default: bool = False) -> DurableRuns | None:
    """The runtime's durable runs, launched; None when `[durable] enabled` (or "auto" and not
    `default`, or "auto" without dbos) says runs are not durable."""
    if not _enabled(runtime, default):
        return None
    if not available():
        raise MissingDependency("dbos", "durable")
    durable = DurableRuns(runtime)
    durable.start()
    return durable


def resumable(runtime: LLMOS, *, default: bool = False) -> Callable[[Trace], bool] | None:
    """For the start-up relabelling of dead processes' runs (llmos.ops.interrupted): when this runtime's
    runs are durable, a run started as a workflow of this executor is resumed by DBOS, not interrupted."""
    if not _enabled(runtime, default):
        return None
    executor_id = _executor_id(runtime)

    def will_resume(trace: Trace) -> bool:
        durable = trace.metadata.get("durable")
        return isinstance(durable, dict) and durable.get("executor_id") == executor_id

    return will_resume


class DurableRuns:
    """One runtime's side of durable runs: starts each run as a workflow, adopts it inside."""

    def __init__(self, runtime: LLMOS) -> None:
        self.runtime = runtime
        self.config = runtime.config.durable
        self.url = system_database_url(runtime)
        from llmos.execution.durable import _executor
        from llmos.storage.db import DB_DIR

        # one live process per executor id: a second server on this folder must not resume the first's runs
        self.executor_id, self._lock = _executor.claim(runtime.workspace / DB_DIR, _executor_id(runtime))
        self.loop = asyncio.get_running_loop()
        self._started = False
        self._launch: Future[None] | None = None

    def start(self) -> None:
        """Register with the process's DBOS, launching it in the background if it is not running."""
        from llmos.execution.durable import _host

        self._launch = _host.acquire(self)
        self._started = True

    async def ready(self) -> None:
        """Wait until DBOS runs (unfinished runs of this executor are being resumed from then on)."""
        if self._launch is None:
            raise StoreError("durable runs are not started")
        try:
            await asyncio.wrap_future(self._launch)
        except Exception as e:
            from llmos.execution.durable._host import redact

            raise StoreError(f"durable runs: DBOS could not start on {redact(self.url)}: {e}") from e

    def status(self) -> dict[str, Any]:
        """For GET /healthz: where DBOS keeps the runs, and whether it runs."""
        from llmos.execution.durable._host import redact

        out: dict[str, Any] = {"database": redact(self.url), "executor_id": self.executor_id}
        launch = self._launch
        out["ready"] = bool(launch is not None and launch.done() and launch.exception() is None)
        if launch is not None and launch.done() and launch.exception() is not None:
            out["error"] = str(launch.exception())
        return out

    async def close(self) -> None:
        if self._started:
            from llmos.execution.durable import _host

            self._started = False
            if self._launch is not None:
                with contextlib.suppress(Exception):  # a failed launch has nothing to stop
                    await asyncio.shield(asyncio.wrap_future(self._launch))
            _host.release(self)
        from llmos.execution.durable import _executor

        _executor.release(self._lock)
        self._lock = None

    def wraps(self) -> bool:
        """Whether `execute` starts a workflow: not from inside a durable run (that runs inline)."""
        return self._started and not IN_RUN.get()

    def adopt(self, ctx: RunContext) -> None:
        """Inside the workflow: the run takes the workflow's id and records its calls as steps."""
        run_id = ADOPT.get()
        if run_id is None:
            return
        ADOPT.set(None)
        from llmos.execution.durable._steps import DBOSSteps

        ctx.trace.id = run_id
        ctx.trace.metadata["durable"] = {"executor_id": self.executor_id}  # recovery resumes it: not `interrupted`
        ctx.steps = DBOSSteps()

    async def execute(
        self,
        goal: str,
        *,
        mode: str,
        agent: str | None,
        model: Any,
        events: Any,
        ask: Any,
        history: Any,
        session_id: str | None,
        parent_id: str | None,
        budget_usd: float | None,
        metadata: dict[str, Any] | None = None,
    ) -> RunResult:
        """Run `goal` as a durable workflow (through the queue when limits are set) and wait for it."""
        from llmos.trace import new_run_id

        await self.ready()
        run_id = new_run_id()
        args = _arguments(goal, mode, agent, model, session_id, parent_id, budget_usd, metadata)
        live = Live(self.runtime, self.loop, events, ask, history, None if isinstance(model, str) else model)
        LIVE[run_id] = live
        try:
            handle = await self._start(run_id, args, agent, model)
            try:
                await handle.get_result(polling_interval_sec=self.config.poll_s)
            except asyncio.CancelledError:
                await self._cancel(run_id, live)
                raise
            if live.error is not None:
                raise live.error
            if live.result is not None:
                return live.result
            # another server took it from the queue: its trace is in the shared store
            from llmos.result import RunResult

            return RunResult.from_trace(self.runtime.traces.require(run_id))
        finally:
            LIVE.pop(run_id, None)

    async def submit(
        self, goal: str, *, mode: str = "auto", agent: str | None = None, run_id: str | None = None
    ) -> str:
        """Start `goal` as a durable run without waiting for it; returns its run id. This process or,
        on PostgreSQL, any server takes it from the queue. Submitting a `run_id` that exists already
        starts nothing (a scheduler firing on several servers runs the goal once)."""
        from llmos.trace import new_run_id

        await self.ready()
        run_id = run_id or new_run_id()
        await self._start(run_id, _arguments(goal, mode, agent, None, None, None, None), agent, None)
        return run_id

    async def _start(self, run_id: str, args: dict[str, Any], agent: str | None, model: Any) -> Any:
        from llmos.execution.durable import _host, _workflow

        queue = await _host.queue_for(self)
        partition = self._model_key(agent, model) if queue is not None and self.config.per_model else None
        return await _workflow.start(run_id, args, queue, partition)

    async def _cancel(self, run_id: str, live: Live) -> None:
        """The caller stopped waiting: the run is cancelled (its trace says so) and never resumed."""
        from llmos.execution.durable import _workflow

        await asyncio.shield(_workflow.cancel(run_id))
        task = live.task
        if task is not None and not task.done():  # it runs on the runtime's loop, this one
            task.cancel()
            await asyncio.wait({task}, timeout=30)

    def _model_key(self, agent: str | None, model: Any) -> str:
        """The model a run will use, known before it starts: the queue's partition for `per_model`."""
        rt = self.runtime
        if model is None:
            model = rt.agents.get(agent or rt.config.agent.default).model
        if isinstance(model, str) and model:
            return model
        if model is not None:
            return f"{model.provider}:{model.name}"
        return f"{rt.model.provider}:{rt.model.name}"


def _arguments(
    goal: str,
    mode: str,
    agent: str | None,
    model: Any,
    session_id: str | None,
    parent_id: str | None,
    budget_usd: float | None,
    metadata: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The workflow's stored input: what a recovered run needs to run the goal again (no objects;
    `metadata` is JSON data, e.g. a scheduled run's schedule and slot)."""
    return {
        "goal": goal,
        "mode": mode,
        "agent": agent,
        "model": model if isinstance(model, str) else None,
        "session_id": session_id,
        "parent_id": parent_id,
        "budget_usd": budget_usd,
        "metadata": dict(metadata or {}),
    }
