"""Access and size guards of the HTTP API (pure ASGI, in front of every route).

- A bearer token: when one is configured (env LLMOS_API_TOKEN, else `[server] token`), every
  request but `GET /healthz` needs `Authorization: Bearer <token>`, or gets 401. Binding to
  anything but loopback without a token is refused before the socket opens (`check_exposure`).
- A body limit: a request body larger than `MAX_BODY_BYTES` gets 413 before the app reads it.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
from typing import TYPE_CHECKING

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from llmos.exceptions import UserError
from llmos.limits import MAX_GOAL_CHARS
from llmos.server import _login as login
from llmos.server.errors import error

if TYPE_CHECKING:
    from llmos.config import Config

TOKEN_ENV = "LLMOS_API_TOKEN"
MIN_TOKEN_CHARS = 16
OPEN_PATHS = frozenset({"/healthz"})
# the largest goal, JSON-escaped at its worst (a non-BMP character is 12 bytes as \ud83d\ude00), and room
MAX_BODY_BYTES = 12 * MAX_GOAL_CHARS + 64 * 1024
# a body over the limit is still read (and dropped) up to this size, so the client can read the 413;
# past it the connection is closed at once
DRAIN_BYTES = 16 * 1024 * 1024
_NEW_TOKEN = "python -c 'import secrets; print(secrets.token_urlsafe(32))'"


def resolve_token(config: Config | None) -> str | None:
    """The API token: LLMOS_API_TOKEN from the environment, else `[server] token`; None if neither."""
    token = os.environ.get(TOKEN_ENV) or (config.server.token if config is not None else None)
    if token is None or not token.strip():
        return None
    token = token.strip()
    if len(token) < MIN_TOKEN_CHARS:
        raise UserError(
            f"the API token is too short ({len(token)} characters, at least {MIN_TOKEN_CHARS}): "
            f"make one with {_NEW_TOKEN}"
        )
    return token


def is_loopback(host: str | None) -> bool:
    """Whether `host` only listens on this machine (127.0.0.0/8, ::1, localhost)."""
    if not host:
        return False  # "" means every interface
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name other than localhost: it may resolve to anything


def check_exposure(host: str | None, token: str | None) -> None:
    """Refuse (UserError) to serve on a non-loopback address without a token."""
    if token is None and not is_loopback(host):
        raise UserError(
            f"refusing to serve on {host or 'every interface'} without an API token: anyone who can reach "
            f"the port could run goals. Set {TOKEN_ENV} (or [server] token in llmos.toml), e.g. "
            f"`export {TOKEN_ENV}=$({_NEW_TOKEN})`; clients send `Authorization: Bearer <token>`. "
            "Or listen on 127.0.0.1 only."
        )


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value)
    return None


class Guard:
    """The token check and the body limit, as one ASGI middleware."""

    def __init__(self, app: ASGIApp, token: str | None = None, max_body_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.token = token.encode() if token else None
        self.max_body_bytes = max_body_bytes

    def _authorized(self, scope: Scope) -> bool:
        if self.token is None or scope.get("path") in OPEN_PATHS:
            return True
        given = _header(scope, b"authorization") or b""
        scheme, _, value = given.partition(b" ")
        if scheme.lower() == b"bearer" and hmac.compare_digest(value.strip(), self.token):
            return True
        cookie = login.cookie_token(_header(scope, b"cookie"))  # a browser signed in at /login
        return cookie is not None and hmac.compare_digest(cookie, self.token)

    async def _login(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert self.token is not None
        if scope.get("method") == "POST":
            body, _, _ = await self._read(receive)
            response = login.attempt(body or b"", self.token)
        else:
            response = login.form()
        await response(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.token is not None and scope.get("path") == login.PATH:
            await self._login(scope, receive, send)
            return
        if not self._authorized(scope):
            if scope.get("method") == "GET" and b"text/html" in (_header(scope, b"accept") or b""):
                await login.redirect()(scope, receive, send)  # a person in a browser: sign in first
                return
            response = error(401, "missing or wrong API token: send `Authorization: Bearer <token>`")
            response.headers["WWW-Authenticate"] = 'Bearer realm="llmos"'
            await response(scope, receive, send)
            return
        length = _header(scope, b"content-length")
        if length is not None and length.isdigit() and int(length) > max(self.max_body_bytes, DRAIN_BYTES):
            await self._too_large(scope, receive, send, int(length))
            return
        if scope.get("method") in ("POST", "PUT", "PATCH"):
            body, size, more = await self._read(receive)
            if body is None:
                size = await self._drain(receive, size) if more else size
                await self._too_large(scope, receive, send, size)
                return
            await self.app(scope, _replay(body, receive), send)
            return
        await self.app(scope, receive, send)

    async def _read(self, receive: Receive) -> tuple[bytes | None, int, bool]:
        """The whole body, or None once it passes the limit (reading stops there: `more` is whether
        the client has more to send)."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break  # the client went away: the app sees an empty body and the disconnect
            chunk = message.get("body", b"")
            size += len(chunk)
            more = bool(message.get("more_body", False))
            if size > self.max_body_bytes:
                return None, size, more
            chunks.append(chunk)
            if not more:
                break
        return b"".join(chunks), size, False

    async def _drain(self, receive: Receive, size: int) -> int:
        """Read and drop the rest of a body that is too large, up to DRAIN_BYTES in all."""
        more = True
        while more and size <= DRAIN_BYTES:
            message = await receive()
            more = message["type"] == "http.request" and bool(message.get("more_body", False))
            size += len(message.get("body", b""))
        return size

    async def _too_large(self, scope: Scope, receive: Receive, send: Send, size: int) -> None:
        response = error(
            413,
            f"the request body is too large ({size:,} bytes or more; the limit is {self.max_body_bytes:,}): "
            f"goals are limited to {MAX_GOAL_CHARS:,} characters",
        )
        response.headers["Connection"] = "close"
        await response(scope, receive, send)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return dict(await receive())  # after the body: wait for the disconnect, as the server would

    return replay


__all__ = ["Guard", "check_exposure", "is_loopback", "resolve_token"]
