"""The HTTP API of LLM OS: a FastAPI app over one shared runtime (`llmos.runtime.LLMOS`).

Runs are async and share the runtime (its MCP servers, database, ledger); store reads run in worker
threads, so no request blocks the event loop. Errors are JSON `{"error": ...}`: validation 422,
misuse 400/404/422, unexpected 500 (logged, and the server keeps serving). A run that fails is an
outcome, not an HTTP error: 200 with `success: false`.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import Response, StreamingResponse

from llmos import __version__
from llmos._log import logger
from llmos.config import ServerConfig
from llmos.exceptions import LLMOSError
from llmos.limits import MAX_GOAL_CHARS
from llmos.server import approvals, errors, guards, schemas, sse
from llmos.server.admission import Admission, Ticket
from llmos.server.approvals import Approvals, RunWatch
from llmos.server.door import Door
from llmos.server.errors import JSON, error, status_for
from llmos.server.observe import Runtime as Runtime
from llmos.server.observe import agent_dict as agent_dict
from llmos.server.observe import call as call
from llmos.server.observe import router as _observe
from llmos.server.observe import trace_summary as trace_summary

if TYPE_CHECKING:
    from llmos.result import RunResult
    from llmos.runtime import LLMOS

KEEPALIVE_S = 15.0  # a comment frame this often keeps proxies from closing a quiet stream
FIRST_EVENT_WAIT_S = 2.0  # how long a stream waits for the run to start before sending headers


# ---------------------------------------------------------------- helpers


def _too_long(goal: str) -> JSON | None:
    """413 for a goal over the documented limit (llmos.limits.MAX_GOAL_CHARS), before any work."""
    if len(goal) <= MAX_GOAL_CHARS:
        return None
    return error(413, f"the goal is too long ({len(goal):,} characters; the limit is {MAX_GOAL_CHARS:,})")


async def _admit(request: Request, goal: str) -> Ticket | JSON:
    """A run slot for this request, or the answer to send instead (413, 429, 503)."""
    refusal = _too_long(goal)
    if refusal is not None:
        return refusal
    admission: Admission = request.app.state.admission
    return await admission.acquire()


def _consume(task: asyncio.Task[Any]) -> None:
    """Retrieve a background run's exception so asyncio does not warn about it."""
    if not task.cancelled():
        task.exception()


# ---------------------------------------------------------------- routes

router = APIRouter()
_ERR = {"model": schemas.ErrorOut}


@router.get("/healthz", response_model=schemas.HealthOut, responses={503: _ERR}, tags=["server"])
async def healthz(request: Request) -> JSON:
    """200 once the runtime has started (its MCP servers are up); 503 while starting or stopping."""
    state = request.app.state
    if not state.started:
        return JSON({"ok": False, "error": "the runtime is not running"}, status_code=503)
    runtime = state.llmos
    body: dict[str, Any] = {
        "ok": True,
        "version": __version__,
        "workspace": str(getattr(runtime, "workspace", "")),
        "uptime_s": round(time.monotonic() - state.started_at, 3),
    }
    model = getattr(runtime, "model", None)
    if model is not None:
        body["model"] = f"{getattr(model, 'provider', '?')}:{getattr(model, 'name', '?')}"
    body["mcp_servers"] = {}
    health = getattr(runtime, "health", None)
    if callable(health):
        extra = health()
        if inspect.isawaitable(extra):
            extra = await extra
        if isinstance(extra, dict):
            body.update({k: v for k, v in extra.items() if k != "ok"})
    body["load"] = state.admission.snapshot()
    return JSON(body)


@router.post(
    "/v1/execute",
    response_model=schemas.RunResultOut,
    responses={400: _ERR, 404: _ERR, 413: _ERR, 422: _ERR, 429: _ERR, 500: _ERR, 503: _ERR},
    tags=["runs"],
)
async def execute(body: schemas.ExecuteRequest, runtime: Runtime, request: Request) -> JSON:
    """Run a goal to the end and return its result (the JSON of `llmos run --json`). A goal over
    the size limit gets 413; at capacity, 429 (or 503 after waiting) with Retry-After."""
    ticket = await _admit(request, body.goal)
    if isinstance(ticket, JSON):
        return ticket
    try:
        run = RunWatch()
        ask = request.app.state.approvals.asker(run)
        result = await runtime.execute(
            body.goal, mode=body.mode, agent=body.agent, events=run.emit, ask=ask, session_id=body.session_id
        )
    finally:
        ticket.release()
    return JSON(result.to_dict(explain=body.explain))


