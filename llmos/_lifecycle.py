"""Starting and closing a runtime (`LLMOS.start`, `LLMOS.close`), kept out of runtime.py.

`start` opens the store and builds every layer in order (ledger, interrupted runs relabelled,
pricing, model, agents, versions, learning, sentience, tools, memory, hooks, evolution, telemetry,
MCP servers, durable runs last); whatever fails on the way closes what was opened. `close` undoes it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from llmos import _assembly as assembly
from llmos._log import logger
from llmos.kernel.economy import Ledger
from llmos.storage.factory import open_database
from llmos.storage.traces import TraceStore
from llmos.tools.registry import ToolRegistry

if TYPE_CHECKING:
    from llmos.models.base import Model
    from llmos.runtime import LLMOS
    from llmos.storage.base import StoreDB


async def start(rt: LLMOS) -> None:
    if rt._started:
        return
    from llmos.agents import AgentRegistry, agent_tools
    from llmos.learning.engine import LearningEngine
    from llmos.learning.risk import registry_risk
    from llmos.models.pricing import Pricing
    from llmos.sentience import Sentience
    from llmos.storage.versions import VersionStore

    cfg = rt.config
    rt.db = open_database(rt.workspace, cfg)
    try:  # whatever fails while starting (a bad hook path, a missing key...) closes what was opened
        rt.traces = TraceStore(rt.db)
        rt.ledger = Ledger(rt.db, cfg.budget)
        rt.ledger.settle_abandoned()  # reservations of a killed process: settled now, not in an hour
        from llmos.ops.interrupted import relabel_interrupted

        if rt.resumable is None and cfg.durable.enabled is not False:
            from llmos.execution.durable import resumable

            rt.resumable = resumable(rt, default=rt.durable_default)
        rt.interrupted = relabel_interrupted(rt.traces, resumable=rt.resumable)
        rt.pricing = Pricing(cfg.pricing)
        rt.model = rt._resolve(rt._model_arg)
        rt.agents = AgentRegistry(rt.workspace)
        rt.versions = VersionStore(rt.db, rt.workspace, git=cfg.evolution.git)
        rt.learning = LearningEngine(rt.db, cfg.learning)
        rt.sentience = Sentience(rt.db, cfg.sentience, traces=rt.traces)
        rt.registry = ToolRegistry()
        keep_tool_notes(rt.registry, rt.db)  # rule 4: a hint a tool contradicted stays untrusted
        from llmos.memory.wiring import start_memory

        rt.memory = start_memory(rt)
        rt.learning.risk_of = registry_risk(rt.registry)  # rule 4: evidence scaled to what tools do
        assembly.register_tools(rt, agent_tools(rt.agents, rt.versions))
        assembly.sync_agent_tools(rt)
        rt.hooks = assembly.build_hooks(rt)
        rt.evolution = assembly.start_evolution(rt)
        rt._started = True
        from llmos.telemetry import from_environment

        rt.telemetry = rt.telemetry or from_environment(rt)
        await start_mcp(rt)
        assembly.prepare_tool_search(rt)  # a slow (e5) index starts building now, in the background
    except BaseException:
        await rt.close()
        raise
    rt._known_tools = set(rt.registry.names())
    if rt.config.durable.enabled is not False:  # last: DBOS resumes unfinished runs at once
        from llmos.execution.durable import start_durable

        try:
            rt.durable = start_durable(rt, default=rt.durable_default)
        except BaseException:
            await rt.close()
            raise


def model_client(rt: LLMOS, model: Model | str | None) -> Model:
    """A Model object, from the configuration or a spec string (cached: one client per spec)."""
    from llmos.models import parse_model_spec, resolve_model

    if model is not None and not isinstance(model, str):
        return model
    key = model or ""
    if key not in rt._models:
        cfg = rt.config.model
        if model:
            provider, name = parse_model_spec(model)
            cfg = cfg.model_copy(update={"provider": provider, "name": name})
        rt._models[key] = resolve_model(cfg)
    return rt._models[key]


def keep_tool_notes(registry: ToolRegistry, db: StoreDB) -> None:
    """The registry applies the stored notes on tools (`storage.tool_notes`) and stores new ones."""
    from llmos.storage.tool_notes import ToolNoteStore
    from llmos.tools.hint_trust import NOTE

    store = ToolNoteStore(db)

    def save(source: str, name: str, why: str) -> None:
        store.save(source, name, NOTE, why)

    registry.keep_notes(store.load(NOTE), save)


async def start_mcp(rt: LLMOS) -> None:
    servers = {n: s for n, s in rt.config.mcp.servers.items() if s.enabled}
    if not servers or not rt._start_mcp_servers:
        return
    from llmos.tools.mcp import MCPManager, ToolListCache

    # lazy: a server whose tool list is cached starts on first use; a broken one is skipped.
    # The cache is the one `llmos tools search` reads and writes too.
    rt._mcp = MCPManager(servers, cwd=rt.workspace)
    for t in await rt._mcp.start_lazy(ToolListCache.of_workspace(rt.workspace)):
        rt.registry.register(t, replace=True)
    for warning in rt._mcp.warnings:
        logger.info("%s", warning)
    rt.watchdog.watch_mcp(rt._mcp)


async def close(rt: LLMOS) -> None:
    if rt.durable is not None:
        durable, rt.durable = rt.durable, None
        await durable.close()
    if rt.telemetry is not None:
        telemetry, rt.telemetry = rt.telemetry, None
        telemetry.close()
    await rt.watchdog.close()
    if rt._mcp is not None:
        mcp, rt._mcp = rt._mcp, None
        await mcp.close()
    models, rt._models = list(rt._models.values()), {}
    for m in models:
        aclose = getattr(m, "aclose", None)
        if callable(aclose):
            try:
                await aclose()
            except Exception:  # closing a client must not hide the real outcome
                logger.debug("closing model client failed", exc_info=True)
    if rt.db is not None:
        rt.db.close()
        rt.db = None
    rt._started = False


def health(rt: LLMOS) -> dict[str, Any]:
    """Readiness details for GET /healthz: started, tools, MCP servers."""
    out: dict[str, Any] = {"started": rt._started, "tools": len(rt.registry) if rt._started else 0}
    if rt._mcp is not None:
        out["mcp_servers"] = rt._mcp.status()
    if rt.durable is not None:
        out["durable"] = rt.durable.status()
    return out
