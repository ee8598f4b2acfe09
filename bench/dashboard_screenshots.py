"""Screenshots of every dashboard page, for a reviewer: a workspace with runs, a crystallized plan, a
fallback and internal-state history, served by `llmos serve`'s app, shot with Debian's Chromium.

    PYTHONPATH=. .venv/bin/python bench/dashboard_screenshots.py [--out docs/screenshots]

Prints each file written and how long each page took to load (to the `load` event).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.dashboard_support import launch, make_runtime, new_stock, populate
from tests.test_server import LiveServer

PAGES = {
    "runs": "/",
    "learning": "/learning",
    "savings": "/savings",
    "state": "/state",
    "agents": "/agents",
    "approvals": "/approvals",
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="llmos-dash-") as tmp:
        stock = new_stock()
        populate(Path(tmp), stock)
        runtime = make_runtime(Path(tmp), stock)
        with LiveServer(runtime) as live, sync_playwright() as p:
            browser = launch(p)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            last = runtime.traces.list(1)[0]
            for name, path in [*PAGES.items(), ("run", f"/runs/{last.id}")]:
                started = time.perf_counter()
                page.goto(live.url + path, wait_until="load")
                took = time.perf_counter() - started
                page.wait_for_selector("#live.on", timeout=10_000)
                target = args.out / f"dashboard_{name}.png"
                page.screenshot(path=str(target), full_page=True)
                print(f"{target}  ({path} loaded in {took * 1000:.0f} ms)")
            browser.close()


if __name__ == "__main__":
    main()
