"""Refusal at the door: a request that would start a run is counted the moment its headers are
parsed, before any route, dependency or body model runs, and beyond what admission control can hold
(`[server] max_in_flight + queue`) it is answered at once with 429 and Retry-After.

Admission control (llmos.server.admission) decides inside the route, after FastAPI has parsed the
body and resolved dependencies. Under a flood those steps compete for the event loop with the runs
already executing, so a request could wait many seconds before admission even saw it, and was then
admitted late (or timed out in the client) instead of being refused early. The door is a plain ASGI
middleware: its check costs a path comparison and a counter, so the answer to a request beyond
capacity comes back in milliseconds, whatever the load. `/healthz` and every other route pass
through untouched.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from llmos.server.admission import Admission
from llmos.server.errors import error

# POST routes that start a run (and hold an admission ticket while it executes)
RUN_PATHS = frozenset({"/v1/execute", "/v1/execute/stream"})


class Door:
    """ASGI middleware counting run requests in the server; beyond `capacity`, a 429 at once."""

    def __init__(self, app: ASGIApp, admission: Admission, capacity: int | None = None) -> None:
        self.app = app
        self.admission = admission
        self.capacity = capacity if capacity is not None else admission.max_in_flight + admission.queue
        if self.capacity < 1:
            raise ValueError("the door's capacity must be at least 1")
        self.inside = 0  # run requests between their headers and the end of their response

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST" or scope.get("path") not in RUN_PATHS:
            await self.app(scope, receive, send)
            return
        if self.inside >= self.capacity:
            await self._refuse(scope, receive, send)
            return
        self.inside += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.inside -= 1

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        adm = self.admission
        adm.refused += 1
        # the runs ahead of this one: those executing, and every other request inside the door
        waiting = max(0, self.inside - adm.max_in_flight)
        retry = adm.retry_after_s(waiting)
        response = error(
            429,
            f"the server is at capacity ({self.inside} runs in flight or waiting; [server] max_in_flight "
            f"= {adm.max_in_flight} and queue = {adm.queue} in llmos.toml); retry after {retry} s",
            retry_after_s=retry,
        )
        response.headers["Retry-After"] = str(retry)
        await response(scope, receive, send)


__all__ = ["RUN_PATHS", "Door"]
