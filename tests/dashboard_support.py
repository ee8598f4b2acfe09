"""A workspace with runs, a crystallized plan and internal-state history, served by a real uvicorn;
Debian's Chromium driven by Playwright. Shared by tests/test_dashboard.py and bench/dashboard_screenshots.py."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from tests.test_evolution_e2e import make_tools, oracle

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WHS = ["A1", "B2", "C3", "D4"]
# amounts in no order, the first two the extremes: a replay sets only amounts inside the range the
# supporting runs showed (rule 1: a write's amount past it goes to the model)
QTY = [2, 9, 5, 3, 7, 4, 8, 6]


def new_stock() -> dict[str, int]:
    return {f"BOLT-{10 + i}@{WHS[i % 4]}": 10 * i for i in range(10)}


def make_runtime(workspace: Path, stock: dict[str, int]) -> LLMOS:
    return LLMOS(workspace=workspace, model=TestModel(script=oracle), tools=make_tools(stock))


def populate(workspace: Path, stock: dict[str, int]) -> None:
    """Eight runs (learner -> follower -> crystallized) and one that falls back."""

    async def go() -> None:
        async with make_runtime(workspace, stock) as rt:
            for i, qty in enumerate(QTY):
                await rt.execute(f"Add {qty} units of BOLT-{10 + i} to warehouse {WHS[i % 4]}")
            await rt.execute("Add 3 units of BAD-77 to warehouse A1")

    asyncio.run(go())


def launch(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
