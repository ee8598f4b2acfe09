"""Cancelling `ServerRunner.start()` while the server is still starting stops the runner task.

Before the fix the runner kept going: once the slow server answered it called `set_result` on
the cancelled `ready` future (InvalidStateError), logged a spurious failure and left the
server process running until then.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from pathlib import Path

import pytest

from llmos.config import MCPServerConfig
from llmos.tools.mcp._server import ServerRunner
from llmos.tools.mcp._util import marked_pids

SERVER = Path(__file__).parent / "mcp_servers" / "echo_server.py"
DELAY_S = 1.0
# a real MCP server that takes DELAY_S to start serving
SLOW_START = (
    f"import runpy, sys, time; time.sleep({DELAY_S!r}); sys.argv = [{str(SERVER)!r}]; "
    f"runpy.run_path({str(SERVER)!r}, run_name='__main__')"
)


def slow_server() -> ServerRunner:
    cfg = MCPServerConfig(command=sys.executable, args=["-c", SLOW_START])
    return ServerRunner("slow", cfg, None)


async def test_cancelled_start_stops_the_runner(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="llmos")
    srv = slow_server()
    errors: list[dict[str, object]] = []
    asyncio.get_running_loop().set_exception_handler(lambda loop, ctx: errors.append(ctx))
    starter = asyncio.create_task(srv.start())
    deadline = time.monotonic() + 5
    while not marked_pids(srv.marker) and time.monotonic() < deadline:  # noqa: ASYNC110 - polls /proc
        await asyncio.sleep(0.02)
    assert marked_pids(srv.marker), "the server process never started"
    runner = srv.task
    assert runner is not None
    starter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await starter
    # start() waited for its runner: it is finished, and the server process is gone
    assert runner.done()
    assert srv.task is None and not srv.running
    assert marked_pids(srv.marker) == []
    # past the moment the server would have answered: nothing reports to the cancelled future
    await asyncio.sleep(DELAY_S + 0.5)
    assert not errors
    assert not [r for r in caplog.records if "InvalidStateError" in r.getMessage()]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


async def test_wait_for_timeout_on_start_leaves_nothing_running() -> None:
    srv = slow_server()
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(srv.start(), 0.3)
    assert srv.task is None and not srv.running
    assert marked_pids(srv.marker) == []
    await srv.stop()  # idempotent after a cancelled start


async def test_start_after_a_cancelled_start_works() -> None:
    srv = slow_server()
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(srv.start(), 0.2)
    await srv.start()  # the same runner can start for real afterwards
    try:
        assert srv.running and any(getattr(t, "name", "") == "add" for t in srv.listing)
    finally:
        await srv.stop()
    assert marked_pids(srv.marker) == []
