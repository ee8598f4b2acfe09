"""Self-modification tools: the model creates and edits Markdown agents, every edit versioned.

    tools = agent_tools(AgentRegistry(workspace), VersionStore(db, workspace))

`create_agent` and `modify_agent` write `agents/NAME.md` through `VersionStore.write`, so each
edit is logged with who/why/diff and can be reverted (`llmos agents revert NAME`). The registry
sees the new file on its next call. Modifying a builtin agent copies it into the workspace
first; reverting that change deletes the copy and the builtin comes back.

Who made the change is `ctx.extra["who"]` when the runtime sets it, else "model".
"""

from __future__ import annotations

import dataclasses
from typing import Any

from llmos.agents.parse import Agent, check_name, parse_agent, render_agent
from llmos.agents.registry import AgentRegistry
from llmos.exceptions import AgentError
from llmos.storage.versions import VersionStore
from llmos.tools.base import Tool, ToolContext, ToolOutput, function_tool

SOURCE = "agents"


def agent_target(name: str) -> str:
    """The change-log target of an agent ("agent:NAME")."""
    return f"agent:{name}"


def _who(ctx: ToolContext) -> str:
    return str(ctx.extra.get("who") or "model")


def _clean_tools(tools: list[str] | None) -> list[str] | None:
    if tools is None:
        return None
    cleaned = [t.strip() for t in tools]
    if not all(cleaned):
        raise AgentError("tools must be non-empty tool names or glob patterns")
    return cleaned


def _checked(agent: Agent, registry: AgentRegistry) -> str:
    """The file text of `agent`, proven to parse back (so a tool never writes a broken file)."""
    text = render_agent(agent)
    parse_agent(text, path=registry.path_for(agent.name))
    return text


def create(
    registry: AgentRegistry,
    versions: VersionStore,
    ctx: ToolContext,
    name: str,
    description: str,
    system_prompt: str,
    tools: list[str] | None = None,
    model: str | None = None,
    reason: str = "",
) -> ToolOutput:
    """Write a new workspace agent (the body of the create_agent tool)."""
    check_name(name)
    if not description.strip():
        raise AgentError("description must not be empty")
    if not system_prompt.strip():
        raise AgentError("system_prompt must not be empty")
    path = registry.path_for(name)
    if path.exists() or registry.builtin(name) is not None:
        raise AgentError(f"an agent named {name!r} already exists: use modify_agent to change it")
    agent = Agent(
        name=name,
        description=description.strip(),
        system_prompt=system_prompt,
        tools=_clean_tools(tools),
        model=(model or "").strip() or None,
        path=path,
    )
    change = versions.write(
        "agent.create",
        agent_target(name),
        path,
        _checked(agent, registry),
        who=_who(ctx),
        why=reason.strip() or f"create agent {name}",
        run_id=ctx.run_id or None,
        expect_before=None,
    )
    return ToolOutput(
        f"Created agent {name!r} in agents/{name}.md (change {change.id}). "
        f'Use it with `llmos run --agent {name} "..."`.',
        data={"name": name, "path": str(path), "change_id": change.id},
    )


def modify(
    registry: AgentRegistry,
    versions: VersionStore,
    ctx: ToolContext,
    name: str,
    description: str | None = None,
    system_prompt: str | None = None,
    tools: list[str] | None = None,
    model: str | None = None,
    reason: str = "",
) -> ToolOutput:
    """Edit an agent, copying a builtin into the workspace first (the body of modify_agent)."""
    current = registry.get(name)
    path = registry.path_for(name)
    before: str | None = None
    if current.source == "workspace":
        before = path.read_text(encoding="utf-8")
        current = parse_agent(before, path=path)
    updated = dataclasses.replace(current, path=path, source="workspace")
    if description is not None:
        if not description.strip():
            raise AgentError("description must not be empty")
        updated.description = description.strip()
    if system_prompt is not None:
        if not system_prompt.strip():
            raise AgentError("system_prompt must not be empty")
        updated.system_prompt = system_prompt
    if tools is not None:
        updated.tools = _clean_tools(tools)
    if model is not None:
        updated.model = model.strip() or None
    text = _checked(updated, registry)
    if text == render_agent(current):
        raise AgentError(f"nothing to change: agent {name!r} already has these values")
    why = reason.strip() or f"modify agent {name}"
    if before is None:
        why += " (copied from the builtin agent)"
    change = versions.write(
        "agent.modify",
        agent_target(name),
        path,
        text,
        who=_who(ctx),
        why=why,
        run_id=ctx.run_id or None,
        expect_before=before,
    )
    return ToolOutput(
        f"Modified agent {name!r} (change {change.id}).\n{change.diff}",
        data={"name": name, "path": str(path), "change_id": change.id},
    )


def agent_tools(registry: AgentRegistry, versions: VersionStore) -> list[Tool]:
    """create_agent, modify_agent and list_agents bound to one workspace."""

    def create_agent(
        ctx: ToolContext,
        name: str,
        description: str,
        system_prompt: str,
        tools: list[str] | None = None,
        model: str | None = None,
        reason: str = "",
    ) -> ToolOutput:
        """Create a new agent: a reusable system prompt with its own tools and model, saved as agents/NAME.md.

        Args:
            name: lowercase letters, digits and hyphens, e.g. "haiku-poet"
            description: one sentence saying what the agent is for
            system_prompt: the agent's instructions (Markdown), written to the agent in the second person
            tools: tool names or glob patterns the agent may use; omit for every tool, [] for none
            model: optional model spec such as "anthropic:claude-haiku-4-5"; omit for the default model
            reason: why this agent is being created (kept in the change log)
        """
        return create(registry, versions, ctx, name, description, system_prompt, tools, model, reason)

    def modify_agent(
        ctx: ToolContext,
        name: str,
        description: str | None = None,
        system_prompt: str | None = None,
        tools: list[str] | None = None,
        model: str | None = None,
        reason: str = "",
    ) -> ToolOutput:
        """Change an existing agent; only the given fields change. Builtin agents are copied to the workspace.

        Args:
            name: the agent to change
            description: new one-sentence description
            system_prompt: new instructions, replacing the old ones entirely
            tools: new list of tool names or glob patterns (["*"] for every tool, [] for none)
            model: new model spec; "" to go back to the default model
            reason: why the agent is being changed (kept in the change log)
        """
        return modify(registry, versions, ctx, name, description, system_prompt, tools, model, reason)

    def list_agents() -> dict[str, Any]:
        """List the available agents (name, description, tools, model) and any broken agent files."""
        agents = [
            {
                "name": a.name,
                "description": a.description,
                "tools": a.tools,
                "model": a.model,
                "source": a.source,
            }
            for a in registry.list()
        ]
        return {"agents": agents, "errors": registry.errors()}

    return [
        function_tool(create_agent, source=SOURCE, kind="file_write"),
        function_tool(modify_agent, source=SOURCE, kind="file_write"),
        function_tool(list_agents, source=SOURCE, kind="function"),
    ]
