"""Anthropic advanced tool use against the loopback fake: deferred tools with the server-side search
tool, tool_reference blocks, programmatic tool calling (allowed_callers, container reuse),
input_examples, the beta header; the OpenAI path unchanged; 1,000 tools -> ~10 full schemas."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from fakes.llm_server import FakeLLMServer, Reply, llm_server, text

from llmos.kernel.context import RunContext
from llmos.kernel.hooks import HookChain
from llmos.kernel.loop import LoopOptions, run_loop
from llmos.kernel.offer import OfferRules
from llmos.models import _anthropic_tools
from llmos.models.anthropic import AnthropicModel
from llmos.models.base import Message, ModelRequest, RawBlock, ToolCall, ToolSpec
from llmos.models.openai import OpenAIModel
from llmos.models.pricing import Pricing
from llmos.models.testmodel import TestModel
from llmos.tools.base import Tool, ToolContext, ToolOutput
from llmos.tools.registry import ToolRegistry
from llmos.tools.search import ToolSearch
from llmos.trace import Trace
from tests.runtime_support import quiet_config

__all__ = ["llm_server"]

SCHEMA = {"type": "object", "properties": {"path": {"type": "string"}}, "required": ["path"]}
READ = ToolSpec("read_file", "Read a file", SCHEMA, input_examples=[{"path": "a.txt"}, {"path": "src/x.py"}])
LIST = ToolSpec("list_dir", "List a directory", {"type": "object", "properties": {}}, defer_loading=True)
GREP = ToolSpec("grep", "Search text", {"type": "object", "properties": {}}, defer_loading=True)


@pytest.fixture
async def model(llm_server: FakeLLMServer) -> AsyncIterator[AnthropicModel]:
    m = AnthropicModel(api_key="k", base_url=llm_server.url, retry_base_delay=0.001, max_retries=0)
    yield m
    await m.aclose()


def req(tools: list[ToolSpec], **kw: Any) -> ModelRequest:
    return ModelRequest(messages=[Message.user("go")], tools=tools, **kw)


async def test_deferred_tools_with_the_search_tool(model: AnthropicModel, llm_server: FakeLLMServer) -> None:
    llm_server.push(text("ok"))
    await model.request(req([READ, LIST, GREP]))
    sent = llm_server.requests[-1]
    tools = sent.body["tools"]
    assert tools[0] == {"type": "tool_search_tool_bm25_20251119", "name": "tool_search_tool_bm25"}
    by = {t["name"]: t for t in tools}
    assert by["list_dir"]["defer_loading"] is True and by["grep"]["defer_loading"] is True
    assert "defer_loading" not in by["read_file"] and "defer_loading" not in tools[0]
    assert by["read_file"]["cache_control"] == {"type": "ephemeral"}  # the last tool in the prompt
    # no input_examples together with tool search: folded into the description
    assert "input_examples" not in by["read_file"] and '{"path": "a.txt"}' in by["read_file"]["description"]
    assert "advanced-tool-use" not in sent.headers.get("anthropic-beta", "")  # this SDK has the GA fields


async def test_regex_variant_beta_header_when_the_sdk_needs_it(
    model: AnthropicModel, llm_server: FakeLLMServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_anthropic_tools, "sdk_needs_beta", lambda: True)
    llm_server.push(text("ok"))
    await model.request(req([READ, LIST], tool_search="regex"))
    sent = llm_server.requests[-1]
    assert sent.body["tools"][0]["type"] == "tool_search_tool_regex_20251119"
    assert "advanced-tool-use-2025-11-20" in sent.headers["anthropic-beta"]


async def test_input_examples_without_tool_search(model: AnthropicModel, llm_server: FakeLLMServer) -> None:
    llm_server.push(text("ok"))
    await model.request(req([READ]))
    (tool,) = llm_server.requests[-1].body["tools"]
    assert tool["input_examples"] == [{"path": "a.txt"}, {"path": "src/x.py"}]
    assert tool["description"] == "Read a file"


async def test_tool_reference_blocks_go_back_verbatim(model: AnthropicModel, llm_server: FakeLLMServer) -> None:
    search_use = {
        "type": "server_tool_use",
        "id": "srvtoolu_1",
        "name": "tool_search_tool_bm25",
        "input": {"query": "dir"},
    }
    found = {
        "type": "tool_search_tool_result",
        "tool_use_id": "srvtoolu_1",
        "content": {
            "type": "tool_search_tool_search_result",
            "tool_references": [{"type": "tool_reference", "tool_name": "list_dir"}],
        },
    }
    use = {"type": "tool_use", "id": "toolu_1", "name": "list_dir", "input": {}}
    llm_server.push(Reply(blocks=[search_use, found, use], stop_reason="tool_use"), text("done"))
    response = await model.request(req([READ, LIST]))
    raws = [b for b in response.content if isinstance(b, RawBlock)]
    assert [b.data["type"] for b in raws] == ["server_tool_use", "tool_search_tool_result"]
    assert _anthropic_tools.referenced_tools(raws[1]) == ["list_dir"]
    assert response.tool_calls == [ToolCall("toolu_1", "list_dir", {})]
    from llmos.models.base import ToolResult

    history = [Message.user("go"), response.to_message(), Message("user", [ToolResult("toolu_1", "a\nb")])]
    await model.request(ModelRequest(messages=history, tools=[READ, LIST]))
    assistant = llm_server.requests[-1].body["messages"][1]["content"]
    assert assistant[:2] == [search_use, found] and assistant[2]["type"] == "tool_use"


class _Tools:
    @staticmethod
    def make(name: str, description: str = "", result: str = "ok") -> Tool:
        async def invoke(args: dict[str, Any], ctx: ToolContext) -> ToolOutput:
            return ToolOutput(result)

        return Tool(name, description or f"the {name} tool", {"type": "object", "properties": {}}, invoke)


def context(tmp_path: Path, tools: list[Tool]) -> RunContext:
    registry = ToolRegistry(tools)
    registry.register(ToolSearch(registry, embeddings=False).search_tool(lambda names: None))
    return RunContext(Trace(goal="g"), tmp_path, registry, HookChain(), quiet_config())


async def test_programmatic_calls_reuse_the_container(
    tmp_path: Path, model: AnthropicModel, llm_server: FakeLLMServer
) -> None:
    caller = {"type": "code_execution_20250825", "tool_id": "srvtoolu_ce"}
    code_use = {"type": "server_tool_use", "id": "srvtoolu_ce", "name": "code_execution", "input": {"code": "..."}}
    use = {"type": "tool_use", "id": "toolu_9", "name": "orders", "input": {}, "caller": caller}
    container = {"container": {"id": "container_7", "expires_at": "2026-12-02T00:00:00Z"}}
    llm_server.push(Reply(blocks=[code_use, use], stop_reason="tool_use", extra=container), text("total 42"))
    ctx = context(tmp_path, [_Tools.make("orders", result='{"n": 42}')])
    opts = LoopOptions(model=model, pricing=Pricing(), programmatic=True)
    outcome = await run_loop(ctx, opts, [Message.user("sum orders")])
    assert outcome.status == "success" and outcome.output == "total 42"
    first, second = (r.body for r in llm_server.requests[-2:])
    assert {"type": "code_execution_20250825", "name": "code_execution"} in first["tools"]
    orders = next(t for t in first["tools"] if t["name"] == "orders")
    assert orders["allowed_callers"] == ["direct", "code_execution_20250825"]
    assert "container" not in first and second["container"] == "container_7"
    sent_use = next(b for b in second["messages"][1]["content"] if b["type"] == "tool_use")
    assert sent_use["caller"] == caller
    # the programmatic call went through the seam and is in the trace
    assert [c.name for c in ctx.trace.tool_calls] == ["orders"] and ctx.trace.tool_calls[0].result == '{"n": 42}'


def test_openai_path_ignores_the_new_fields() -> None:
    m = OpenAIModel("gpt-x", api_key="k", base_url="http://127.0.0.1:9")
    body = m.params(req([READ, LIST], programmatic_tools=True, container="c"))
    assert [t["function"]["name"] for t in body["tools"]] == ["read_file", "list_dir"]
    assert all(set(t["function"]) == {"name", "description", "parameters"} for t in body["tools"])
    assert "container" not in body


def catalog(n: int) -> list[Tool]:
    return [_Tools.make(f"srv{i % 40}__tool_{i}", f"does thing number {i}") for i in range(n)]


async def test_a_thousand_tools_send_about_ten_schemas_client_side(tmp_path: Path) -> None:
    model = TestModel(script=["ok"])
    ctx = context(tmp_path, catalog(1000))
    usage = {"srv3__tool_3": 9, "srv7__tool_47": 4}
    opts = LoopOptions(model=model, pricing=Pricing(), rules=OfferRules(usage=usage))
    await run_loop(ctx, opts, [Message.user("hi")])
    names = [t.name for t in model.requests[0].tools]
    assert names[0] == "tool_search" and len(names) <= 11
    assert {"srv3__tool_3", "srv7__tool_47"} <= set(names)  # the most used stay loaded


async def test_a_thousand_tools_are_deferred_server_side(
    tmp_path: Path, model: AnthropicModel, llm_server: FakeLLMServer
) -> None:
    llm_server.push(text("ok"))
    ctx = context(tmp_path, catalog(1000))
    opts = LoopOptions(model=model, pricing=Pricing(), rules=OfferRules(server_search=True, native_examples=True))
    await run_loop(ctx, opts, [Message.user("hi")])
    tools = llm_server.requests[-1].body["tools"]
    loaded = [t for t in tools if not t.get("defer_loading")]
    assert tools[0]["name"] == "tool_search_tool_bm25" and len(loaded) <= 11
    assert len(tools) == 1001 and "tool_search" not in {t["name"] for t in tools}


async def test_a_paused_server_turn_is_sent_back_to_continue(
    tmp_path: Path, model: AnthropicModel, llm_server: FakeLLMServer
) -> None:
    search_use = {
        "type": "server_tool_use",
        "id": "srvtoolu_2",
        "name": "tool_search_tool_bm25",
        "input": {"query": "x"},
    }
    llm_server.push(Reply(blocks=[search_use], stop_reason="pause_turn"), text("finished"))
    ctx = context(tmp_path, [_Tools.make("orders")])
    outcome = await run_loop(ctx, LoopOptions(model=model, pricing=Pricing()), [Message.user("go")])
    assert outcome.status == "success" and outcome.output == "finished"
    assert llm_server.requests[-1].body["messages"][-1] == {"role": "assistant", "content": [search_use]}


async def test_a_configured_thousand_tool_mcp_server_sends_about_ten_schemas(tmp_path: Path) -> None:
    import json
    import sys

    from llmos.runtime import LLMOS

    server = Path(__file__).parent / "mcp_servers" / "catalog_server.py"
    cfg = quiet_config(
        mcp={"servers": {"cat": {"command": sys.executable, "args": [str(server)], "timeout_s": 120}}},
        execution={"code_mode": "off", "search_embeddings": "off"},  # no e5 index built in the background
    )
    model = TestModel(script=["ok"])
    async with LLMOS(workspace=tmp_path, config=cfg, model=model) as rt:
        assert len([t for t in rt.registry if t.source == "mcp:cat"]) == 1000
        await rt.execute("hello", mode="learner")
    tools = model.requests[0].tools
    assert len(tools) <= 11 and tools[0].name == "tool_search"
    assert sum(len(json.dumps(t.input_schema)) for t in tools) < 5000
