"""Wiring the execution layer into a runtime: `run_code`, the tool offer of each run, tool examples.

register_code_mode(rt, sandbox)          # at start-up, when the sandbox works
configure_loop(rt, opts, mode)           # before each kernel loop: deferral, code mode, search, examples
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from llmos.kernel.offer import OfferRules

if TYPE_CHECKING:
    from llmos.execution.sandbox import Sandbox
    from llmos.kernel.loop import LoopOptions
    from llmos.runtime import LLMOS

STATS_TRACES = 200  # recent runs read for tool usage and examples


def register_code_mode(rt: LLMOS, sandbox: Sandbox) -> None:
    """Register `run_code` (offered per run by the loop's rules) unless code mode is off."""
    from llmos.execution.code_mode import run_code_tool
    from llmos.execution.sandbox import Sandbox

    ex = rt.config.execution
    if ex.code_mode == "off":
        return
    limits = sandbox.config.model_copy(update={"wall_s": max(sandbox.config.wall_s, ex.code_timeout_s)})
    tool = run_code_tool(Sandbox(limits), rt.registry, output_limit=ex.code_output_limit)
    rt.registry.register(tool, replace=True)


def configure_loop(rt: LLMOS, opts: LoopOptions, mode: str) -> None:
    """Set the offer rules of one kernel loop from [execution], the model and past runs."""
    from llmos.execution.examples import ToolStats

    ex = rt.config.execution
    anthropic = opts.model.provider == "anthropic"
    stats = ToolStats.from_traces(rt.traces.recent(STATS_TRACES))
    code_mode: bool | None = False
    if ex.code_mode == "on":
        code_mode = True
    elif ex.code_mode == "auto" and mode == "learner":
        code_mode = None  # offered when the run has more than code_mode_min_tools tools
    server_search = ex.tool_search == "server" or (ex.tool_search == "auto" and anthropic)
    opts.rules = OfferRules(
        code_mode=code_mode,
        code_mode_min_tools=ex.code_mode_min_tools,
        defer_threshold=ex.defer_threshold,
        max_loaded_tools=ex.max_loaded_tools,
        server_search=server_search,
        native_examples=anthropic,
        usage=dict(stats.calls),
    )
    opts.search_variant = ex.server_search_variant
    opts.programmatic = anthropic and ex.programmatic_tool_calling
    for t in rt.registry:
        if ex.tool_examples and ex.examples_per_tool:
            found = stats.examples(
                t.name, t.input_schema, limit=ex.examples_per_tool, min_success=ex.examples_min_success
            )
        else:
            found = []
        if found:
            t.metadata["input_examples"] = found
        else:
            t.metadata.pop("input_examples", None)


def tool_details(rt: LLMOS, name: str) -> dict[str, Any]:
    """What `llmos tools show NAME` prints: the tool, its schema, its use, and its examples."""
    from llmos.exceptions import UserError
    from llmos.execution.examples import ToolStats
    from llmos.learning.risk import hints_not_trusted

    t = rt.registry.get(name)
    if t is None:
        raise UserError(f"no tool named {name!r} in this workspace (see `llmos tools list`)")
    ex = rt.config.execution
    stats = ToolStats.from_traces(rt.traces.recent(STATS_TRACES))
    examples = stats.examples(name, t.input_schema, limit=ex.examples_per_tool, min_success=ex.examples_min_success)
    return {
        "name": t.name,
        "source": t.source,
        "kind": t.kind,
        "description": t.description,
        "input_schema": t.input_schema,
        "calls": stats.calls.get(name, 0),
        "success_rate": round(stats.success_rate(name), 4),
        "input_examples": examples if ex.tool_examples else [],
        # rule 4: why a hint that lowers its risk is not trusted (`tools.hint_trust`), or null
        "hints_not_trusted": hints_not_trusted(t) or None,
    }