@router.post(
    "/v1/execute/stream",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "Server-sent events (`event: <type>`, `data: <JSON>`), ending with `final`.",
            "content": {sse.MEDIA_TYPE: {"schema": schemas.StreamEventOut.model_json_schema()}},
        },
        400: _ERR,
        404: _ERR,
        413: _ERR,
        422: _ERR,
        429: _ERR,
        503: _ERR,
    },
    tags=["runs"],
)
async def execute_stream(body: schemas.ExecuteRequest, runtime: Runtime, request: Request) -> Response:
    """Run a goal and stream its events as they happen. The last event is `final`, whose data is
    `{"type": "final", "run_id": ..., "result": <the result of /v1/execute>}`; if the run raises
    after the stream began, the last event is `error` instead. Disconnecting cancels the run.
    An `ask` policy verdict sends `approval_required` (answer it with POST /v1/approvals/{id})."""
    ticket = await _admit(request, body.goal)
    if isinstance(ticket, JSON):
        return ticket
    queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
    began = asyncio.Event()

    async def on_event(event: dict[str, Any]) -> None:
        queue.put_nowait(event)
        began.set()

    run = RunWatch(on_event)
    ask = request.app.state.approvals.asker(run)
    task = asyncio.create_task(
        runtime.execute(
            body.goal, mode=body.mode, agent=body.agent, events=run.emit, ask=ask, session_id=body.session_id
        )
    )
    task.add_done_callback(lambda _t: ticket.release())
    task.add_done_callback(_consume)
    task.add_done_callback(lambda _t: queue.put_nowait(None))
    # A run that cannot start (unknown agent, unavailable mode) fails before its first event:
    # wait a moment for that, so it gets an ordinary HTTP error instead of a stream.
    waiter = asyncio.ensure_future(began.wait())
    try:
        await asyncio.wait({task, waiter}, timeout=FIRST_EVENT_WAIT_S, return_when=asyncio.FIRST_COMPLETED)
    except BaseException:
        task.cancel()  # the request itself was cancelled (shutdown): so is the run
        raise
    finally:
        waiter.cancel()
    if not began.is_set() and task.done() and not task.cancelled():
        failure = task.exception()
        if failure is not None:
            raise failure
    return StreamingResponse(_stream(task, queue, body.explain), media_type=sse.MEDIA_TYPE, headers=sse.HEADERS)


async def _stream(
    task: asyncio.Task[RunResult], queue: asyncio.Queue[dict[str, Any] | None], explain: bool
) -> AsyncIterator[bytes]:
    try:
        while True:
            try:
                event = await asyncio.wait_for(queue.get(), timeout=KEEPALIVE_S)
            except TimeoutError:
                yield sse.KEEPALIVE
                continue
            if event is None:
                break
            kind = str(event.get("type") or "message")
            if kind == "final":
                continue  # the stream's own `final` (below) carries the whole result
            yield sse.encode(kind, event)
        exc = None if task.cancelled() else task.exception()
        if task.cancelled() or exc is not None:
            status = status_for(exc) if isinstance(exc, LLMOSError) else 500
            message = str(exc) if exc is not None else "the run was cancelled"
            if exc is not None and not isinstance(exc, LLMOSError):
                logger.error("a streamed run failed unexpectedly", exc_info=exc)
                message = f"internal error: {type(exc).__name__}: {exc}"
            yield sse.encode("error", {"type": "error", "status": status, "error": message})
            return
        result = task.result().to_dict(explain=explain)
        yield sse.encode("final", {"type": "final", "run_id": result.get("run_id"), "result": result})
    finally:
        if not task.done():
            task.cancel()  # the client went away: stop spending on a run nobody reads


@router.get(
    "/v1/events",
    response_class=StreamingResponse,
    responses={200: {"description": "Server-sent events of the runtime's event bus (llmos.events)."}},
    tags=["observability"],
    include_in_schema=False,  # an endless stream: documented in the README, kept out of the OpenAPI fuzzing
)
async def events(
    runtime: Runtime,
    run_id: Annotated[str | None, Query(min_length=1)] = None,
    types: Annotated[
        str | None, Query(description="Comma-separated event types, e.g. run_started,run_finished")
    ] = None,
) -> StreamingResponse:
    """Every event the runtime publishes from now on (all runs), live; filter by run or type."""
    from llmos.server.bus_sse import bus_stream

    wanted = [t.strip() for t in types.split(",") if t.strip()] if types else None
    return StreamingResponse(
        bus_stream(runtime.events, wanted, run_id, KEEPALIVE_S), media_type=sse.MEDIA_TYPE, headers=sse.HEADERS
    )


router.include_router(_observe)  # stats, traces, agents, state, feedback (observe.py), after the routes above


# ---------------------------------------------------------------- the app


def create_app(runtime: LLMOS, *, manage_lifecycle: bool = True, token: str | None = None) -> FastAPI:
    """The FastAPI app serving `runtime`. With `manage_lifecycle` (the default) the app's lifespan
    starts the runtime (MCP servers and all) before serving and closes it on shutdown; pass False
    when the caller starts and closes the runtime itself. `token` (default: LLMOS_API_TOKEN or
    `[server] token`) makes every route but /healthz require `Authorization: Bearer <token>`."""
    config = getattr(runtime, "config", None)
    server_cfg = config.server if config is not None else ServerConfig()
    token = token or guards.resolve_token(config)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if manage_lifecycle:
            await runtime.start()
        app.state.started = True
        app.state.started_at = time.monotonic()
        try:
            yield
        finally:
            app.state.started = False
            if manage_lifecycle:
                try:
                    await runtime.close()
                except Exception as exc:
                    logger.error("closing the runtime failed: %s: %s", type(exc).__name__, exc)

    app = FastAPI(
        title="LLM OS",
        version=__version__,
        description="Run goals with LLM agents that learn from their past runs.",
        lifespan=lifespan,
    )
    app.state.llmos = runtime
    app.state.started = False
    app.state.started_at = time.monotonic()
    app.state.admission = Admission(server_cfg.max_in_flight, server_cfg.queue, server_cfg.queue_timeout_s)
    app.state.approvals = Approvals(server_cfg.approval_timeout_s)
    errors.install(app)
    app.add_middleware(Door, admission=app.state.admission)  # run requests beyond capacity: 429 at once
    app.add_middleware(guards.Guard, token=token)  # outermost: checked before anything else runs
    app.include_router(router)
    app.include_router(approvals.router)
    from llmos.server import dashboard

    dashboard.install(app)  # the web pages at / (llmos.server.dashboard)
    return app


__all__ = ["create_app", "router"]
