"""Anthropic advanced tool use: deferred tools with server-side tool search, programmatic tool
calling (the code execution tool calls the run's tools), input examples, and the content blocks
these features add to a conversation (kept verbatim as `RawBlock`s and sent back unchanged).

Rules of the API kept here: the search tool is never deferred, at least one tool is not deferred,
and `input_examples` are not sent together with tool search (they are folded into the
description instead). The beta header `advanced-tool-use-2025-11-20` is sent only when the
installed SDK does not know these fields yet (the 2.x SDK has them in the GA types).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from llmos.models.base import ModelRequest, RawBlock, ToolCall, ToolSpec, examples_in_description

PROVIDER = "anthropic"
BETA = "advanced-tool-use-2025-11-20"
CODE_EXECUTION = {"type": "code_execution_20250825", "name": "code_execution"}
PROGRAMMATIC_CALLERS = ["direct", "code_execution_20250825"]
SEARCH_TOOLS = {
    "bm25": {"type": "tool_search_tool_bm25_20251119", "name": "tool_search_tool_bm25"},
    "regex": {"type": "tool_search_tool_regex_20251119", "name": "tool_search_tool_regex"},
}
EPHEMERAL = {"type": "ephemeral"}


@cache
def sdk_needs_beta() -> bool:
    """Whether the installed SDK predates GA advanced tool use (then the beta header is needed)."""
    try:
        from anthropic.types import ToolParam
    except ImportError:
        return True
    return "defer_loading" not in getattr(ToolParam, "__annotations__", {})


def tool_params(request: ModelRequest) -> tuple[list[dict[str, Any]], list[str]]:
    """(the `tools` of the request body, the beta headers it needs)."""
    specs = list(request.tools)
    deferred = any(s.defer_loading for s in specs)
    if deferred and all(s.defer_loading for s in specs):
        specs[0] = ToolSpec(specs[0].name, specs[0].description, specs[0].input_schema, specs[0].input_examples)
    tools: list[dict[str, Any]] = []
    if deferred:
        tools.append(dict(SEARCH_TOOLS[request.tool_search]))
    if request.programmatic_tools:
        tools.append(dict(CODE_EXECUTION))
    loaded: list[dict[str, Any]] = []
    later: list[dict[str, Any]] = []
    for spec in specs:
        if deferred:  # no input_examples with tool search: shown in the description instead
            spec = examples_in_description(spec)
        tool: dict[str, Any] = {"name": spec.name, "description": spec.description, "input_schema": spec.input_schema}
        if spec.input_examples:
            tool["input_examples"] = [dict(e) for e in spec.input_examples]
        if request.programmatic_tools:
            tool["allowed_callers"] = list(PROGRAMMATIC_CALLERS)
        if spec.defer_loading:
            tool["defer_loading"] = True
            later.append(tool)
        else:
            loaded.append(tool)
    tools += loaded
    # the cache breakpoint goes on the last tool that is part of the prompt (deferred ones are not)
    (tools[-1] if tools else {}).update(cache_control=EPHEMERAL)
    tools += later
    features = deferred or request.programmatic_tools or any("input_examples" in t for t in tools)
    return tools, [BETA] if features and sdk_needs_beta() else []


def raw_block(block: Any) -> RawBlock:
    data = block.model_dump(mode="json", exclude_none=True) if hasattr(block, "model_dump") else dict(block)
    return RawBlock(PROVIDER, data)


def caller_of(block: Any) -> dict[str, Any] | None:
    """The caller of a tool_use block when it is not the model itself (programmatic tool calling)."""
    caller = getattr(block, "caller", None)
    if caller is None:
        return None
    data: dict[str, Any] = (
        caller.model_dump(mode="json", exclude_none=True) if hasattr(caller, "model_dump") else dict(caller)
    )
    return None if data.get("type") == "direct" else data


def tool_use_param(call: ToolCall) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "tool_use", "id": call.id, "name": call.name, "input": call.arguments}
    if call.caller:
        block["caller"] = dict(call.caller)
    return block


def referenced_tools(block: RawBlock) -> list[str]:
    """The tool names a server-side tool search returned (`tool_reference` blocks)."""
    content = block.data.get("content")
    if block.data.get("type") != "tool_search_tool_result" or not isinstance(content, dict):
        return []
    refs = content.get("tool_references") or []
    return [str(r["tool_name"]) for r in refs if isinstance(r, dict) and r.get("tool_name")]
