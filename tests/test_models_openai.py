"""OpenAIModel with the real `openai` SDK against a loopback fake of chat completions."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator

import pytest
from fakes.llm_server import FakeLLMServer, ToolUse, error, llm_server, text, tool, tools

from llmos.config import ModelConfig
from llmos.exceptions import (
    MissingAPIKey,
    MissingDependency,
    ModelHTTPError,
    ModelResponseError,
    UnknownProvider,
)
from llmos.models import parse_model_spec, resolve_model
from llmos.models.base import (
    Message,
    ModelRequest,
    StreamDone,
    TextDelta,
    ToolCall,
    ToolCallDelta,
    ToolResult,
    ToolSpec,
)
from llmos.models.openai import OpenAIModel
from llmos.models.testmodel import TestModel

__all__ = ["llm_server"]

SPEC = ToolSpec("read_file", "Read a file", {"type": "object", "properties": {"path": {"type": "string"}}})


@pytest.fixture
async def model(llm_server: FakeLLMServer) -> AsyncIterator[OpenAIModel]:
    m = OpenAIModel("gpt-test", api_key="k", base_url=llm_server.url + "/v1", retry_base_delay=0.001, max_retries=2)
    yield m
    await m.aclose()


def request(**kw: object) -> ModelRequest:
    return ModelRequest(messages=[Message.user("Read a.txt")], system="Be terse.", tools=[SPEC], **kw)  # type: ignore[arg-type]


async def test_text_and_usage_with_cache(model: OpenAIModel, llm_server: FakeLLMServer) -> None:
    llm_server.push(text("hello", prompt_tokens=100, cached_tokens=60, completion_tokens=7))
    r = await model.request(request())
    assert r.text == "hello" and r.stop_reason == "end_turn" and r.model == "gpt-test"
    assert (r.usage.input_tokens, r.usage.cache_read_tokens, r.usage.output_tokens) == (40, 60, 7)
    assert r.usage.cache_write_tokens == 0
    sent = llm_server.requests[-1]
    assert sent.path == "/v1/chat/completions" and sent.headers["authorization"] == "Bearer k"


async def test_request_translation(model: OpenAIModel, llm_server: FakeLLMServer) -> None:
    messages = [
        Message.user("Read a.txt"),
        Message("assistant", [ToolCall("c1", "read_file", {"path": "a.txt"})]),
        Message("user", [ToolResult("c1", "missing", is_error=True)]),
    ]
    await model.request(ModelRequest(messages=messages, system="sys", tools=[SPEC], tool_choice="any"))
    body = llm_server.requests[-1].body
    assert body["messages"][0] == {"role": "system", "content": "sys"}
    assert body["messages"][2]["tool_calls"][0]["function"] == {
        "name": "read_file",
        "arguments": '{"path": "a.txt"}',
    }
    assert body["messages"][3] == {"role": "tool", "tool_call_id": "c1", "content": "ERROR: missing"}
    assert body["tools"][0]["function"]["parameters"] == SPEC.input_schema
    assert body["tool_choice"] == "required"
    assert body["max_tokens"] == 4096  # a non-OpenAI base URL gets the widely supported name


async def test_tool_call_string_arguments(model: OpenAIModel, llm_server: FakeLLMServer) -> None:
    llm_server.push(tool("read_file", {"path": "a.txt"}, id="call_1"))
    r = await model.request(request())
    assert r.stop_reason == "tool_use" and r.tool_calls == [ToolCall("call_1", "read_file", {"path": "a.txt"})]


async def test_arguments_as_object_missing_ids_and_empty(model: OpenAIModel, llm_server: FakeLLMServer) -> None:
    llm_server.push(
        tools(
            ToolUse("read_file", {}, id=None, raw_arguments={"path": "b.txt"}),
            ToolUse("list_dir", {}, id=None, raw_arguments=""),
        )
    )
    r = await model.request(request())
    first, second = r.tool_calls
    assert first.arguments == {"path": "b.txt"} and second.arguments == {}
    assert first.id and second.id and first.id != second.id


async def test_invalid_json_arguments(model: OpenAIModel, llm_server: FakeLLMServer) -> None:
    llm_server.push(tool("read_file", {}, raw_arguments='{"path": "a.txt"'))
    with pytest.raises(ModelResponseError, match=r"read_file.*\{\"path\": \"a.txt\""):
        await model.request(request())


async def test_stream_text(model: OpenAIModel, llm_server: FakeLLMServer) -> None:
    llm_server.push(text("a streamed answer", prompt_tokens=50, cached_tokens=10, completion_tokens=5))
    events = [e async for e in model.stream(request())]
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "a streamed answer"
    assert isinstance(events[-1], StreamDone) and sum(isinstance(e, StreamDone) for e in events) == 1
    usage = events[-1].response.usage
    assert (usage.input_tokens, usage.cache_read_tokens, usage.output_tokens) == (40, 10, 5)
    assert llm_server.requests[-1].body["stream_options"] == {"include_usage": True}


async def test_stream_tool_calls(model: OpenAIModel, llm_server: FakeLLMServer) -> None:
    llm_server.push(
        tools(
            ToolUse("read_file", {"path": "x/y.txt"}, id="c1"),
            ToolUse("list_dir", {}, id="c2", raw_arguments={"path": "."}),
        )
    )
    events = [e async for e in model.stream(request())]
    calls = [e.call for e in events if isinstance(e, ToolCallDelta)]
    assert calls == [
        ToolCall("c1", "read_file", {"path": "x/y.txt"}),
        ToolCall("c2", "list_dir", {"path": "."}),
    ]
    done = events[-1]
    assert isinstance(done, StreamDone) and done.response.stop_reason == "tool_use"
    assert done.response.tool_calls == calls


async def test_429_then_success_and_500_exhausted(model: OpenAIModel, llm_server: FakeLLMServer) -> None:
    llm_server.push(error(429, headers={"retry-after": "0"}), text("ok"))
    assert (await model.request(request())).text == "ok"
    body = {"error": {"message": "down", "type": "server_error"}}
    llm_server.push(error(503, body), error(503, body), error(503, body))
    with pytest.raises(ModelHTTPError) as info:
        await model.request(request())
    assert info.value.status == 503 and info.value.body == body and info.value.provider == "openai"
    assert len(llm_server.requests) == 5


async def test_400_not_retried(model: OpenAIModel, llm_server: FakeLLMServer) -> None:
    llm_server.push(error(400, {"error": {"message": "bad"}}))
    with pytest.raises(ModelHTTPError) as info:
        await model.request(request())
    assert info.value.status == 400 and len(llm_server.requests) == 1


def test_keys_and_local_servers(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(MissingAPIKey, match="OPENAI_API_KEY"):
        OpenAIModel()
    with pytest.raises(MissingAPIKey):
        OpenAIModel(base_url="https://api.openai.com/v1")
    local = OpenAIModel("m", base_url="http://127.0.0.1:9/v1")  # no key needed for a local server
    assert local.provider == "openai"
    ollama = resolve_model(ModelConfig(provider="ollama"))
    assert isinstance(ollama, OpenAIModel)
    assert (ollama.provider, ollama.name, ollama.base_url) == (
        "ollama",
        "llama3.2",
        "http://localhost:11434/v1",
    )
    vllm = resolve_model(ModelConfig(provider="vllm", name="qwen"))
    assert isinstance(vllm, OpenAIModel) and vllm.base_url == "http://localhost:8000/v1"
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    assert isinstance(resolve_model(ModelConfig(provider="openai")), OpenAIModel)


async def test_env_base_url_and_key(monkeypatch: pytest.MonkeyPatch, llm_server: FakeLLMServer) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "envkey")
    monkeypatch.setenv("OPENAI_BASE_URL", llm_server.url + "/v1")
    m = resolve_model(ModelConfig(provider="openai", name="gpt-4o-mini"))
    assert (await m.request(request())).text == "ok"
    assert llm_server.requests[-1].headers["authorization"] == "Bearer envkey"
    assert llm_server.requests[-1].body["model"] == "gpt-4o-mini"
    await m.aclose()  # type: ignore[attr-defined]


def test_missing_sdk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "openai", None)
    with pytest.raises(MissingDependency, match="openai"):
        OpenAIModel(api_key="k")


def test_parse_model_spec_and_resolve() -> None:
    assert parse_model_spec("test") == ("test", "")
    assert parse_model_spec("anthropic:claude-sonnet-4-5") == ("anthropic", "claude-sonnet-4-5")
    assert parse_model_spec("openai:gpt-4o-mini") == ("openai", "gpt-4o-mini")
    assert parse_model_spec("ollama:llama3.2") == ("ollama", "llama3.2")
    assert parse_model_spec("claude-haiku-4-5") == ("anthropic", "claude-haiku-4-5")
    assert parse_model_spec("gpt-4o") == ("openai", "gpt-4o")
    with pytest.raises(UnknownProvider, match="anthropic, openai, test"):
        parse_model_spec("mystery:model")
    with pytest.raises(UnknownProvider, match="known providers"):
        resolve_model(ModelConfig(provider="mystery"))
    assert isinstance(resolve_model(ModelConfig()), TestModel)
