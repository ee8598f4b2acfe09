"""Assembling a runtime from its parts: the tool registry, the hook chain, evolution.

Kept apart from `llmos.runtime` so the facade reads as lifecycle + execution; these functions
only wire components together (what is built-in, in which order), they hold no state of their own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmos.kernel.economy import BudgetHook
from llmos.kernel.hooks import HookChain, load_hook
from llmos.storage.checkpoint import TraceCheckpoint

# rarely needed tools with long schemas: offered on demand through tool_search (see kernel.loop)
DEFERRED_TOOLS = frozenset(
    {"create_agent", "modify_agent", "list_agents", "create_tool", "memory_write", "memory_search"}
)

if TYPE_CHECKING:
    from llmos.evolution import Evolution
    from llmos.runtime import LLMOS
    from llmos.tools.base import Tool


def register_tools(rt: LLMOS, agent_tools: list[Tool]) -> None:
    """Built-in tools, the agents' self-modification tools, the caller's tools, tool search."""
    from llmos._search_fast import index_dir as search_index_dir
    from llmos.tools.builtin import builtin_tools
    from llmos.tools.search import ToolSearch

    if rt.config.tools.builtin:
        from llmos.execution.sandbox.shell import shell_runner  # run_command runs under bubblewrap

        for t in builtin_tools(rt.workspace, rt.config, runner=shell_runner(rt.config.sandbox)):
            rt.registry.register(t)
    for t in agent_tools:
        rt.registry.register(_defer(t))
    if rt.memory is not None:
        from llmos.memory.tools import memory_tools

        for t in memory_tools(rt.memory):
            rt.registry.register(_defer(t))
    for t in rt._extra_tools:
        rt.registry.register(t, replace=True)
    embeddings = {"on": True, "off": False}.get(rt.config.execution.search_embeddings)
    finder = ToolSearch(
        rt.registry,
        embeddings=embeddings,
        cache_dir=rt.workspace / ".llmos" / "cache" / "embeddings",
        index_dir=search_index_dir(rt.workspace),  # the saved indexes `llmos tools search` uses too
        background=True,
    )
    rt.tool_search = finder
    rt.registry.register(finder.search_tool(lambda names: None), replace=True)


def prepare_tool_search(rt: LLMOS) -> None:
    """Load the saved tool-search index of the registry's tools, or start building it in the
    background when that needs e5 vectors (the first searches answer from a quick index meanwhile).
    Not when the provider searches deferred tools itself (Anthropic): a run whose model uses the
    client-side search after all builds it on its first search, the same way."""
    ex = rt.config.execution
    server_search = ex.tool_search == "server" or (ex.tool_search == "auto" and rt.model.provider == "anthropic")
    if rt.tool_search is not None and not server_search:
        rt.tool_search.prepare()


def sync_agent_tools(rt: LLMOS) -> None:
    """Every Markdown agent as a tool `agent__NAME` (agents created meanwhile included)."""
    from llmos.execution.orchestration.agent_tools import sync_agent_tools as sync

    sync(rt)


def build_hooks(rt: LLMOS) -> HookChain:
    """Built-in hooks first (security, sentience, budget), then configured and caller hooks."""
    from llmos.kernel.policy import SecurityHook, SecurityPolicy

    chain = HookChain()
    if rt.config.security.enabled:
        chain.add(SecurityHook(SecurityPolicy(rt.workspace, rt.config.security)))
    chain.add(rt.sentience.hook())
    if rt.memory is not None:  # before the budget: the reservation counts the recalled facts
        from llmos.memory.hook import MemoryHook

        chain.add(MemoryHook(rt.memory))
    chain.add(BudgetHook(rt.ledger, rt.pricing))
    chain.add(TraceCheckpoint(rt.traces))  # a killed run leaves its partial trace
    for path in rt.config.hooks.paths:
        chain.add(load_hook(path))
    chain.extend(rt._extra_hooks)
    return chain


def start_evolution(rt: LLMOS) -> Evolution:
    """Crystallized tools (loaded from the change log), the cognitive kernel's crystallize action,
    and model-written tools where untrusted code can be contained."""
    from llmos.evolution import Evolution
    from llmos.evolution.create_tool import create_tool_tool, load_created_tools
    from llmos.execution.sandbox import Sandbox

    assert rt.db is not None
    evolution = Evolution(
        rt.db, rt.workspace, rt.registry, rt.versions, rt.config.evolution, plans=rt.learning.index.plans.get
    )
    evolution.load()
    rt.sentience.register_action("crystallize", evolution.crystallize_action)
    sandbox = Sandbox(rt.config.sandbox)
    evolution.sandbox = sandbox
    if sandbox.available()[0]:
        rt.registry.register(_defer(create_tool_tool(sandbox, rt.registry, versions=rt.versions)), replace=True)
        load_created_tools(rt.workspace, sandbox, rt.registry)
        from llmos.execution.layer import register_code_mode

        register_code_mode(rt, sandbox)
    return evolution


def _defer(tool: Tool) -> Tool:
    if tool.name in DEFERRED_TOOLS:
        tool.metadata["defer"] = True
    return tool
