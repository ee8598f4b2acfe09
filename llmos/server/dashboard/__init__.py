"""The web dashboard of `llmos serve`, at `/`: server-rendered pages (Jinja2, the `dashboard` extra),
a little JavaScript, live updates over SSE from the event bus (`GET /v1/events`), charts drawn by uPlot
(MIT, shipped in `static/`, no CDN: it works offline).

Pages: runs (live list, filters) and a run's detail; learning (plans, crystallized tools, demote);
savings (spend and savings over time by mode, budget); internal state (valence trajectory); agents
and their versions. The pages are routes of the API's own app, so whatever guards the API guards them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import HTMLResponse

from llmos.exceptions import ConfigError, LLMOSError
from llmos.server.dashboard import _data

if TYPE_CHECKING:
    from llmos.runtime import LLMOS

HERE = Path(__file__).resolve().parent


router = APIRouter(include_in_schema=False)
_env: Any = None


def _templates() -> Any:
    global _env
    if _env is None:
        try:
            import jinja2
        except ModuleNotFoundError as e:
            raise ConfigError(f"{e}: the dashboard needs the dashboard extra: `pip install 'llmos[dashboard]'`") from e
        _env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True, undefined=jinja2.StrictUndefined
        )
        _env.filters["tojson_attr"] = lambda v: json.dumps(v, default=str)
        _env.filters["usd"] = lambda v: f"${(v or 0):.6f}"
        _env.filters["when"] = _when
    return _env


def _when(ts: float | None) -> str:
    import time

    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts)) if ts else ""


async def _page(request: Request, name: str, **context: Any) -> HTMLResponse:
    html = _templates().get_template(name).render(page=name.removesuffix(".html"), **context)
    return HTMLResponse(html)


def _rt(request: Request) -> LLMOS:
    runtime: LLMOS = request.app.state.llmos
    return runtime


async def _call(fn: Any, *args: Any) -> Any:
    from llmos.server.app import call

    return await call(fn, *args)


@router.get("/", response_class=HTMLResponse)
async def runs_page(
    request: Request,
    mode: Annotated[str | None, Query()] = None,
    agent: Annotated[str | None, Query()] = None,
    success: Annotated[str | None, Query()] = None,
) -> HTMLResponse:
    rt = _rt(request)
    items = await _call(_data.runs, rt, mode, agent, success)
    agents = [a.name for a in await _call(rt.agents.list)]
    filters = {"mode": mode or "", "agent": agent or "", "success": success or ""}
    return await _page(request, "runs.html", runs=items, filters=filters, agents=agents)


@router.get("/runs/{run_id}", response_class=HTMLResponse)
async def run_page(request: Request, run_id: str) -> HTMLResponse:
    detail = await _call(_data.run_detail, _rt(request), run_id)
    if detail is None:
        return HTMLResponse(f"no run with id {run_id!r}", status_code=404)
    return await _page(request, "run.html", **detail)


@router.get("/learning", response_class=HTMLResponse)
async def learning_page(request: Request) -> HTMLResponse:
    return await _page(request, "learning.html", plans=await _call(_data.learning, _rt(request)))


@router.get("/savings", response_class=HTMLResponse)
async def savings_page(request: Request) -> HTMLResponse:
    return await _page(request, "savings.html", **await _call(_data.savings, _rt(request)))


@router.get("/state", response_class=HTMLResponse)
async def state_page(request: Request) -> HTMLResponse:
    return await _page(request, "state.html", **await _call(_data.state, _rt(request)))


@router.get("/agents", response_class=HTMLResponse)
async def agents_page(request: Request) -> HTMLResponse:
    return await _page(request, "agents.html", agents=await _call(_data.agents, _rt(request)))


@router.post("/v1/plans/{plan_id}/demote", include_in_schema=True, tags=["learning"])
async def demote_plan(request: Request, plan_id: str) -> Any:
    """Turn a plan's crystallized tool back into a plan (FOLLOWER replays it again)."""
    from llmos.server.app import call
    from llmos.server.errors import JSON, error, status_for

    rt = _rt(request)
    try:
        change = await call(rt.evolution.demote, plan_id, "demoted from the dashboard", who="user")
    except LLMOSError as e:
        return error(status_for(e) if status_for(e) != 500 else 400, str(e))
    return JSON({"ok": True, "plan_id": plan_id, "tool": change.target.removeprefix("tool:"), "change": change.id})


@router.get("/approvals", response_class=HTMLResponse)
async def approvals_page(request: Request) -> HTMLResponse:
    pending = [a.to_dict() for a in request.app.state.approvals.pending()]  # llmos.server.approvals
    return await _page(request, "approvals.html", pending=pending)


def install(app: FastAPI) -> None:
    """Add the pages and their static files (uPlot, CSS, JS) to the API's app."""
    from starlette.staticfiles import StaticFiles

    app.include_router(router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="dashboard-static")


__all__ = ["install", "router"]
