"""Retries shared by the HTTP providers: exponential backoff with jitter, honouring `retry-after`.

The SDKs' own retries are switched off (`max_retries=0`) so that there is one policy, one place
that decides what is retryable, and one error type (`ModelHTTPError`) for the rest of LLM OS.

Retryable: HTTP 408, 409, 429 and every 5xx (529 "overloaded" included), timeouts and connection
errors (reported with status 0). A server may override the decision with `x-should-retry`.
A refused connection is not retried: nothing listens there, and waiting will not change that; the
error names the URL tried and how to start a local server.
Everything else (400, 401, 403, 404, 413, 422...) fails at once.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from llmos._log import logger
from llmos.exceptions import ModelHTTPError

T = TypeVar("T")

RETRYABLE_STATUSES = frozenset({408, 409, 429})
MAX_DELAY_S = 30.0  # one backoff step never waits longer than this
MAX_RETRY_AFTER_S = 60.0  # a server's retry-after is honoured up to this

# what to do when nothing listens at a provider's URL
START_HINTS = {
    "ollama": "start it with `ollama serve`, and fetch the model once with `ollama pull NAME`",
    "vllm": "start it with `vllm serve MODEL`",
    "lmstudio": "start it with `lms server start`, or from LM Studio's Developer tab",
    "llamacpp": "start it with `llama-server -m MODEL.gguf`",
}


@dataclass(frozen=True)
class HTTPFailure:
    """A provider failure in neutral terms: status 0 means the request never got an HTTP answer."""

    status: int
    body: Any
    headers: Mapping[str, str] = field(default_factory=dict)
    message: str = ""
    refused: bool = False  # the connection was refused: nothing listens at `url`
    url: str = ""

    @property
    def retryable(self) -> bool:
        if self.refused:
            return False
        override = _header(self.headers, "x-should-retry")
        if override in ("true", "false"):
            return override == "true"
        return self.status == 0 or self.status in RETRYABLE_STATUSES or self.status >= 500

    def error(self, provider: str) -> ModelHTTPError:
        if self.status != 0:
            return ModelHTTPError(self.status, self.body, provider, "")
        where = f" at {self.url}" if self.url else ""
        if self.refused:
            hint = START_HINTS.get(provider, "check that the server runs and the base URL is right")
            message = f"{provider} could not be reached{where} (nothing listens there; {hint})"
            return ModelHTTPError(0, "connection refused", provider, message)
        return ModelHTTPError(0, self.body, provider, f"{provider} could not be reached{where}")


Classifier = Callable[[BaseException], "HTTPFailure | None"]


@dataclass(frozen=True)
class RetryPolicy:
    """`max_retries` retries after the first attempt; `base_delay` seconds before the first retry."""

    max_retries: int = 4
    base_delay: float = 0.5
    max_delay: float = MAX_DELAY_S
    max_retry_after: float = MAX_RETRY_AFTER_S

    def delay(self, attempt: int, failure: HTTPFailure) -> float:
        """Seconds to wait before retry number `attempt` (0-based)."""
        hinted = retry_after(failure.headers)
        if hinted is not None:
            return max(0.0, min(hinted, self.max_retry_after))
        backoff = min(self.max_delay, self.base_delay * (2.0**attempt))
        jitter: float = random.uniform(0.5, 1.0)
        return backoff * jitter


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is None:  # plain dicts are case-sensitive; httpx headers are not
        lowered = {k.lower(): v for k, v in headers.items()}
        value = lowered.get(name)
    return value.strip().lower() if isinstance(value, str) else None


def retry_after(headers: Mapping[str, str]) -> float | None:
    """The wait a server asked for (`retry-after-ms`, or `retry-after` in seconds or as an HTTP date)."""
    ms = _header(headers, "retry-after-ms")
    if ms is not None:
        try:
            return float(ms) / 1000
        except ValueError:
            pass
    value = _header(headers, "retry-after")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return when.timestamp() - time.time()


async def call_with_retries(
    fn: Callable[[], Awaitable[T]],
    *,
    classify: Classifier,
    provider: str,
    policy: RetryPolicy,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> T:
    """Await `fn()`, retrying retryable failures; the last failure becomes a `ModelHTTPError`.

    Exceptions that `classify` does not recognise (it returns None) propagate unchanged.
    """
    attempt = 0
    while True:
        try:
            return await fn()
        except Exception as exc:
            failure = classify(exc)
            if failure is None:
                raise
            if not failure.retryable or attempt >= policy.max_retries:
                raise failure.error(provider) from exc
            wait = policy.delay(attempt, failure)
            logger.debug(
                "%s: HTTP %s, retry %d/%d in %.2fs",
                provider,
                failure.status or "connection error",
                attempt + 1,
                policy.max_retries,
                wait,
            )
            attempt += 1
        await sleep(wait)


_ERROR_TYPE_STATUS = {
    "overloaded_error": 529,
    "api_error": 500,
    "rate_limit_error": 429,
    "timeout_error": 504,
}


def sdk_classifier(sdk: Any) -> Classifier:
    """A classifier for the official Anthropic and OpenAI SDKs (they share their exception shapes)."""

    def classify(exc: BaseException) -> HTTPFailure | None:
        if isinstance(exc, sdk.APIStatusError):
            response = exc.response
            body = _response_body(response, exc.body)
            status = int(exc.status_code)
            if status < 400:  # an error event inside a 200 stream: take the status its type implies
                kind = body.get("error", {}).get("type") if isinstance(body, dict) else None
                status = _ERROR_TYPE_STATUS.get(str(kind), 500)
            return HTTPFailure(status, body, dict(response.headers), str(exc))
        if isinstance(exc, sdk.APIConnectionError):  # APITimeoutError included
            request = getattr(exc, "request", None)
            url = str(getattr(request, "url", "") or "")
            return HTTPFailure(0, str(exc) or type(exc).__name__, {}, str(exc), _refused(exc), url)
        return None

    return classify


def _refused(exc: BaseException) -> bool:
    """Whether a ConnectionRefusedError is somewhere in the exception's cause chain."""
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        if isinstance(cur, ConnectionRefusedError):
            return True
        seen.add(id(cur))
        cur = cur.__cause__ or cur.__context__
    return False


def _response_body(response: Any, parsed: Any) -> Any:
    """The error body as the server sent it (JSON when it is JSON); the SDK's version if unreadable."""
    try:
        text = str(response.text)
    except Exception:  # a streamed body that was never read
        return parsed if parsed is not None else ""
    if not text:
        return parsed if parsed is not None else ""
    try:
        return json.loads(text)
    except ValueError:
        return text
