"""A small driver for the durable-run tests (run as a subprocess, so a test can kill -9 it).

    python durable_driver.py run WORKSPACE GOAL       # run GOAL durably; prints the result JSON
    python durable_driver.py resume WORKSPACE RUN_ID  # open the workspace (DBOS resumes the run), wait

The workspace's llmos.toml says which model (a loopback fake) and which DBOS database. Two tools
write to WORKSPACE/out.txt: `append_line`, and `slow_append`, which first records its start (with
the run id) in WORKSPACE/slow_started, then waits DRIVER_SLOW_S seconds, then appends.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

from llmos import LLMOS, tool
from llmos.tools.base import ToolContext

WS = Path(sys.argv[2]).resolve()


def _append(text: str) -> None:
    with (WS / "out.txt").open("a", encoding="utf-8") as f:
        f.write(text + "\n")


@tool
def append_line(text: str) -> str:
    """Append one line of text to out.txt."""
    _append(text)
    return "appended"


@tool
async def slow_append(text: str, ctx: ToolContext) -> str:
    """Wait a while, then append one line of text to out.txt."""
    with (WS / "slow_started").open("a", encoding="utf-8") as f:
        f.write(ctx.run_id + "\n")
    await asyncio.sleep(float(os.environ.get("DRIVER_SLOW_S", "0")))
    _append(text)
    return "appended slowly"


async def main() -> None:
    action, target = sys.argv[1], sys.argv[3]
    async with LLMOS(workspace=WS, tools=[append_line, slow_append]) as rt:
        if action == "run":
            result = await rt.execute(target)
            print(json.dumps(result.to_dict()), flush=True)
            return
        from llmos.execution.durable import _workflow

        await rt.durable.ready()  # DBOS is up: the unfinished run is being resumed
        await _workflow.wait(target)
        trace = rt.traces.require(target)
        print(
            json.dumps(
                {
                    "run_id": trace.id,
                    "status": trace.status,
                    "output": trace.output,
                    "model_calls": len(trace.model_calls),
                    "tool_calls": [c.name for c in trace.tool_calls],
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    asyncio.run(main())
