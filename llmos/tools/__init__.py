"""Tools: the `@tool` decorator, the registry, the built-in tools and the MCP client.

from llmos.tools import tool, ToolRegistry, builtin_tools, MCPManager
"""

from __future__ import annotations

from llmos.tools.base import Tool, ToolContext, ToolOutput, tool
from llmos.tools.builtin import builtin_tools
from llmos.tools.mcp import MCPManager
from llmos.tools.registry import ToolRegistry

__all__ = ["MCPManager", "Tool", "ToolContext", "ToolOutput", "ToolRegistry", "builtin_tools", "tool"]
