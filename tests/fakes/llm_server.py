"""A scripted loopback LLM server for tests: the Anthropic Messages API and OpenAI chat completions.

    server.push(text("hello"))                                    # next reply: a text answer
    server.push(tool("read_file", {"path": "a.txt"}))             # next reply: a tool call
    server.push(error(429, headers={"retry-after": "0"}))         # next reply: an HTTP error
    server.requests[-1].body                                      # what the client sent

Replies are consumed in order by whichever endpoint is called; with the queue empty the server
answers "ok". Both endpoints stream (SSE) exactly as the real APIs do when the body has
`stream: true`. Authentication: `x-api-key` or `Authorization: Bearer` (anthropic 2.x sends Bearer).
Usage defaults to ceil(request bytes / 4) in and ceil(content JSON / 4) out, like the bench oracle.
"""

from __future__ import annotations

import json
import math
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass
class ToolUse:
    name: str
    input: dict[str, Any]
    id: str | None = "auto"  # None: the OpenAI reply omits the id
    raw_arguments: Any = None  # OpenAI: sent as `arguments` verbatim (a string or an object)


@dataclass
class Reply:
    text: str | None = None
    tool_calls: list[ToolUse] = field(default_factory=list)
    status: int = 200
    body: Any = None  # the error body (JSON-able or str) when status != 200
    headers: dict[str, str] = field(default_factory=dict)
    usage: dict[str, int] = field(default_factory=dict)  # overrides / extra usage fields
    stop_reason: str | None = None
    blocks: list[dict[str, Any]] = field(default_factory=list)  # Anthropic: raw content blocks sent first
    extra: dict[str, Any] = field(default_factory=dict)  # Anthropic: extra message fields (e.g. container)


def text(s: str, **usage: int) -> Reply:
    return Reply(text=s, usage=usage)


def tool(name: str, args: dict[str, Any], *, id: str | None = "auto", raw_arguments: Any = None, **usage: int) -> Reply:
    return Reply(tool_calls=[ToolUse(name, args, id, raw_arguments)], usage=usage)


def tools(*calls: ToolUse, text: str | None = None) -> Reply:
    return Reply(text=text, tool_calls=list(calls))


def error(status: int, body: Any = None, headers: dict[str, str] | None = None) -> Reply:
    if body is None:
        kind = {429: "rate_limit_error", 400: "invalid_request_error"}.get(status, "api_error")
        body = {"type": "error", "error": {"type": kind, "message": f"scripted HTTP {status}"}}
    return Reply(status=status, body=body, headers=headers or {})


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    raw: bytes


def _new_id(prefix: str) -> str:
    return prefix + uuid.uuid4().hex[:20]


def _tokens(n_chars: int) -> int:
    return max(1, math.ceil(n_chars / 4))


def _chunks(s: str, n: int = 7) -> list[str]:
    return [s[i : i + n] for i in range(0, len(s), n)] or [""]


class FakeLLMServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.replies: deque[Reply] = deque()
        self.requests: list[Recorded] = []
        self.count_requests = 0  # POST /v1/messages/count_tokens (answered, not recorded)
        self.delay_s = 0.0  # a slow provider: every recorded request waits this long before its reply
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def push(self, *replies: Reply) -> None:
        with self.lock:
            self.replies.extend(replies)

    def next_reply(self) -> Reply:
        with self.lock:
            return self.replies.popleft() if self.replies else Reply(text="ok")

    def start(self) -> FakeLLMServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        self.thread.join(timeout=5)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: FakeLLMServer

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        path = self.path.split("?")[0].rstrip("/")
        body = json.loads(raw or b"{}")
        if path == "/v1/messages/count_tokens":  # free, not recorded, consumes no scripted reply
            self.server.count_requests += 1
            return self._json(200, {"input_tokens": _tokens(len(raw))})
        self.server.requests.append(Recorded(path, {k.lower(): v for k, v in self.headers.items()}, body, raw))
        if self.server.delay_s > 0:
            time.sleep(self.server.delay_s)
        auth = self.headers.get("x-api-key") or self.headers.get("authorization", "").removeprefix("Bearer ")
        if not auth:
            return self._json(401, {"type": "error", "error": {"type": "authentication_error", "message": "no key"}})
        reply = self.server.next_reply()
        if reply.status != 200:
            return self._json(reply.status, reply.body, reply.headers)
        if path == "/v1/messages":
            return self._anthropic(body, raw, reply)
        if path in ("/v1/chat/completions", "/chat/completions"):
            return self._openai(body, raw, reply)
        return self._json(404, {"error": {"message": f"no route {path}"}})

    # ------------------------------------------------------------------ Anthropic
    def _anthropic(self, body: dict[str, Any], raw: bytes, reply: Reply) -> None:
        content: list[dict[str, Any]] = [dict(b) for b in reply.blocks]
        if reply.text is not None:
            content.append({"type": "text", "text": reply.text})
        for c in reply.tool_calls:
            cid = c.id if c.id and c.id != "auto" else _new_id("toolu_")
            content.append({"type": "tool_use", "id": cid, "name": c.name, "input": c.input})
        usage = {
            "input_tokens": _tokens(len(raw)),
            "output_tokens": _tokens(len(json.dumps(content))),
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
            **reply.usage,
        }
        stop = reply.stop_reason or ("tool_use" if reply.tool_calls else "end_turn")
        msg = {
            "id": _new_id("msg_"),
            "type": "message",
            "role": "assistant",
            "model": body.get("model"),
            "content": content,
            "stop_reason": stop,
            "stop_sequence": None,
            "usage": usage,
            **reply.extra,
        }
        if not body.get("stream"):
            return self._json(200, msg)
        start = {**msg, "content": [], "stop_reason": None, "usage": {**usage, "output_tokens": 1}}
        events: list[tuple[str, dict[str, Any]]] = [
            ("message_start", {"type": "message_start", "message": start}),
            ("ping", {"type": "ping"}),
        ]
        for i, block in enumerate(content):
            if block["type"] == "text":
                events.append(
                    (
                        "content_block_start",
                        {
                            "type": "content_block_start",
                            "index": i,
                            "content_block": {"type": "text", "text": ""},
                        },
                    )
                )
                for part in _chunks(block["text"]):
                    events.append(
                        (
                            "content_block_delta",
                            {
                                "type": "content_block_delta",
                                "index": i,
                                "delta": {"type": "text_delta", "text": part},
                            },
                        )
                    )
            else:
                events.append(
                    (
                        "content_block_start",
                        {"type": "content_block_start", "index": i, "content_block": {**block, "input": {}}},
                    )
                )
                for part in _chunks(json.dumps(block["input"])):
                    events.append(
                        (
                            "content_block_delta",
                            {
                                "type": "content_block_delta",
                                "index": i,
                                "delta": {"type": "input_json_delta", "partial_json": part},
                            },
                        )
                    )
            events.append(("content_block_stop", {"type": "content_block_stop", "index": i}))
        events.append(
            (
                "message_delta",
                {
                    "type": "message_delta",
                    "delta": {"stop_reason": stop, "stop_sequence": None},
                    "usage": {"output_tokens": usage["output_tokens"]},
                },
            )
        )
        events.append(("message_stop", {"type": "message_stop"}))
        self._sse(f"event: {name}\ndata: {json.dumps(data)}\n\n" for name, data in events)

    # ------------------------------------------------------------------ OpenAI
    def _openai(self, body: dict[str, Any], raw: bytes, reply: Reply) -> None:
        calls = []
        for c in reply.tool_calls:
            call: dict[str, Any] = {
                "type": "function",
                "function": {
                    "name": c.name,
                    "arguments": json.dumps(c.input) if c.raw_arguments is None else c.raw_arguments,
                },
            }
            if c.id is not None:
                call["id"] = c.id if c.id != "auto" else _new_id("call_")
            calls.append(call)
        message: dict[str, Any] = {"role": "assistant", "content": reply.text}
        if calls:
            message["tool_calls"] = calls
        cached = reply.usage.get("cached_tokens", 0)
        prompt = reply.usage.get("prompt_tokens", _tokens(len(raw)))
        completion = reply.usage.get("completion_tokens", _tokens(len(json.dumps(message))))
        usage: dict[str, Any] = {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        }
        if cached:
            usage["prompt_tokens_details"] = {"cached_tokens": cached}
        finish = reply.stop_reason or ("tool_calls" if calls else "stop")
        base = {"id": _new_id("chatcmpl-"), "created": 1700000000, "model": body.get("model")}
        if not body.get("stream"):
            return self._json(
                200,
                {
                    **base,
                    "object": "chat.completion",
                    "usage": usage,
                    "choices": [{"index": 0, "message": message, "finish_reason": finish}],
                },
            )
        base["object"] = "chat.completion.chunk"

        def chunk(delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
            return {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}]}

        out = [chunk({"role": "assistant", "content": ""})]
        for part in _chunks(reply.text) if reply.text else []:
            out.append(chunk({"content": part}))
        for i, c in enumerate(calls):
            args = c["function"]["arguments"]
            head: dict[str, Any] = {
                "index": i,
                "type": "function",
                "function": {"name": c["function"]["name"]},
            }
            if "id" in c:
                head["id"] = c["id"]
            if isinstance(args, str):
                head["function"]["arguments"] = ""
                out.append(chunk({"tool_calls": [head]}))
                for part in _chunks(args):
                    out.append(chunk({"tool_calls": [{"index": i, "function": {"arguments": part}}]}))
            else:
                head["function"]["arguments"] = args
                out.append(chunk({"tool_calls": [head]}))
        out.append(chunk({}, finish))
        if (body.get("stream_options") or {}).get("include_usage"):
            out.append({**base, "choices": [], "usage": usage})
        self._sse([*(f"data: {json.dumps(c)}\n\n" for c in out), "data: [DONE]\n\n"])

    # ------------------------------------------------------------------ plumbing
    def _json(self, status: int, obj: Any, headers: dict[str, str] | None = None) -> None:
        data = (obj if isinstance(obj, str) else json.dumps(obj)).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json" if not isinstance(obj, str) else "text/plain")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _sse(self, events: Any) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for e in events:
            data = e.encode()
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


@pytest.fixture
def llm_server() -> Iterator[FakeLLMServer]:
    server = FakeLLMServer().start()
    try:
        yield server
    finally:
        server.stop()
