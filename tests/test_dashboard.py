"""The dashboard in a real browser: Debian's Chromium driven by Playwright against a real uvicorn.
Pages load with no console errors, a run started through the API appears live, and a plan demoted
from the page is demoted in the store."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from llmos.kernel.hooks import Hook, HookDecision, ToolUseEvent
from tests.dashboard_support import CHROMIUM, launch, make_runtime, new_stock, populate
from tests.test_server import LiveServer

pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM), reason="needs Debian's chromium (apt-get install chromium)"
)
PAGES = ["/", "/learning", "/savings", "/state", "/agents", "/approvals"]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, Any]]:
    workspace: Path = tmp_path_factory.mktemp("dash")
    stock = new_stock()
    populate(workspace, stock)
    runtime = make_runtime(workspace, stock)
    with LiveServer(runtime) as live:
        yield live, runtime


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


def _page(browser: Any) -> tuple[Any, list[str]]:
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    return page, errors


def test_every_page_loads_without_console_errors(served: tuple[LiveServer, Any], browser: Any) -> None:
    live, runtime = served
    last = runtime.traces.list(1)[0]
    page, errors = _page(browser)
    for path in [*PAGES, f"/runs/{last.id}"]:
        response = page.goto(live.url + path)
        assert response is not None and response.status == 200, path
        page.wait_for_selector("#live.on", timeout=10_000)  # the SSE stream connected
        assert page.locator("h1").count() == 1
    assert errors == []
    # the filters: by mode, by success
    page.goto(live.url + "/?mode=crystallized")
    modes = page.locator("#runs td.mode").all_inner_texts()
    assert modes and set(modes) == {"crystallized"}
    page.goto(live.url + "/?success=no")
    statuses = page.locator("#runs td.status").all_inner_texts()
    assert statuses and "success" not in statuses  # only the run that fell back and failed (BAD-77)
    # the charts were drawn (uPlot made canvases), and the run detail shows the fallback
    page.goto(live.url + "/savings")
    assert page.locator("#chart-savings canvas").count() >= 1
    page.goto(live.url + "/state")
    assert page.locator("#chart-state canvas").count() >= 1
    page.goto(f"{live.url}/runs/{last.id}")
    assert "fallback" in page.inner_text("dl.facts") and page.locator("ul.tree li").count() >= 1
    assert errors == []
    page.close()


def test_a_run_started_through_the_api_appears_live(served: tuple[LiveServer, Any], browser: Any) -> None:
    live, _ = served
    page, errors = _page(browser)
    page.goto(live.url + "/")
    page.wait_for_selector("#live.on", timeout=10_000)
    before = page.locator("#runs tbody tr").count()
    r = httpx.post(live.url + "/v1/execute", json={"goal": "Add 1 units of BOLT-19 to warehouse B2"}, timeout=30)
    run_id, mode = r.json()["run_id"], r.json()["mode"]
    row = page.locator(f'#runs tr[data-run="{run_id}"]')
    row.locator("td.status", has_text="success").wait_for(timeout=10_000)
    assert page.locator("#runs tbody tr").count() == before + 1  # added live, without a reload
    assert row.locator("td.mode").inner_text() == mode
    assert errors == []
    page.close()


def test_a_plan_demoted_from_the_page_is_demoted_in_the_store(served: tuple[LiveServer, Any], browser: Any) -> None:
    live, runtime = served
    page, errors = _page(browser)
    page.goto(live.url + "/learning")
    button = page.locator("button.demote").first
    plan_id = button.get_attribute("data-plan")
    assert plan_id and runtime.evolution.record(plan_id).status == "active"
    source = page.locator("section.plan", has=page.locator("button.demote")).locator("details pre").first
    assert "async def add_units_warehouse" in source.text_content()
    button.click()
    page.locator(f'section[data-plan="{plan_id}"] .tool-status', has_text="demoted").wait_for(timeout=10_000)
    assert runtime.evolution.record(plan_id).status == "demoted"
    assert runtime.registry.get("add_units_warehouse") is None
    page.reload()
    assert page.locator("button.demote").count() == 0
    assert errors == []
    page.close()


def test_an_approval_given_from_the_page_lets_the_waiting_run_continue(
    served: tuple[LiveServer, Any], browser: Any
) -> None:
    import threading

    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    live, runtime = served
    runtime.hooks.add(AskFor("BOLT-18"))
    page, errors = _page(browser)
    page.goto(live.url + "/approvals")
    page.wait_for_selector("#live.on", timeout=10_000)
    results: dict[str, Any] = {}

    def run() -> None:
        goal = "Add 4 units of BOLT-18 to warehouse C3"
        results["r"] = httpx.post(live.url + "/v1/execute", json={"goal": goal}, timeout=60).json()

    worker = threading.Thread(target=run)
    worker.start()
    try:
        answered = 0
        while worker.is_alive() and answered < 4:  # get_stock, then set_stock: both mention BOLT-18
            row = page.locator("#approvals tr[data-approval]:has(button:not([disabled]))").first
            try:
                row.wait_for(timeout=5_000)  # the page reloads live when a question comes
            except PlaywrightTimeout:
                continue
            assert "BOLT-18" in row.inner_text() and worker.is_alive()  # the run is waiting
            answer_id = row.get_attribute("data-approval")
            row.locator("button", has_text="Approve").click()
            page.wait_for_function(
                "id => !document.querySelector(`tr[data-approval='${id}'] button:not([disabled])`)", arg=answer_id
            )
            answered += 1
        assert answered == 2
    finally:
        worker.join(60)
    result = results["r"]
    assert result["success"], result
    trace = runtime.traces.require(result["run_id"])
    asked = [c for c in trace.tool_calls if "approved through the API" in c.decision_reason]
    assert asked and asked[0].decision == "allow"
    assert errors == []
    page.close()


class AskFor(Hook):
    """A hook asking a person about every call whose arguments mention `word`."""

    def __init__(self, word: str) -> None:
        self.word = word

    async def pre_tool_use(self, ctx: Any, event: ToolUseEvent) -> HookDecision:
        if self.word in str(event.arguments):
            return HookDecision.ask(f"{event.tool} touches {self.word}")
        return HookDecision.allow()
