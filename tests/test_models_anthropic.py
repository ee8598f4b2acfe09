"""AnthropicModel with the real `anthropic` SDK against a loopback fake of the Messages API."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator

import pytest
from fakes.llm_server import FakeLLMServer, ToolUse, error, llm_server, text, tool, tools

from llmos.config import ModelConfig
from llmos.exceptions import MissingAPIKey, MissingDependency, ModelHTTPError
from llmos.models import resolve_model
from llmos.models.anthropic import AnthropicModel
from llmos.models.base import (
    Message,
    ModelRequest,
    StreamDone,
    TextDelta,
    ToolCall,
    ToolCallDelta,
    ToolResult,
    ToolSpec,
    collect,
)

__all__ = ["llm_server"]

SPEC = ToolSpec(
    "read_file",
    "Read a file",
    {"type": "object", "properties": {"path": {"type": "string"}}, "required": ["path"]},
)
OTHER = ToolSpec("list_dir", "List a directory", {"type": "object", "properties": {}})


@pytest.fixture
async def model(llm_server: FakeLLMServer) -> AsyncIterator[AnthropicModel]:
    m = AnthropicModel(api_key="k", base_url=llm_server.url, retry_base_delay=0.001, max_retries=2)
    yield m
    await m.aclose()


def request(**kw: object) -> ModelRequest:
    return ModelRequest(messages=[Message.user("Read a.txt")], system="You are terse.", tools=[OTHER, SPEC], **kw)  # type: ignore[arg-type]


async def test_text_reply_and_usage(model: AnthropicModel, llm_server: FakeLLMServer) -> None:
    llm_server.push(
        text(
            "hello",
            input_tokens=11,
            output_tokens=3,
            cache_creation_input_tokens=7,
            cache_read_input_tokens=5,
        )
    )
    r = await model.request(request())
    assert r.text == "hello" and r.stop_reason == "end_turn" and r.model == "claude-sonnet-4-5"
    assert (r.usage.input_tokens, r.usage.output_tokens) == (11, 3)
    assert (r.usage.cache_write_tokens, r.usage.cache_read_tokens) == (7, 5)
    sent = llm_server.requests[-1]
    assert sent.path == "/v1/messages"
    assert sent.headers.get("x-api-key") == "k" or sent.headers.get("authorization") == "Bearer k"


async def test_request_body_has_cache_markers_and_translation(model: AnthropicModel, llm_server: FakeLLMServer) -> None:
    llm_server.push(text("done"))
    messages = [
        Message.user("Read a.txt"),
        Message("assistant", [ToolCall("toolu_1", "read_file", {"path": "a.txt"})]),
        Message("user", [ToolResult("toolu_1", "no such file", is_error=True)]),
    ]
    await model.request(
        ModelRequest(
            messages=messages,
            system="sys",
            tools=[OTHER, SPEC],
            tool_choice="any",
            temperature=0.2,
            stop_sequences=["END"],
        )
    )
    body = llm_server.requests[-1].body
    assert body["system"] == [{"type": "text", "text": "sys", "cache_control": {"type": "ephemeral"}}]
    assert body["tools"][-1]["cache_control"] == {"type": "ephemeral"}
    assert "cache_control" not in body["tools"][0]
    assert body["tool_choice"] == {"type": "any"}
    assert body["temperature"] == 0.2 and body["stop_sequences"] == ["END"]
    assert body["messages"][1]["content"] == [
        {"type": "tool_use", "id": "toolu_1", "name": "read_file", "input": {"path": "a.txt"}}
    ]
    assert body["messages"][2]["content"] == [
        {"type": "tool_result", "tool_use_id": "toolu_1", "content": "no such file", "is_error": True}
    ]


async def test_tool_use_reply(model: AnthropicModel, llm_server: FakeLLMServer) -> None:
    llm_server.push(tools(ToolUse("read_file", {"path": "a.txt"}, id="toolu_9"), text="Let me look."))
    r = await model.request(request())
    assert r.stop_reason == "tool_use"
    assert r.text == "Let me look."
    assert r.tool_calls == [ToolCall("toolu_9", "read_file", {"path": "a.txt"})]


async def test_stream_text(model: AnthropicModel, llm_server: FakeLLMServer) -> None:
    llm_server.push(text("streaming is fun", input_tokens=20, cache_read_input_tokens=4))
    events = [e async for e in model.stream(request())]
    assert isinstance(events[-1], StreamDone) and sum(isinstance(e, StreamDone) for e in events) == 1
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "streaming is fun"
    done = events[-1].response
    assert done.text == "streaming is fun" and done.stop_reason == "end_turn"
    assert done.usage.input_tokens == 20 and done.usage.cache_read_tokens == 4 and done.usage.output_tokens > 0
    assert llm_server.requests[-1].body["stream"] is True


async def test_stream_tool_use(model: AnthropicModel, llm_server: FakeLLMServer) -> None:
    llm_server.push(tool("read_file", {"path": "dir/a.txt", "n": [1, 2]}, id="toolu_5"))
    events = [e async for e in model.stream(request())]
    deltas = [e for e in events if isinstance(e, ToolCallDelta)]
    assert [d.call for d in deltas] == [ToolCall("toolu_5", "read_file", {"path": "dir/a.txt", "n": [1, 2]})]
    final = await collect(_replay(events))
    assert final.stop_reason == "tool_use" and final.tool_calls == [deltas[0].call]


async def _replay(events: list[object]) -> AsyncIterator[object]:  # type: ignore[misc]
    for e in events:
        yield e


async def test_429_then_success(model: AnthropicModel, llm_server: FakeLLMServer) -> None:
    llm_server.push(error(429, headers={"retry-after": "0"}), text("after retry"))
    r = await model.request(request())
    assert r.text == "after retry"
    assert len(llm_server.requests) == 2


async def test_stream_retries_before_first_event(model: AnthropicModel, llm_server: FakeLLMServer) -> None:
    llm_server.push(error(529), text("ok now"))
    final = await collect(model.stream(request()))
    assert final.text == "ok now" and len(llm_server.requests) == 2


async def test_500_exhausted(model: AnthropicModel, llm_server: FakeLLMServer) -> None:
    body = {"type": "error", "error": {"type": "api_error", "message": "boom"}}
    llm_server.push(error(500, body), error(500, body), error(500, body), text("never"))
    with pytest.raises(ModelHTTPError) as info:
        await model.request(request())
    assert info.value.status == 500 and info.value.body == body and info.value.provider == "anthropic"
    assert len(llm_server.requests) == 3  # max_retries=2: three attempts


async def test_400_is_not_retried(model: AnthropicModel, llm_server: FakeLLMServer) -> None:
    llm_server.push(error(400), text("never"))
    with pytest.raises(ModelHTTPError) as info:
        await model.request(request())
    assert info.value.status == 400 and "scripted HTTP 400" in str(info.value)
    assert len(llm_server.requests) == 1


async def test_connection_error_is_status_0() -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    m = AnthropicModel(api_key="k", base_url=f"http://127.0.0.1:{port}", max_retries=1, retry_base_delay=0.001)
    with pytest.raises(ModelHTTPError) as info:
        await m.request(request())
    assert info.value.status == 0
    await m.aclose()


def test_missing_key_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(MissingAPIKey, match="ANTHROPIC_API_KEY"):
        AnthropicModel()
    with pytest.raises(MissingAPIKey, match="MY_KEY"):
        resolve_model(ModelConfig(provider="anthropic", api_key_env="MY_KEY"))
    monkeypatch.setenv("MY_KEY", "secret")
    assert isinstance(resolve_model(ModelConfig(provider="anthropic", api_key_env="MY_KEY")), AnthropicModel)


async def test_env_key_auth_token_and_base_url(monkeypatch: pytest.MonkeyPatch, llm_server: FakeLLMServer) -> None:
    monkeypatch.setenv("ANTHROPIC_AUTH_TOKEN", "tok")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", llm_server.url)
    m = resolve_model(ModelConfig(provider="anthropic", name="claude-haiku-4-5"))
    assert isinstance(m, AnthropicModel) and m.name == "claude-haiku-4-5"
    llm_server.push(text("hi"))
    assert (await m.request(request())).text == "hi"
    assert llm_server.requests[-1].headers.get("authorization") == "Bearer tok"
    assert llm_server.requests[-1].body["model"] == "claude-haiku-4-5"
    await m.aclose()


def test_missing_sdk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "anthropic", None)  # makes `import anthropic` fail
    with pytest.raises(MissingDependency, match="anthropic"):
        AnthropicModel(api_key="k")


def test_retry_policy_delays() -> None:
    from llmos.models._retry import HTTPFailure, RetryPolicy, retry_after

    policy = RetryPolicy(max_retries=3, base_delay=1.0, max_delay=5.0, max_retry_after=10.0)
    assert retry_after({"retry-after": "2"}) == 2.0
    assert retry_after({"Retry-After-Ms": "250"}) == 0.25
    assert retry_after({}) is None
    assert policy.delay(0, HTTPFailure(429, "", {"retry-after": "3600"})) == 10.0  # capped
    assert 0.5 <= policy.delay(0, HTTPFailure(500, "")) <= 1.0  # base * jitter
    assert 2.5 <= policy.delay(10, HTTPFailure(500, "")) <= 5.0  # capped backoff
    assert HTTPFailure(0, "timeout").retryable and HTTPFailure(529, "").retryable
    assert not HTTPFailure(404, "").retryable
    assert not HTTPFailure(503, "", {"x-should-retry": "false"}).retryable


async def test_volatile_system_text_stays_after_the_cache_breakpoint(
    model: AnthropicModel, llm_server: FakeLLMServer
) -> None:
    """The internal state changes every run: it must not invalidate the cached system prefix."""
    llm_server.push(text("ok"))
    await model.request(ModelRequest(messages=[Message.user("hi")], system="stable", system_volatile="[STATE]"))
    assert llm_server.requests[-1].body["system"] == [
        {"type": "text", "text": "stable", "cache_control": {"type": "ephemeral"}},
        {"type": "text", "text": "[STATE]"},
    ]
