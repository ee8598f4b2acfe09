"""An LLM OS MCP server over stdio for the tests: a workspace with the stock tools of
tests/test_evolution_e2e.py (the crystallized tool calls them), the scripted test model.

    python llmos_stock_server.py WORKSPACE
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from llmos.mcp_server import serve_stdio
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from tests.test_evolution_e2e import make_tools, oracle


async def main(workspace: str) -> None:
    async with LLMOS(workspace=workspace, model=TestModel(script=oracle), tools=make_tools({})) as rt:
        await serve_stdio(rt)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
