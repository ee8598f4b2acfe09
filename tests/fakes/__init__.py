"""Fakes for tests: loopback servers that speak real wire formats."""

from .llm_server import FakeLLMServer, Recorded, Reply, ToolUse, error, llm_server, text, tool, tools

__all__ = ["FakeLLMServer", "Recorded", "Reply", "ToolUse", "error", "llm_server", "text", "tool", "tools"]
