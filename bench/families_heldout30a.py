"""Held-out probe 30a (issue 9, helper redAN): heldout30's families with MCP annotations on their tools.

heldout30's tools say nothing of their risk (every one counts as a write), so rule 3 keeps most of its
plans from replaying blind. Here the reads are `readOnlyHint` and the writes plain non-idempotent
writes, as in heldout29: the traps meet rules 1, 2 and 5 instead.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

_spec = importlib.util.spec_from_file_location(
    "bench_families_heldout30_base", Path(__file__).with_name("families_heldout30.py")
)
assert _spec is not None and _spec.loader is not None
_base = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_base)

READ = {"readOnlyHint": True}
WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False}
WRITES = {"h30_book_slipway", "h30_lamp_order", "h30_order_reed", "h30_log_run", "h30_cut_sail", "h30_set_capstone"}
ANNOTATIONS: dict[str, dict[str, bool]] = {name: WRITE if name in WRITES else READ for name in _base.TOOLS}


def _annotate_in_tools_server() -> None:
    """Inside the shared tools server only: give the tools of ANNOTATIONS their MCP hints."""
    main = sys.modules.get("__main__")
    if Path(str(getattr(main, "__file__", ""))).name != "tools_server.py":
        return
    try:
        from mcp.server.mcpserver import MCPServer as Server
    except ImportError:
        from mcp.server.fastmcp import FastMCP as Server
    from mcp.types import ToolAnnotations

    if getattr(Server.add_tool, "_h30_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h30_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()

TOOLS = _base.TOOLS
FAMILIES = _base.FAMILIES
