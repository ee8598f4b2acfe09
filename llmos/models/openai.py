"""OpenAI chat completions through the official `openai` SDK (`AsyncOpenAI`).

Works against any OpenAI-compatible server: OpenAI itself, Ollama, vLLM, llama.cpp, LM Studio.
- Base URL: `base_url=`, else `OPENAI_BASE_URL`, else api.openai.com.
- Key: `api_key=`, else the variable named by `[model] api_key_env`, else `OPENAI_API_KEY`. A local
  server usually needs none: for any base URL other than api.openai.com a placeholder is sent.
- Tolerant of local servers: tool arguments as a JSON string or an object, missing tool call ids,
  empty arguments. Arguments that are not JSON raise `ModelResponseError` naming the tool.
- Usage: `prompt_tokens` includes cached tokens, so input = prompt - cached and cache_read = cached.
"""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from llmos.exceptions import MissingAPIKey, MissingDependency, ModelResponseError
from llmos.models._retry import RetryPolicy, call_with_retries, sdk_classifier
from llmos.models.base import (
    Message,
    ModelRequest,
    ModelResponse,
    StopReason,
    StreamDone,
    StreamEvent,
    TextBlock,
    TextDelta,
    ToolCall,
    ToolCallDelta,
    ToolResult,
    Usage,
)

if TYPE_CHECKING:
    from llmos.config import ModelConfig

DEFAULT_MODEL = "gpt-4o-mini"
DEFAULT_KEY_ENV = "OPENAI_API_KEY"
BASE_URL_ENV = "OPENAI_BASE_URL"
OPENAI_HOST = "api.openai.com"
PLACEHOLDER_KEY = "not-needed"  # local servers ignore the key, but the SDK wants one
_FINISH: dict[str, StopReason] = {
    "stop": "end_turn",
    "tool_calls": "tool_use",
    "function_call": "tool_use",
    "length": "max_tokens",
    "content_filter": "refusal",
}
_TOOL_CHOICE = {"auto": "auto", "any": "required", "none": "none"}


