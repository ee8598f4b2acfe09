"""The provider-neutral conversation types and the `Model` protocol.

Every provider translates between these dataclasses and its own wire format, in one file per
wire format. Nothing outside `llmos.models` ever sees a provider's SDK types.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

Role = Literal["user", "assistant"]
StopReason = Literal["end_turn", "tool_use", "max_tokens", "stop_sequence", "refusal", "other"]


@dataclass
class TextBlock:
    text: str
    type: Literal["text"] = "text"


@dataclass
class ToolCall:
    """The model asks for one tool call. `arguments` is always a dict (providers parse JSON)."""

    id: str
    name: str
    arguments: dict[str, Any]
    type: Literal["tool_call"] = "tool_call"
    caller: dict[str, Any] | None = None  # a provider-side caller (Anthropic code execution), else None


@dataclass
class ToolResult:
    """The result of one tool call, sent back to the model in a user turn."""

    tool_call_id: str
    content: str
    is_error: bool = False
    type: Literal["tool_result"] = "tool_result"


@dataclass
class RawBlock:
    """A provider's own content block kept verbatim in the conversation (for example Anthropic's
    server-side tool search or code execution blocks): sent back to the same provider unchanged,
    ignored by every other one."""

    provider: str
    data: dict[str, Any]
    type: Literal["raw"] = "raw"


Block = TextBlock | ToolCall | ToolResult | RawBlock


@dataclass
class Message:
    role: Role
    content: list[Block]

    @classmethod
    def user(cls, text: str) -> Message:
        return cls("user", [TextBlock(text)])

    @classmethod
    def assistant(cls, text: str) -> Message:
        return cls("assistant", [TextBlock(text)])

    @property
    def text(self) -> str:
        return "".join(b.text for b in self.content if isinstance(b, TextBlock))

    @property
    def tool_calls(self) -> list[ToolCall]:
        return [b for b in self.content if isinstance(b, ToolCall)]


@dataclass
class ToolSpec:
    """What the model is told about a tool."""

    name: str
    description: str
    input_schema: dict[str, Any]
    input_examples: list[dict[str, Any]] = field(default_factory=list)  # argument sets of successful calls
    defer_loading: bool = False  # sent for a provider's server-side tool search, not loaded up front


def examples_in_description(spec: ToolSpec) -> ToolSpec:
    """The spec with its input examples folded into the description (for providers, or requests,
    that cannot take `input_examples`)."""
    if not spec.input_examples:
        return spec
    import json

    shown = "\n".join("- " + json.dumps(e, ensure_ascii=False, sort_keys=True) for e in spec.input_examples)
    return ToolSpec(
        spec.name, f"{spec.description}\n\nExample arguments:\n{shown}", spec.input_schema, [], spec.defer_loading
    )


@dataclass
class ModelRequest:
    """One request. `system` is the stable instruction prefix (providers cache it); `system_volatile`
    is appended after it and changes between runs (e.g. the internal state), so it never
    invalidates the cached prefix."""

    messages: list[Message]
    system: str = ""
    tools: list[ToolSpec] = field(default_factory=list)
    max_tokens: int = 4096
    temperature: float | None = None
    tool_choice: Literal["auto", "any", "none"] = "auto"
    stop_sequences: list[str] = field(default_factory=list)
    system_volatile: str = ""
    # the provider's server-side tool search for tools with `defer_loading` ("bm25" | "regex")
    tool_search: Literal["bm25", "regex"] = "bm25"
    programmatic_tools: bool = False  # let the provider's code execution tool call the tools
    container: str | None = None  # the provider's code execution container to reuse

    @property
    def full_system(self) -> str:
        """The whole system prompt, for providers without prompt caching."""
        return "\n\n".join(p for p in (self.system, self.system_volatile) if p)


@dataclass
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0
    cache_write_tokens: int = 0
    cache_read_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.cache_write_tokens + other.cache_write_tokens,
            self.cache_read_tokens + other.cache_read_tokens,
        )

    @property
    def total_input_tokens(self) -> int:
        """Input tokens of every kind (fresh, cache write, cache read)."""
        return self.input_tokens + self.cache_write_tokens + self.cache_read_tokens


@dataclass
class ModelResponse:
    content: list[TextBlock | ToolCall] | list[TextBlock | ToolCall | RawBlock]  # RawBlock: Anthropic server tools
    stop_reason: StopReason
    usage: Usage
    model: str = ""
    container: str | None = None  # the provider's code execution container (reuse it in the next request)

    @property
    def text(self) -> str:
        return "".join(b.text for b in self.content if isinstance(b, TextBlock))

    @property
    def tool_calls(self) -> list[ToolCall]:
        return [b for b in self.content if isinstance(b, ToolCall)]

    def to_message(self) -> Message:
        return Message("assistant", list(self.content))


@dataclass
class TextDelta:
    text: str
    type: Literal["text_delta"] = "text_delta"


@dataclass
class ToolCallDelta:
    """A tool call finished streaming (arguments complete)."""

    call: ToolCall
    type: Literal["tool_call_delta"] = "tool_call_delta"


@dataclass
class StreamDone:
    """Always the last event of a stream: the whole response, as `request` would return it."""

    response: ModelResponse
    type: Literal["done"] = "done"


StreamEvent = TextDelta | ToolCallDelta | StreamDone


@runtime_checkable
class Model(Protocol):
    """A language model behind one wire format.

    `provider` and `name` identify it for pricing and traces. `request` sends one request and
    returns the whole response; `stream` yields deltas and then exactly one `StreamDone`.
    Both raise `ModelHTTPError` (after the provider's own retries) or `ModelResponseError`.
    """

    provider: str
    name: str

    async def request(self, request: ModelRequest) -> ModelResponse: ...

    def stream(self, request: ModelRequest) -> AsyncIterator[StreamEvent]: ...


async def collect(stream: AsyncIterator[StreamEvent]) -> ModelResponse:
    """Drain a stream and return its final response."""
    final: ModelResponse | None = None
    async for event in stream:
        if isinstance(event, StreamDone):
            final = event.response
    if final is None:
        from llmos.exceptions import ModelResponseError

        raise ModelResponseError("the model stream ended without a final response")
    return final
