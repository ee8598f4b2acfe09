"""Tools: the `@tool` decorator, the registry, the built-in tools and the MCP client.

from llmos.tools import tool, ToolRegistry, builtin_tools, MCPManager
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from llmos.tools.base import Tool, ToolContext, ToolOutput, tool
from llmos.tools.builtin import builtin_tools
from llmos.tools.registry import ToolRegistry

if TYPE_CHECKING:
    from llmos.tools.mcp import MCPManager


def __getattr__(name: str) -> Any:
    """`MCPManager` is imported on first use: most runs never need the MCP client."""
    if name == "MCPManager":
        from llmos.tools.mcp import MCPManager

        return MCPManager
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["MCPManager", "Tool", "ToolContext", "ToolOutput", "ToolRegistry", "builtin_tools", "tool"]
