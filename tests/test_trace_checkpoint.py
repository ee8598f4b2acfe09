"""Issue 11: traces are saved step by step; a process killed with SIGKILL leaves a readable partial trace."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from runtime_support import quiet_config

from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.storage.db import Database
from llmos.storage.traces import TraceStore
from llmos.tools.base import tool

REPO = Path(__file__).resolve().parents[1]


def test_a_killed_run_leaves_a_partial_trace(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    script = tmp_path / "victim.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import asyncio, sys, time
            sys.path.insert(0, {str(REPO)!r})
            from llmos.config import ConfigBuilder
            from llmos.models.testmodel import TestModel
            from llmos.runtime import LLMOS
            from llmos.tools.base import tool

            @tool
            def add(a: int, b: int) -> int:
                "Add two integers."
                return a + b

            @tool
            def wait_here() -> str:
                "Block (the test kills the process now)."
                print("waiting", flush=True)
                time.sleep(120)
                return "never"

            script = [{{"tool": "add", "args": {{"a": 2, "b": 3}}}}, {{"tool": "wait_here", "args": {{}}}}, "done"]
            cfg = ConfigBuilder("testing").set("learning", enabled=False).set("sentience", enabled=False).build()

            async def main() -> None:
                async with LLMOS({str(ws)!r}, config=cfg, model=TestModel(script=script), tools=[add, wait_here]) as rt:
                    await rt.execute("add then wait")

            asyncio.run(main())
            """
        )
    )
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "waiting"
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(10) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        if proc.stdout is not None:
            proc.stdout.close()
    db = Database.for_workspace(ws)
    try:
        traces = TraceStore(db).list()
        assert len(traces) == 1
        trace = traces[0]
        assert trace.status == "running" and trace.ended_at is None  # unfinished
        assert trace.goal == "add then wait" and trace.llm_calls == 2
        assert [c.name for c in trace.tool_calls][:1] == ["add"] and trace.tool_calls[0].result == "5"
        assert "# Run" in trace.to_markdown()  # readable
    finally:
        db.close()


async def test_checkpoints_then_the_final_trace(tmp_path: Path) -> None:
    seen: list[tuple[str, int, int]] = []

    @tool
    def add(a: int, b: int) -> int:
        """Add two integers."""
        got = rt.traces.list()
        seen.append((got[0].status, got[0].llm_calls, len(got[0].tool_calls)))
        return a + b

    model = TestModel(script=[{"tool": "add", "args": {"a": 1, "b": 1}}, "2"])
    async with LLMOS(tmp_path, config=quiet_config(), model=model, tools=[add]) as rt:
        result = await rt.execute("add")
        final = rt.traces.require(result.run_id)
    assert seen == [("running", 1, 0)]  # saved after the first model call, while the tool ran
    assert final.status == "success" and final.ended_at is not None and len(final.tool_calls) == 1


async def test_a_huge_tool_result_is_truncated_in_the_trace_with_its_size(tmp_path: Path) -> None:
    from llmos.limits import MAX_TRACE_RESULT_CHARS

    @tool
    def big() -> str:
        """A very large result."""
        return "x" * (MAX_TRACE_RESULT_CHARS * 3)

    cfg = quiet_config(tools={"builtin": False, "output_limit": 10**9})  # even a huge configured limit
    model = TestModel(script=[{"tool": "big", "args": {}}, "ok"])
    async with LLMOS(tmp_path, config=cfg, model=model, tools=[big]) as rt:
        result = await rt.execute("big")
        record = rt.traces.require(result.run_id).tool_calls[0]
    assert record.result_chars == MAX_TRACE_RESULT_CHARS * 3
    assert MAX_TRACE_RESULT_CHARS <= len(record.result) < MAX_TRACE_RESULT_CHARS + 100
    assert "truncated" in record.result
