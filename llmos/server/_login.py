"""A browser's way in when the API has a token: `/login` trades the token for a cookie.

A browser cannot add `Authorization: Bearer` to page loads or to an EventSource, so the
dashboard would be unusable behind a token. `GET /login` shows a one-field form; `POST /login`
with the right token sets an HttpOnly, SameSite=Strict cookie holding it and redirects to `/`.
The guard accepts that cookie like the header (constant-time compare). The token never goes in
a URL, so it stays out of logs and history.
"""

from __future__ import annotations

import hmac
from urllib.parse import parse_qs

from starlette.responses import HTMLResponse, RedirectResponse, Response

COOKIE = "llmos_token"
PATH = "/login"
_FORM = """<!doctype html><html><head><meta charset="utf-8"><title>LLM OS · sign in</title></head>
<body style="font-family:sans-serif;max-width:28rem;margin:4rem auto">
<h1>LLM OS</h1><p>{message}</p>
<form method="post" action="/login"><label>API token
<input name="token" type="password" autocomplete="current-password" autofocus style="width:100%"></label>
<p><button type="submit">Sign in</button></p></form></body></html>"""


def cookie_token(cookie_header: bytes | None) -> bytes | None:
    if not cookie_header:
        return None
    for part in cookie_header.split(b";"):
        name, _, value = part.strip().partition(b"=")
        if name == COOKIE.encode():
            return value
    return None


def form(message: str = "This server needs its API token.", status: int = 200) -> Response:
    return HTMLResponse(_FORM.format(message=message), status_code=status)


def attempt(body: bytes, token: bytes) -> Response:
    """The answer to `POST /login`: a cookie and a redirect, or the form again with 401."""
    given = (parse_qs(body.decode("utf-8", "replace")).get("token") or [""])[0].strip().encode()
    if not given or not hmac.compare_digest(given, token):
        return form("That token is not right.", 401)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(COOKIE, token.decode(), httponly=True, samesite="strict", path="/")
    return response


def redirect() -> Response:
    return RedirectResponse(PATH, status_code=303)