class OpenAIModel:
    """A chat model over the OpenAI chat completions API (or a compatible server)."""

    def __init__(
        self,
        name: str | None = None,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        max_retries: int = 4,
        timeout_s: float = 120.0,
        max_tokens: int | None = None,
        temperature: float | None = None,
        retry_base_delay: float = 0.5,
        api_key_env: str | None = None,
        provider: str = "openai",
    ) -> None:
        try:
            import openai
        except ImportError as e:
            raise MissingDependency("openai", "openai") from e
        self._sdk: Any = openai
        self.provider = provider
        self.name = name or DEFAULT_MODEL
        self.base_url = base_url or os.environ.get(BASE_URL_ENV) or None
        self.is_openai = self.base_url is None or urlparse(self.base_url).hostname == OPENAI_HOST
        self._api_key = self._key(api_key, api_key_env)
        self.timeout_s = timeout_s
        self.max_tokens = max_tokens  # a ceiling on every request's max_tokens, when set
        self.temperature = temperature
        self.retry = RetryPolicy(max_retries=max_retries, base_delay=retry_base_delay)
        self._classify = sdk_classifier(openai)
        self._client: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @classmethod
    def from_config(cls, config: ModelConfig, *, provider: str = "openai") -> OpenAIModel:
        return cls(
            config.name or None,
            base_url=config.base_url,
            max_retries=config.max_retries,
            timeout_s=config.timeout_s,
            max_tokens=config.max_tokens,
            temperature=config.temperature,
            api_key_env=config.api_key_env,
            provider=provider,
        )

    def __repr__(self) -> str:
        return f"OpenAIModel({self.name!r}, provider={self.provider!r}, base_url={self.base_url!r})"

    def _key(self, api_key: str | None, api_key_env: str | None) -> str:
        var = api_key_env or DEFAULT_KEY_ENV
        key = api_key or os.environ.get(var)
        if key:
            return key
        if not self.is_openai:
            return PLACEHOLDER_KEY
        raise MissingAPIKey(
            f"no OpenAI API key: set {var}"
            + ("" if api_key_env else " (or name another variable with [model] api_key_env)")
            + ", or set [model] base_url / OPENAI_BASE_URL for a local OpenAI-compatible server"
        )

    def _sdk_client(self) -> Any:
        """One SDK client per event loop (an httpx pool must not outlive its loop)."""
        loop = asyncio.get_running_loop()
        if self._client is None or self._loop is not loop:
            self._client = self._sdk.AsyncOpenAI(
                api_key=self._api_key, base_url=self.base_url, max_retries=0, timeout=self.timeout_s
            )
            self._loop = loop
        return self._client

    async def aclose(self) -> None:
        """Close the HTTP connections of the current event loop's client."""
        if self._client is not None and self._loop is asyncio.get_running_loop():
            await self._client.close()
        self._client = None
        self._loop = None

    # ------------------------------------------------------------------ calls
    def params(self, request: ModelRequest) -> dict[str, Any]:
        """The chat completions request body for `request` (without `stream`)."""
        max_tokens = request.max_tokens if self.max_tokens is None else min(request.max_tokens, self.max_tokens)
        params: dict[str, Any] = {"model": self.name, "messages": to_openai_messages(request)}
        # OpenAI's newer models reject max_tokens; compatible servers may not know max_completion_tokens
        params["max_completion_tokens" if self.is_openai else "max_tokens"] = max_tokens
        if request.tools:
            params["tools"] = [
                {
                    "type": "function",
                    "function": {"name": t.name, "description": t.description, "parameters": t.input_schema},
                }
                for t in request.tools
            ]
            params["tool_choice"] = _TOOL_CHOICE[request.tool_choice]
        temperature = request.temperature if request.temperature is not None else self.temperature
        if temperature is not None:
            params["temperature"] = temperature
        if request.stop_sequences:
            params["stop"] = list(request.stop_sequences)
        return params

    async def request(self, request: ModelRequest) -> ModelResponse:
        params = self.params(request)
        client = self._sdk_client()

        async def call() -> Any:
            return await client.chat.completions.create(**params)

        completion = await call_with_retries(call, classify=self._classify, provider=self.provider, policy=self.retry)
        return from_openai_completion(completion)

    async def stream(self, request: ModelRequest) -> AsyncIterator[StreamEvent]:
        params = {**self.params(request), "stream": True, "stream_options": {"include_usage": True}}
        client = self._sdk_client()

        async def call() -> Any:
            return await client.chat.completions.create(**params)

        stream = await call_with_retries(call, classify=self._classify, provider=self.provider, policy=self.retry)
        acc = _StreamAccumulator()
        try:
            async for chunk in stream:
                text = acc.add(chunk)
                if text:
                    yield TextDelta(text)
        except Exception as exc:
            failure = self._classify(exc)
            if failure is None:
                raise
            raise failure.error(self.provider) from exc
        finally:
            await stream.close()
        response = acc.response()
        for call_ in response.tool_calls:
            yield ToolCallDelta(call_)
        yield StreamDone(response)


# ---------------------------------------------------------------------------- translation
def to_openai_messages(request: ModelRequest) -> list[dict[str, Any]]:
    """System prompt, then each message; tool results become `role: tool` messages, placed first."""
    out: list[dict[str, Any]] = []
    if request.full_system:
        out.append({"role": "system", "content": request.full_system})
    for m in request.messages:
        out.extend(_message(m))
    return out


def _message(m: Message) -> list[dict[str, Any]]:
    text = "".join(b.text for b in m.content if isinstance(b, TextBlock))
    if m.role == "assistant":
        calls = [
            {
                "id": b.id,
                "type": "function",
                "function": {"name": b.name, "arguments": json.dumps(b.arguments)},
            }
            for b in m.content
            if isinstance(b, ToolCall)
        ]
        msg: dict[str, Any] = {"role": "assistant", "content": text or None}
        if calls:
            msg["tool_calls"] = calls
        elif not text:
            msg["content"] = ""
        return [msg]
    out: list[dict[str, Any]] = []
    for b in m.content:
        if isinstance(b, ToolResult):
            content = b.content
            if b.is_error and not content.lstrip().lower().startswith("error"):
                content = "ERROR: " + content  # chat completions has no is_error flag
            out.append({"role": "tool", "tool_call_id": b.tool_call_id, "content": content})
    if text or not out:
        out.append({"role": "user", "content": text})
    return out


