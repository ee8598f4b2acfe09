"""The DBOS workflow of a run. Imported only when durable runs are on (it imports `dbos`).

A workflow recovered by DBOS (at start-up, after a crash) or taken from a queue runs on DBOS's
own event loop thread; the runtime's stores and clients belong to the runtime's loop, so the
workflow hands the run over to that loop. The DBOS context (which workflow, which step is next)
travels with the handed-over task, so steps are recorded exactly as if it ran in place.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from dbos import DBOS, Queue, SetEnqueueOptions, SetWorkflowID, WorkflowHandleAsync

from llmos.exceptions import UserError
from llmos.execution.durable import _host
from llmos.execution.durable._state import ADOPT, IN_RUN, LIVE, Live

WORKFLOW_NAME = "llmos.run"


async def _execute(live: Live, run_id: str, args: dict[str, Any]) -> dict[str, Any]:
    live.task = asyncio.current_task()
    IN_RUN.set(True)
    ADOPT.set(run_id)
    try:
        result = await live.runtime.execute(
            args["goal"],
            mode=args.get("mode") or "auto",
            agent=args.get("agent"),
            model=live.model or args.get("model"),
            events=live.events,
            ask=live.ask,
            history=live.history,
            session_id=args.get("session_id"),
            parent_id=args.get("parent_id"),
            budget_usd=args.get("budget_usd"),
            metadata=args.get("metadata") or None,
        )
    except Exception as e:  # the caller raises it; the workflow itself ends (a bad goal is not retried)
        live.error = e
        return {"run_id": run_id, "error": f"{type(e).__name__}: {e}"}
    live.result = result
    return {"run_id": result.run_id, "status": result.status, "success": result.success}


@DBOS.workflow(name=WORKFLOW_NAME)
async def llmos_run(args: dict[str, Any]) -> dict[str, Any]:
    run_id = str(DBOS.workflow_id)
    live = LIVE.get(run_id)
    if live is None:  # recovered: nobody waits for it in this process
        host = _host.hosting()
        if host is None:
            raise UserError(f"durable run {run_id}: no LLM OS runtime in this process can resume it")
        live = Live(runtime=host.runtime, loop=host.loop)
    work = _execute(live, run_id, args)
    if live.loop is asyncio.get_running_loop():
        return await work
    return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(work, live.loop))


async def start(
    run_id: str, args: dict[str, Any], queue: Queue | None, partition: str | None
) -> WorkflowHandleAsync[Any]:
    """Start the run's workflow under id `run_id`: at once, or through `queue` (keyed by `partition`)."""
    with SetWorkflowID(run_id):
        if queue is None:
            return await DBOS.start_workflow_async(llmos_run, args)
        options = SetEnqueueOptions(queue_partition_key=partition) if partition else contextlib.nullcontext()
        with options:
            return await queue.enqueue_async(llmos_run, args)


async def cancel(run_id: str) -> None:
    """Mark the run's workflow cancelled, so that it is never resumed."""
    await DBOS.cancel_workflow_async(run_id)


async def wait(run_id: str) -> Any:
    """Wait for a run's workflow (started here or elsewhere) and return its summary."""
    handle: WorkflowHandleAsync[Any] = await DBOS.retrieve_workflow_async(run_id)
    return await handle.get_result()
