"""Issue 11: a local model server that is not running fails at once, naming the URL and how to start it."""

from __future__ import annotations

import socket

import pytest

from llmos.config import ModelConfig
from llmos.exceptions import ModelHTTPError
from llmos.models import resolve_model
from llmos.models._retry import HTTPFailure, RetryPolicy, call_with_retries, sdk_classifier
from llmos.models.base import Message, ModelRequest


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_connection_refused_is_not_retried_and_names_the_url() -> None:
    import openai

    port = _closed_port()
    client = openai.AsyncOpenAI(api_key="x", base_url=f"http://127.0.0.1:{port}/v1", max_retries=0)
    sleeps: list[float] = []

    async def sleep(s: float) -> None:
        sleeps.append(s)

    async def call() -> object:
        return await client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])

    with pytest.raises(ModelHTTPError) as info:
        await call_with_retries(
            call, classify=sdk_classifier(openai), provider="ollama", policy=RetryPolicy(), sleep=sleep
        )
    await client.close()
    assert sleeps == []  # not one retry
    msg = str(info.value)
    assert f"http://127.0.0.1:{port}/v1" in msg and "ollama serve" in msg and "connection refused" in msg


async def test_ollama_model_end_to_end_refused() -> None:
    port = _closed_port()
    model = resolve_model(ModelConfig(provider="ollama", name="llama3.2", base_url=f"http://127.0.0.1:{port}/v1"))
    try:
        with pytest.raises(ModelHTTPError, match=rf"127\.0\.0\.1:{port}.*ollama serve"):
            await model.request(ModelRequest(messages=[Message.user("hi")], max_tokens=10))
    finally:
        aclose = getattr(model, "aclose", None)
        if aclose is not None:
            await aclose()


def test_other_connection_errors_still_retry() -> None:
    assert HTTPFailure(0, "timeout").retryable
    assert not HTTPFailure(0, "refused", refused=True).retryable
    err = HTTPFailure(0, "x", refused=True, url="http://h:1/v1").error("vllm")
    assert "http://h:1/v1" in str(err) and "vllm serve" in str(err)
