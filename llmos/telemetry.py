"""OpenTelemetry spans from the event bus (the `otel` extra), with the GenAI semantic conventions.

    run            "invoke_agent AGENT"   (a subtask's run is a child span of its parent run)
      model call   "chat MODEL"           gen_ai.request.model, gen_ai.usage.input_tokens/output_tokens,
                                          llmos.cost_usd
      tool call    "execute_tool NAME"    gen_ai.tool.name, gen_ai.tool.call.id, the policy decision
        inner call "execute_tool NAME"    (the calls a crystallized tool makes are its children)

Configured by the standard OTEL_* environment variables: the runtime installs it at start when
OTEL_TRACES_EXPORTER or an OTEL_EXPORTER_OTLP_*ENDPOINT is set (and OTEL_SDK_DISABLED is not true);
OTEL_TRACES_EXPORTER picks `otlp` (the default; endpoint, headers, protocol from OTEL_EXPORTER_OTLP_*),
`console` or `none`; OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES name the service. In code:
`instrument(os, tracer_provider=...)`.
"""

from __future__ import annotations

import os as _os
import time
from typing import TYPE_CHECKING, Any

from llmos.events import (
    Event,
    ModeDecided,
    ModelCalled,
    RunFinished,
    RunStarted,
    Subscription,
    ToolCalled,
    ToolFinished,
)
from llmos.exceptions import ConfigError

if TYPE_CHECKING:
    from llmos.runtime import LLMOS

SCOPE = "llmos"
_ENDPOINT_VARS = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")


def _otel() -> tuple[Any, Any]:
    try:
        from opentelemetry import trace
        from opentelemetry.trace import Status, StatusCode
    except ModuleNotFoundError as e:
        raise ConfigError(f"{e}: OpenTelemetry needs the otel extra: `pip install 'llmos[otel]'`") from e
    return trace, (Status, StatusCode)


def _ns(seconds: float) -> int:
    return int(seconds * 1e9)


class Telemetry:
    """Turns bus events into spans. One per runtime; `close()` unsubscribes (spans still open end)."""

    def __init__(self, bus: Any, tracer_provider: Any = None, *, owns_provider: bool = False) -> None:
        trace, (self._Status, self._StatusCode) = _otel()
        self._trace = trace
        provider = tracer_provider or trace.get_tracer_provider()
        self._provider = provider if owns_provider else None
        from llmos import __version__

        self.tracer = provider.get_tracer(SCOPE, __version__)
        self.runs: dict[str, Any] = {}
        self.tools: dict[str, Any] = {}
        self._sub: Subscription = bus.subscribe(self.on_event)

    def close(self) -> None:
        self._sub.close()
        for span in [*self.tools.values(), *self.runs.values()]:
            span.end()
        self.tools.clear()
        self.runs.clear()
        if self._provider is not None:  # made from the environment: flush the exporter's batch
            self._provider.shutdown()

    def on_event(self, event: Event) -> None:
        handler = _HANDLERS.get(type(event))
        if handler is not None:
            handler(self, event)

    def _context(self, span: Any) -> Any:
        return self._trace.set_span_in_context(span) if span is not None else None

    def _error(self, span: Any, message: str | None) -> None:
        span.set_status(self._Status(self._StatusCode.ERROR, message or "failed"))

    # ---- handlers
    def run_started(self, e: RunStarted) -> None:
        parent = self.runs.get(e.parent_id or "")
        span = self.tracer.start_span(
            f"invoke_agent {e.agent}",
            context=self._context(parent),
            kind=self._trace.SpanKind.INTERNAL,
            start_time=_ns(e.ts),
            attributes={
                "gen_ai.operation.name": "invoke_agent",
                "gen_ai.agent.name": e.agent,
                "llmos.run_id": e.run_id or "",
                "llmos.goal": e.goal[:1000],
                "llmos.requested_mode": e.requested_mode,
                **({"llmos.parent_run_id": e.parent_id} if e.parent_id else {}),
            },
        )
        self.runs[e.run_id or ""] = span

    def mode(self, e: ModeDecided) -> None:
        span = self.runs.get(e.run_id or "")
        if span is not None:
            span.set_attribute("llmos.mode", e.mode)
            span.set_attribute("llmos.mode_confidence", float(e.confidence))
            if e.plan_id:
                span.set_attribute("llmos.plan_id", e.plan_id)

    def model_call(self, e: ModelCalled) -> None:
        parent = self.runs.get(e.run_id or "")
        end = _ns(e.ts)
        span = self.tracer.start_span(
            f"chat {e.model}",
            context=self._context(parent),
            kind=self._trace.SpanKind.CLIENT,
            start_time=end - _ns(e.duration_s),
            attributes={
                "gen_ai.operation.name": "chat",
                "gen_ai.provider.name": e.provider,
                "gen_ai.system": e.provider,
                "gen_ai.request.model": e.model,
                "gen_ai.response.model": e.model,
                "gen_ai.usage.input_tokens": e.input_tokens,
                "gen_ai.usage.output_tokens": e.output_tokens,
                "gen_ai.response.finish_reasons": [e.stop_reason or ""],
                "llmos.cost_usd": float(e.cost_usd),
                "llmos.run_id": e.run_id or "",
            },
        )
        span.end(end_time=end)

    def tool_call(self, e: ToolCalled) -> None:
        parent = self.tools.get(e.parent_call_id or "") or self.runs.get(e.run_id or "")
        span = self.tracer.start_span(
            f"execute_tool {e.name}",
            context=self._context(parent),
            start_time=_ns(e.ts),
            attributes={
                "gen_ai.operation.name": "execute_tool",
                "gen_ai.tool.name": e.name,
                "gen_ai.tool.call.id": e.call_id or "",
                "llmos.tool.source": e.source,
                "llmos.policy.decision": e.decision or "",
                "llmos.policy.reason": (e.decision_reason or "")[:500],
                "llmos.run_id": e.run_id or "",
            },
        )
        self.tools[e.call_id or ""] = span

    def tool_result(self, e: ToolFinished) -> None:
        span = self.tools.pop(e.call_id or "", None)
        if span is None:
            return
        if e.is_error:
            self._error(span, e.result[:200])
        span.end(end_time=_ns(e.ts))

    def run_finished(self, e: RunFinished) -> None:
        span = self.runs.pop(e.run_id or "", None)
        if span is None:
            return
        span.set_attributes(
            {
                "llmos.mode": e.mode or "",
                "llmos.status": e.status,
                "llmos.cost_usd": float(e.cost_usd),
                "gen_ai.usage.input_tokens": e.input_tokens,
                "gen_ai.usage.output_tokens": e.output_tokens,
            }
        )
        if not e.success:
            self._error(span, e.error or e.status)
        span.end(end_time=max(_ns(e.ts), _ns(time.time())))


