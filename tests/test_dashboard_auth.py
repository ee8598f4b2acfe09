"""The dashboard sits behind the API's own guard: with a token, every page and the event stream need it."""

from __future__ import annotations

from pathlib import Path

import httpx

from llmos.runtime import LLMOS
from llmos.server.app import create_app

TOKEN = "dashboard-token-0123456789"


async def test_pages_need_the_api_token(tmp_path: Path) -> None:
    async with LLMOS(tmp_path, preset="testing", model="test") as rt:
        app = create_app(rt, manage_lifecycle=False, token=TOKEN)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as c:
            for path in ("/", "/learning", "/savings", "/state", "/agents", "/approvals", "/static/dashboard.js"):
                assert (await c.get(path)).status_code == 401, path
                ok = await c.get(path, headers={"Authorization": f"Bearer {TOKEN}"})
                assert ok.status_code == 200, (path, ok.text[:200])
            assert (await c.get("/v1/events")).status_code == 401


async def test_a_browser_signs_in_once_and_the_cookie_opens_pages_and_the_api(tmp_path: Path) -> None:
    async with LLMOS(tmp_path, preset="testing", model="test") as rt:
        app = create_app(rt, manage_lifecycle=False, token=TOKEN)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as c:
            bounced = await c.get("/", headers={"Accept": "text/html,application/xhtml+xml"})
            assert bounced.status_code == 303 and bounced.headers["location"] == "/login"
            page = await c.get("/login")
            assert page.status_code == 200 and 'name="token"' in page.text
            wrong = await c.post("/login", data={"token": "not-the-token-at-all"})
            assert wrong.status_code == 401 and "llmos_token" not in wrong.headers.get("set-cookie", "")
            assert (await c.get("/")).status_code == 401
            signed = await c.post("/login", data={"token": TOKEN})
            assert signed.status_code == 303 and signed.headers["location"] == "/"
            cookie = signed.headers["set-cookie"]
            assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("samesite", "SameSite")
            assert (await c.get("/")).status_code == 200  # the client keeps the cookie, as a browser does
            assert (await c.get("/v1/stats")).status_code == 200
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as other:
            other.cookies.set("llmos_token", "forged-token-value-000000")
            assert (await other.get("/")).status_code == 401