def parse_arguments(name: str, raw: Any) -> dict[str, Any]:
    """Tool arguments as a dict: a JSON string, an object, or nothing at all."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return {}
    if isinstance(raw, dict):
        return dict(raw)
    if isinstance(raw, str):
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as e:
            raise ModelResponseError(
                f"the model called tool {name!r} with arguments that are not valid JSON ({e.msg}): {raw[:500]!r}"
            ) from None
        if isinstance(value, dict):
            return value
        if value is None:
            return {}
    else:
        value = raw
    raise ModelResponseError(f"the model called tool {name!r} with arguments that are not an object: {value!r}")


def _call_id(raw: Any) -> str:
    return str(raw) if raw else "call_" + uuid.uuid4().hex[:24]


def _field(obj: Any, name: str) -> Any:
    """An attribute of an SDK object, or a key of a dict (servers may send unexpected shapes)."""
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


def usage_of(usage: Any) -> Usage:
    if usage is None:
        return Usage()
    prompt = int(_field(usage, "prompt_tokens") or 0)
    details = _field(usage, "prompt_tokens_details")
    cached = int((_field(details, "cached_tokens") if details is not None else 0) or 0)
    return Usage(
        input_tokens=max(0, prompt - cached),
        output_tokens=int(_field(usage, "completion_tokens") or 0),
        cache_read_tokens=cached,
    )


def _stop(finish: Any, has_calls: bool) -> StopReason:
    if has_calls and finish in (None, "stop", "tool_calls", "function_call"):
        return "tool_use"  # some servers say "stop" after tool calls
    return _FINISH.get(str(finish), "other") if finish else "end_turn"


def from_openai_completion(completion: Any) -> ModelResponse:
    choices = _field(completion, "choices") or []
    if not choices:
        raise ModelResponseError("the model returned no choices")
    choice = choices[0]
    message = _field(choice, "message")
    content: list[TextBlock | ToolCall] = []
    text = _field(message, "content") or _field(message, "refusal")
    if text:
        content.append(TextBlock(str(text)))
    for tc in _field(message, "tool_calls") or []:
        fn = _field(tc, "function") or {}
        name = str(_field(fn, "name") or "")
        content.append(ToolCall(_call_id(_field(tc, "id")), name, parse_arguments(name, _field(fn, "arguments"))))
    finish = _field(choice, "finish_reason")
    stop = _stop(finish, any(isinstance(c, ToolCall) for c in content))
    if _field(message, "refusal") and not _field(message, "content"):
        stop = "refusal"
    return ModelResponse(content, stop, usage_of(_field(completion, "usage")), str(_field(completion, "model") or ""))


@dataclass
class _PartialCall:
    id: str | None = None
    name: str = ""
    arguments: str = ""
    object_arguments: dict[str, Any] | None = None


@dataclass
class _StreamAccumulator:
    """Assembles streamed chunks: text, tool calls by index, the finish reason, the usage chunk."""

    text: list[str] = field(default_factory=list)
    calls: dict[int, _PartialCall] = field(default_factory=dict)
    finish: str | None = None
    usage: Any = None
    model: str = ""

    def add(self, chunk: Any) -> str:
        self.model = str(_field(chunk, "model") or self.model)
        if _field(chunk, "usage") is not None:
            self.usage = _field(chunk, "usage")
        out = ""
        for choice in _field(chunk, "choices") or []:
            delta = _field(choice, "delta")
            if delta is not None:
                piece = _field(delta, "content")
                if piece:
                    self.text.append(piece)
                    out += piece
                for tc in _field(delta, "tool_calls") or []:
                    self._add_call(tc)
            if _field(choice, "finish_reason"):
                self.finish = _field(choice, "finish_reason")
        return out

    def _add_call(self, tc: Any) -> None:
        index = _field(tc, "index")
        tc_id = _field(tc, "id")
        if index is None:  # some servers send whole calls without an index
            index = next((i for i, c in self.calls.items() if tc_id and c.id == tc_id), len(self.calls))
        call = self.calls.setdefault(int(index), _PartialCall())
        if tc_id:
            call.id = str(tc_id)
        fn = _field(tc, "function")
        if fn is None:
            return
        if _field(fn, "name"):
            call.name = str(_field(fn, "name"))
        args = _field(fn, "arguments")
        if isinstance(args, dict):
            call.object_arguments = dict(args)
        elif isinstance(args, str):
            call.arguments += args

    def response(self) -> ModelResponse:
        content: list[TextBlock | ToolCall] = []
        if self.text:
            content.append(TextBlock("".join(self.text)))
        for _, c in sorted(self.calls.items()):
            raw: Any = c.object_arguments if c.object_arguments is not None else c.arguments
            content.append(ToolCall(_call_id(c.id), c.name, parse_arguments(c.name, raw)))
        stop = _stop(self.finish, bool(self.calls))
        return ModelResponse(content, stop, usage_of(self.usage), self.model)


__all__ = ["DEFAULT_MODEL", "OpenAIModel", "from_openai_completion", "parse_arguments", "to_openai_messages"]
