"""Markdown agents: `WORKSPACE/agents/*.md` (YAML front matter + system prompt), hot-reloaded,
plus the self-modification tools that let the model create and edit them (every edit versioned)."""

from llmos.agents.parse import Agent, check_name, load_agent_file, parse_agent, render_agent
from llmos.agents.registry import AgentRegistry
from llmos.agents.tools import agent_target, agent_tools

__all__ = [
    "Agent",
    "AgentRegistry",
    "agent_target",
    "agent_tools",
    "check_name",
    "load_agent_file",
    "parse_agent",
    "render_agent",
]
