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
