"""`TestModel`: a deterministic, offline model that ships with LLM OS (provider "test").

    TestModel()                                   # reads the goal, calls fitting tools, summarises
    TestModel(script=["hello"])                   # scripted replies, consumed in order
    TestModel(script=[ToolCall("", "read_file", {"path": "a.txt"}), "done"])
    TestModel(script=[{"tool": "list_dir", "args": {}}, "done"])
    TestModel(script=lambda request: "an answer") # a function of the request

A script item (or what the function returns) is a str (a text answer), a ToolCall, a list of
ToolCalls, a dict `{"tool": name, "args": {...}}` (or `{"text": ...}`), or a ModelResponse
(returned as is). Tool calls without an id get a deterministic one. A script that runs out raises
`ModelResponseError`.

Without a script it behaves like a small agent (see `llmos.models._testagent`): it reads the goal
and the offered tools, makes deterministic, schema-valid tool calls where the goal needs them
(never the same call twice), then answers with a text summary of the results.

Usage is reported like a real provider's: input = ceil(len(JSON of the request) / 4) and
output = ceil(len(JSON of the reply content) / 4). Pricing treats the test model like
claude-sonnet-4-5, so costs look realistic. Every request is kept in `.requests`.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import math
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

from llmos.exceptions import ModelResponseError
from llmos.models import _testagent
from llmos.models.base import (
    ModelRequest,
    ModelResponse,
    StopReason,
    StreamDone,
    StreamEvent,
    TextBlock,
    TextDelta,
    ToolCall,
    ToolCallDelta,
    Usage,
)

Reply = str | ToolCall | list[ToolCall] | dict[str, Any] | ModelResponse
Responder = Callable[[ModelRequest], "Reply"]


def count_tokens(obj: Any) -> int:
    """ceil(characters of the JSON of `obj` / 4): the test model's token count."""
    return math.ceil(len(json.dumps(obj, default=str, ensure_ascii=False)) / 4)


class TestModel:
    """A deterministic model for tests, demos and offline use."""

    __test__ = False  # not a pytest test class

    provider = "test"

    def __init__(self, script: Sequence[Reply] | Responder | None = None, *, name: str = "test") -> None:
        self.name = name
        self.requests: list[ModelRequest] = []
        self._responder: Responder | None = script if callable(script) else None
        self._script: list[Reply] | None = None if script is None or callable(script) else list(script)
        self._position = 0
        self._call_counter = 0

    def __repr__(self) -> str:
        kind = "function" if self._responder else ("script" if self._script is not None else "default")
        return f"TestModel({kind})"

    @property
    def remaining(self) -> int | None:
        """Scripted replies not used yet (None without a list script)."""
        return None if self._script is None else len(self._script) - self._position

    async def request(self, request: ModelRequest) -> ModelResponse:
        return self._respond(request)

    async def stream(self, request: ModelRequest) -> AsyncIterator[StreamEvent]:
        response = self._respond(request)
        for block in response.content:
            if isinstance(block, TextBlock):
                for i in range(0, len(block.text), 16):
                    yield TextDelta(block.text[i : i + 16])
        for call in response.tool_calls:
            yield ToolCallDelta(call)
        yield StreamDone(response)

    async def aclose(self) -> None:
        """Nothing to close (the same interface as the HTTP providers)."""

    # ------------------------------------------------------------------ internals
    def _respond(self, request: ModelRequest) -> ModelResponse:
        self.requests.append(copy.deepcopy(request))
        reply: Reply | list[TextBlock | ToolCall]
        if self._responder is not None:
            reply = self._responder(request)
        elif self._script is not None:
            if self._position >= len(self._script):
                raise ModelResponseError(
                    f"TestModel script exhausted: all {len(self._script)} scripted replies were used "
                    f"(request {len(self.requests)})"
                )
            reply = self._script[self._position]
            self._position += 1
        else:
            reply = _testagent.respond(request)
        if isinstance(reply, ModelResponse):
            return reply
        content = self._content(reply)
        stop: StopReason = "tool_use" if any(isinstance(b, ToolCall) for b in content) else "end_turn"
        output = count_tokens([dataclasses.asdict(b) for b in content])
        if output > request.max_tokens:  # like a real model, never more than max_tokens of output
            output, stop = request.max_tokens, "max_tokens"
            content = [b for b in content if isinstance(b, TextBlock)] or [TextBlock("")]
        usage = Usage(input_tokens=count_tokens(_request_json(request)), output_tokens=output)
        return ModelResponse(content, stop, usage, self.name)

    async def count_tokens(self, request: ModelRequest) -> int:
        """The input tokens this request will be billed for (exact: the test model's own count)."""
        return count_tokens(_request_json(request))

    def _content(self, reply: Any) -> list[TextBlock | ToolCall]:
        if isinstance(reply, str):
            return [TextBlock(reply)]
        if isinstance(reply, (ToolCall, TextBlock)):
            reply = [reply]
        if isinstance(reply, dict):
            reply = [reply]
        if not isinstance(reply, list):
            raise ModelResponseError(f"TestModel cannot use a reply of type {type(reply).__name__}: {reply!r}")
        out: list[TextBlock | ToolCall] = []
        for item in reply:
            if isinstance(item, TextBlock):
                out.append(item)
            elif isinstance(item, str):
                out.append(TextBlock(item))
            elif isinstance(item, ToolCall):
                out.append(item if item.id else ToolCall(self._next_id(), item.name, dict(item.arguments)))
            elif isinstance(item, dict) and "tool" in item:
                args = item.get("args", item.get("arguments", {}))
                if not isinstance(args, dict):
                    raise ModelResponseError(f"TestModel: the args of {item['tool']!r} must be a dict, not {args!r}")
                out.append(ToolCall(str(item.get("id") or self._next_id()), str(item["tool"]), dict(args)))
            elif isinstance(item, dict) and "text" in item:
                out.append(TextBlock(str(item["text"])))
            else:
                raise ModelResponseError(f"TestModel cannot use a reply item {item!r}")
        return out

    def _next_id(self) -> str:
        self._call_counter += 1
        return f"call_test_{self._call_counter:04d}"


def _request_json(request: ModelRequest) -> dict[str, Any]:
    return dataclasses.asdict(request)


__all__ = ["Reply", "Responder", "TestModel", "count_tokens"]
