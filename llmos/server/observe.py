"""The HTTP API's read routes (stats, traces, agents, sentience state) and run feedback, and the
helpers the routes and the dashboard share: the runtime of a request, `call` (a sync runtime method
in a worker thread), the summaries of traces and agents.

`app.py` includes this router after its own routes and re-exports the helpers.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Depends, Query, Request

from llmos.server import schemas
from llmos.server.errors import JSON, error

if TYPE_CHECKING:
    from llmos.runtime import LLMOS


# ---------------------------------------------------------------- helpers


def _runtime(request: Request) -> LLMOS:
    runtime: LLMOS = request.app.state.llmos
    return runtime


if TYPE_CHECKING:
    Runtime = LLMOS
else:
    Runtime = Annotated[Any, Depends(_runtime)]


async def call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call a runtime method that may be sync (run in a worker thread: it may touch SQLite) or async."""
    if inspect.iscoroutinefunction(fn):
        return await fn(*args, **kwargs)
    value = await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs))
    if inspect.isawaitable(value):
        value = await value
    return value


def _to_dict(obj: Any) -> Any:
    to_dict = getattr(obj, "to_dict", None)
    return to_dict() if callable(to_dict) else obj


def trace_summary(trace: Any) -> dict[str, Any]:
    return {
        "id": trace.id,
        "goal": trace.goal,
        "agent": trace.agent,
        "mode": trace.mode,
        "requested_mode": trace.requested_mode,
        "status": trace.status,
        "success": trace.success,
        "rejected": trace.rejected,
        "llm_calls": trace.llm_calls,
        "tool_calls": len(trace.tool_calls),
        "input_tokens": trace.input_tokens,
        "output_tokens": trace.output_tokens,
        "cost_usd": trace.cost_usd,
        "duration_s": round(trace.duration_s, 4),
        "started_at": trace.started_at,
        "ended_at": trace.ended_at,
        "plan_id": trace.plan_id,
        "error": trace.error,
    }


def agent_dict(agent: Any) -> dict[str, Any]:
    """An agent as the API shows it (its system prompt is left out: `llmos agents show` has it)."""
    tools = getattr(agent, "tools", None)
    path = getattr(agent, "path", None)
    return {
        "name": agent.name,
        "description": getattr(agent, "description", ""),
        "tools": list(tools) if tools is not None else None,
        "model": getattr(agent, "model", None),
        "max_turns": getattr(agent, "max_turns", None),
        "budget_usd": getattr(agent, "budget_usd", None),
        "source": str(getattr(agent, "source", "")),
        "path": str(path) if path else None,
    }


# ---------------------------------------------------------------- routes

router = APIRouter()
_ERR = {"model": schemas.ErrorOut}


@router.get("/v1/stats", tags=["observability"])
async def stats(runtime: Runtime) -> JSON:
    """Totals: runs, success rate, tokens, cost, savings, modes."""
    return JSON(await call(runtime.stats))


@router.get("/v1/traces", response_model=schemas.TraceListOut, responses={422: _ERR}, tags=["observability"])
async def list_traces(
    runtime: Runtime,
    limit: Annotated[int, Query(ge=1, le=1000)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
    status: Annotated[schemas.TraceStatus | None, Query()] = None,
    mode: Annotated[str | None, Query(min_length=1)] = None,
) -> JSON:
    """Recent runs, newest first, as summaries (`GET /v1/traces/{id}` has the whole trace)."""
    traces = await call(runtime.traces.list, limit, offset, status=status, mode=mode)
    items = [trace_summary(t) for t in traces]
    return JSON({"traces": items, "limit": limit, "offset": offset, "count": len(items)})


@router.get("/v1/traces/{run_id}", responses={404: _ERR}, tags=["observability"])
async def get_trace(run_id: str, runtime: Runtime) -> JSON:
    """One run's whole trace: tool calls, model calls, events, why its mode was chosen."""
    trace = await call(runtime.traces.get, run_id)
    if trace is None:
        return error(404, f"no run with id {run_id!r}")
    return JSON(_to_dict(trace))


@router.get("/v1/agents", response_model=schemas.AgentListOut, tags=["observability"])
async def list_agents(runtime: Runtime) -> JSON:
    """The agents this workspace can run (built-in and `agents/*.md`)."""
    agents = await call(runtime.agents.list)
    return JSON({"agents": [agent_dict(a) for a in agents]})


@router.get("/v1/state", responses={404: _ERR}, tags=["observability"])
async def state(runtime: Runtime) -> JSON:
    """The sentience layer's current state (valence, drives, recent adjustments)."""
    sentience = getattr(runtime, "sentience", None)
    if sentience is None or not getattr(sentience, "enabled", True):
        return error(404, "sentience disabled: set [sentience] enabled = true in llmos.toml")
    return JSON(_to_dict(await call(sentience.snapshot)))


@router.post("/v1/feedback", response_model=schemas.FeedbackOut, responses={404: _ERR, 422: _ERR}, tags=["runs"])
async def feedback(body: schemas.FeedbackRequest, runtime: Runtime) -> JSON:
    """Rate a run: `bad` keeps it out of learning (and demotes the plan it followed)."""
    trace = await call(runtime.traces.get, body.run_id)
    if trace is None:
        return error(404, f"no run with id {body.run_id!r}")
    await call(runtime.feedback, trace.id, body.rating == "good")
    return JSON({"ok": True, "run_id": trace.id, "rating": body.rating})
