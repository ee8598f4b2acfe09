"""Errors as JSON: `{"error": "..."}` everywhere (422 adds `detail`), LLM OS exceptions mapped to
HTTP statuses, and a last-resort catch that turns a bug into a 500 without stopping the server."""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from llmos._log import logger
from llmos.exceptions import (
    AgentError,
    BudgetExceeded,
    LLMOSError,
    ModelError,
    ModeUnavailable,
    RunCancelled,
    UserError,
)


class JSON(JSONResponse):
    """JSON that tolerates values the stdlib cannot encode (paths, datetimes): they become strings."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")


def error(status: int, message: str, **extra: Any) -> JSON:
    return JSON({"error": message, **extra}, status_code=status)


def status_for(exc: LLMOSError) -> int:
    """The HTTP status of an LLM OS exception that escaped a request."""
    if isinstance(exc, ModeUnavailable):
        return 422
    if isinstance(exc, AgentError):
        return 404
    if isinstance(exc, UserError):
        return 400
    if isinstance(exc, BudgetExceeded):
        return 402
    if isinstance(exc, RunCancelled):
        return 409
    if isinstance(exc, ModelError):
        return 502
    return 500


def _describe(err: dict[str, Any]) -> str:
    loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path")]
    where = ".".join(loc)
    if err.get("type") == "extra_forbidden":
        return f"{where}: unknown field"
    if err.get("type") == "json_invalid":
        return f"the request body is not valid JSON ({err.get('msg', '')})"
    msg = str(err.get("msg", "invalid"))
    return f"{where}: {msg}" if where else msg


async def on_validation_error(request: Request, exc: Exception) -> JSON:
    assert isinstance(exc, RequestValidationError)
    errors = [dict(e) for e in exc.errors()]
    for e in errors:
        e.pop("input", None)  # never echo request data back (it may be large or sensitive)
        e.pop("ctx", None)
        e.pop("url", None)
    message = "invalid request: " + "; ".join(_describe(e) for e in errors)
    return JSON({"error": message, "detail": errors}, status_code=422)


async def on_http_error(request: Request, exc: Exception) -> JSON:
    assert isinstance(exc, StarletteHTTPException)
    return JSON({"error": str(exc.detail)}, status_code=exc.status_code, headers=exc.headers)


async def on_llmos_error(request: Request, exc: Exception) -> JSON:
    assert isinstance(exc, LLMOSError)
    status = status_for(exc)
    if status >= 500:
        logger.error("%s %s failed: %s", request.method, request.url.path, type(exc).__name__)
    return error(status, str(exc) or type(exc).__name__)


class CatchAll:
    """Turns an unexpected exception into a 500 JSON answer (when nothing was sent yet) and logs it,
    so one failing request never takes the server down nor leaks a traceback to the client."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Any) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            logger.error("unexpected error in %s %s", scope.get("method"), scope.get("path"), exc_info=exc)
            if started:
                return
            response = error(500, f"internal error: {type(exc).__name__}: {exc}")
            await response(scope, receive, send)


def install(app: Any) -> None:
    """Register the handlers and the catch-all middleware on a FastAPI app."""
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(LLMOSError, on_llmos_error)
    app.add_middleware(CatchAll)
