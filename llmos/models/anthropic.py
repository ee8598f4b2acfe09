"""Anthropic Messages API through the official `anthropic` SDK (`AsyncAnthropic`).

- Key: `api_key=`, else the variable named by `[model] api_key_env`, else `ANTHROPIC_API_KEY`,
  else `ANTHROPIC_AUTH_TOKEN` (sent as a bearer token). Base URL: `base_url=`, else `ANTHROPIC_BASE_URL`.
- Prompt caching: the stable prefix (the system prompt and the tool list) carries
  `cache_control: {"type": "ephemeral"}` on the system block and on the last tool.
- The SDK's own retries are off; `llmos.models._retry` retries 429/5xx/timeouts with backoff.
- Usage is passed through as the API reports it: `input_tokens` (fresh input only),
  `cache_creation_input_tokens` and `cache_read_input_tokens`, `output_tokens`.
"""

from __future__ import annotations

import asyncio
import os
import warnings
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING, Any

from llmos.exceptions import MissingAPIKey, MissingDependency, ModelResponseError
from llmos.models import _anthropic_tools as _tools
from llmos.models._retry import RetryPolicy, call_with_retries, sdk_classifier
from llmos.models.base import (
    Message,
    ModelRequest,
    ModelResponse,
    RawBlock,
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

DEFAULT_MODEL = "claude-sonnet-4-5"
DEFAULT_KEY_ENV = "ANTHROPIC_API_KEY"
TOKEN_ENV = "ANTHROPIC_AUTH_TOKEN"
BASE_URL_ENV = "ANTHROPIC_BASE_URL"
EPHEMERAL = {"type": "ephemeral"}
_STOP_REASONS: dict[str, StopReason] = {
    "end_turn": "end_turn",
    "tool_use": "tool_use",
    "max_tokens": "max_tokens",
    "stop_sequence": "stop_sequence",
    "refusal": "refusal",
}


class AnthropicModel:
    """A Claude model over the Messages API."""

    provider = "anthropic"

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
    ) -> None:
        try:
            import anthropic
        except ImportError as e:
            raise MissingDependency("anthropic", "anthropic") from e
        self._sdk: Any = anthropic
        # The SDK warns (DeprecationWarning) on every call to a model it lists as deprecated. The model is
        # the user's explicit choice, and under `-W error` the warning would fail every call: silence it.
        warnings.filterwarnings("ignore", message=r"The model '[^']*' is deprecated", category=DeprecationWarning)
        self.name = name or DEFAULT_MODEL
        self._api_key, self._auth_token = _credentials(api_key, api_key_env)
        self.base_url = base_url or os.environ.get(BASE_URL_ENV) or None
        self.timeout_s = timeout_s
        self.max_tokens = max_tokens  # a ceiling on every request's max_tokens, when set
        self.temperature = temperature  # used when a request leaves temperature unset
        self.retry = RetryPolicy(max_retries=max_retries, base_delay=retry_base_delay)
        self._classify = sdk_classifier(anthropic)
        self._client: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @classmethod
    def from_config(cls, config: ModelConfig) -> AnthropicModel:
        return cls(
            config.name or None,
            base_url=config.base_url,
            max_retries=config.max_retries,
            timeout_s=config.timeout_s,
            max_tokens=config.max_tokens,
            temperature=config.temperature,
            api_key_env=config.api_key_env,
        )

    def __repr__(self) -> str:
        return f"AnthropicModel({self.name!r}, base_url={self.base_url!r})"

    # ------------------------------------------------------------------ client
    def _sdk_client(self) -> Any:
        """One SDK client per event loop (an httpx pool must not outlive its loop)."""
        loop = asyncio.get_running_loop()
        if self._client is None or self._loop is not loop:
            self._client = self._sdk.AsyncAnthropic(
                api_key=self._api_key,
                auth_token=self._auth_token,
                base_url=self.base_url,
                max_retries=0,
                timeout=self.timeout_s,
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
        """The SDK arguments for `request` (the request body; `extra_body` holds fields the SDK lacks)."""
        max_tokens = request.max_tokens if self.max_tokens is None else min(request.max_tokens, self.max_tokens)
        params: dict[str, Any] = {
            "model": self.name,
            "max_tokens": max_tokens,
            "messages": to_anthropic_messages(request.messages),
        }
        system: list[dict[str, Any]] = []
        if request.system:
            system.append({"type": "text", "text": request.system, "cache_control": EPHEMERAL})
        if request.system_volatile:  # after the cache breakpoint: changing it keeps the prefix cached
            system.append({"type": "text", "text": request.system_volatile})
        if system:
            params["system"] = system
        if request.tools or request.programmatic_tools:
            tools, betas = _tools.tool_params(request)
            params["tools"] = tools
            params["tool_choice"] = {"type": request.tool_choice}
            if betas:
                params["extra_headers"] = {"anthropic-beta": ",".join(betas)}
        if request.container:
            params["container"] = request.container
        if request.stop_sequences:
            params["stop_sequences"] = list(request.stop_sequences)
        temperature = request.temperature if request.temperature is not None else self.temperature
        if temperature is not None:  # the 2.x SDK has no `temperature` argument: send it in the body
            params["extra_body"] = {"temperature": temperature}
        return params

    async def request(self, request: ModelRequest) -> ModelResponse:
        params = self.params(request)
        client = self._sdk_client()

        async def call() -> Any:
            return await client.messages.create(**params)

        message = await call_with_retries(call, classify=self._classify, provider=self.provider, policy=self.retry)
        return from_anthropic_message(message)

    async def count_tokens(self, request: ModelRequest) -> int:
        """The input tokens of `request` by the API's own count (POST /v1/messages/count_tokens).

        One quick attempt, no retries: the budget falls back to its byte bound if this fails."""
        params = self.params(request)
        body = {k: params[k] for k in ("model", "messages", "system", "tools", "tool_choice") if k in params}
        result = await self._sdk_client().messages.count_tokens(**body)
        return int(result.input_tokens)

    async def stream(self, request: ModelRequest) -> AsyncIterator[StreamEvent]:
        params = self.params(request)
        client = self._sdk_client()
        async with AsyncExitStack() as stack:

            async def open_stream() -> Any:
                return await stack.enter_async_context(client.messages.stream(**params))

            stream = await call_with_retries(
                open_stream, classify=self._classify, provider=self.provider, policy=self.retry
            )
            try:
                async for event in stream:
                    if event.type == "text":
                        if event.text:
                            yield TextDelta(event.text)
                    elif event.type == "content_block_stop" and event.content_block.type == "tool_use":
                        yield ToolCallDelta(_tool_call(event.content_block))
                final = await stream.get_final_message()
            except Exception as exc:
                failure = self._classify(exc)
                if failure is None:
                    raise
                raise failure.error(self.provider) from exc
        yield StreamDone(from_anthropic_message(final))


def _credentials(api_key: str | None, api_key_env: str | None) -> tuple[str | None, str | None]:
    """(api_key, auth_token): exactly one is set, or MissingAPIKey names the variable to set."""
    if api_key:
        return api_key, None
    if api_key_env:
        value = os.environ.get(api_key_env)
        if not value:
            raise MissingAPIKey(f"no Anthropic API key: {api_key_env} (named by [model] api_key_env) is not set")
        return value, None
    if os.environ.get(DEFAULT_KEY_ENV):
        return os.environ[DEFAULT_KEY_ENV], None
    if os.environ.get(TOKEN_ENV):
        return None, os.environ[TOKEN_ENV]
    raise MissingAPIKey(
        f"no Anthropic API key: set {DEFAULT_KEY_ENV} (or {TOKEN_ENV}), or name another variable "
        "with [model] api_key_env in llmos.toml"
    )


# ---------------------------------------------------------------------------- translation
def to_anthropic_messages(messages: list[Message]) -> list[dict[str, Any]]:
    """Our messages as Messages API messages (tool results first in a user turn, as the API requires)."""
    out: list[dict[str, Any]] = []
    for m in messages:
        results: list[dict[str, Any]] = []
        others: list[dict[str, Any]] = []
        for b in m.content:
            if isinstance(b, TextBlock):
                if b.text:
                    others.append({"type": "text", "text": b.text})
            elif isinstance(b, ToolCall):
                others.append(_tools.tool_use_param(b))
            elif isinstance(b, RawBlock):
                if b.provider == _tools.PROVIDER:  # server tool blocks go back exactly as they came
                    others.append(dict(b.data))
            elif isinstance(b, ToolResult):
                results.append(
                    {
                        "type": "tool_result",
                        "tool_use_id": b.tool_call_id,
                        "content": b.content,
                        "is_error": b.is_error,
                    }
                )
        blocks = results + others
        if not blocks:
            blocks = [{"type": "text", "text": "(empty)"}]
        out.append({"role": m.role, "content": blocks})
    return out


def _tool_call(block: Any) -> ToolCall:
    arguments = block.input
    if arguments is None:
        arguments = {}
    if not isinstance(arguments, dict):
        raise ModelResponseError(
            f"the model called tool {block.name!r} with arguments that are not an object: {arguments!r}"
        )
    return ToolCall(str(block.id), str(block.name), dict(arguments), caller=_tools.caller_of(block))


def from_anthropic_message(message: Any) -> ModelResponse:
    """A Messages API message (SDK object) as our response. Thinking blocks are dropped; server-tool
    blocks (tool search, code execution) are kept as `RawBlock`s to be sent back unchanged."""
    content: list[TextBlock | ToolCall | RawBlock] = []
    for block in message.content or []:
        if block.type == "text":
            content.append(TextBlock(block.text))
        elif block.type == "tool_use":
            content.append(_tool_call(block))
        elif block.type not in ("thinking", "redacted_thinking"):
            content.append(_tools.raw_block(block))
    stop = _STOP_REASONS.get(str(message.stop_reason), "other")
    container = getattr(getattr(message, "container", None), "id", None)
    return ModelResponse(content, stop, usage_of(message.usage), str(message.model or ""), container=container)


def usage_of(usage: Any) -> Usage:
    if usage is None:
        return Usage()
    return Usage(
        input_tokens=int(getattr(usage, "input_tokens", 0) or 0),
        output_tokens=int(getattr(usage, "output_tokens", 0) or 0),
        cache_write_tokens=int(getattr(usage, "cache_creation_input_tokens", 0) or 0),
        cache_read_tokens=int(getattr(usage, "cache_read_input_tokens", 0) or 0),
    )


__all__ = ["DEFAULT_MODEL", "AnthropicModel", "from_anthropic_message", "to_anthropic_messages"]