_HANDLERS: dict[type[Event], Any] = {
    RunStarted: Telemetry.run_started,
    ModeDecided: Telemetry.mode,
    ModelCalled: Telemetry.model_call,
    ToolCalled: Telemetry.tool_call,
    ToolFinished: Telemetry.tool_result,
    RunFinished: Telemetry.run_finished,
}


def instrument(rt: LLMOS, tracer_provider: Any = None) -> Telemetry:
    """Emit spans for `rt`'s runs to `tracer_provider` (default: the global one)."""
    return Telemetry(rt.events, tracer_provider)


def wanted_by_environment(env: dict[str, str] | None = None) -> bool:
    env = dict(_os.environ) if env is None else env
    if env.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    exporter = env.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    if exporter:
        return exporter != "none"
    return any(env.get(v) for v in _ENDPOINT_VARS)


def provider_from_environment() -> Any:
    """A TracerProvider set up from the OTEL_* variables (resource, exporter), with a batch processor."""
    try:
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter
    except ModuleNotFoundError as e:
        raise ConfigError(f"{e}: OpenTelemetry needs the otel extra: `pip install 'llmos[otel]'`") from e
    resource = Resource.create({"service.name": _os.environ.get("OTEL_SERVICE_NAME") or "llmos"})
    provider = TracerProvider(resource=resource)  # also reads OTEL_TRACES_SAMPLER
    for name in (_os.environ.get("OTEL_TRACES_EXPORTER") or "otlp").split(","):
        name = name.strip().lower()
        if name == "console":
            provider.add_span_processor(BatchSpanProcessor(ConsoleSpanExporter()))
        elif name == "otlp":
            protocol = _os.environ.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") or _os.environ.get(
                "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"
            )
            if protocol != "http/protobuf":
                raise ConfigError(f"OTEL_EXPORTER_OTLP_PROTOCOL={protocol!r}: LLM OS exports http/protobuf only")
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        elif name and name != "none":
            raise ConfigError(f"OTEL_TRACES_EXPORTER={name!r}: use otlp, console or none")
    return provider


def from_environment(rt: LLMOS) -> Telemetry | None:
    """At runtime start: spans when the OTEL_* variables ask for them, else nothing (and no import)."""
    if not wanted_by_environment():
        return None
    return Telemetry(rt.events, provider_from_environment(), owns_provider=True)


__all__ = ["Telemetry", "from_environment", "instrument", "provider_from_environment", "wanted_by_environment"]
