"""Tools: the `@tool` decorator, the registry, the built-in tools and the MCP client.

from llmos.tools import tool, ToolRegistry, builtin_tools, MCPManager

Every name is imported on first use: `llmos tools search` loads the ranking modules of this
package (`llmos.tools._search_rank`) without the tool machinery (pydantic, the configuration).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from llmos.tools.base import Tool, ToolContext, ToolOutput, tool
    from llmos.tools.builtin import builtin_tools
    from llmos.tools.mcp import MCPManager
    from llmos.tools.registry import ToolRegistry

_EXPORTS = {
    "Tool": "llmos.tools.base",
    "ToolContext": "llmos.tools.base",
    "ToolOutput": "llmos.tools.base",
    "tool": "llmos.tools.base",
    "builtin_tools": "llmos.tools.builtin",
    "ToolRegistry": "llmos.tools.registry",
    "MCPManager": "llmos.tools.mcp",  # most runs never need the MCP client
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = ["MCPManager", "Tool", "ToolContext", "ToolOutput", "ToolRegistry", "builtin_tools", "tool"]
