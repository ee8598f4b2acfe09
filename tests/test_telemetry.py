"""OpenTelemetry spans from the event bus, with the in-memory span exporter: runs, model calls,
tool calls (inner calls as children), subtasks as child spans; the OTEL_* environment."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode

from llmos.exceptions import ConfigError
from llmos.runtime import LLMOS
from llmos.telemetry import instrument, provider_from_environment, wanted_by_environment
from tests.test_evolution_e2e import runtime


def _provider() -> tuple[TracerProvider, InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider, exporter


def _by_name(spans: Any, prefix: str) -> list[Any]:
    return [s for s in spans if s.name.startswith(prefix)]

# amounts in no order, the first two the extremes: a replay adds only amounts inside the range the
# supporting runs showed (rule 1: a goal amount a write takes)
QTY = [2, 9, 5, 3, 7, 4, 8, 6, 5, 7]


async def test_run_model_and_tool_spans_with_genai_attributes(tmp_path: Path) -> None:
    provider, exporter = _provider()
    whs = ["A1", "B2", "C3", "D4"]
    stock = {f"BOLT-{10 + i}@{whs[i % 4]}": 10 * i for i in range(10)}
    async with runtime(tmp_path, stock) as os:
        telemetry = instrument(os, provider)
        first = await os.execute("Add 2 units of BOLT-10 to warehouse A1")
        for i in range(1, 8):  # amounts inside the 2..9 of the first two runs (rule 1: a goal amount a write takes)
            await os.execute(f"Add {QTY[i]} units of BOLT-{10 + i} to warehouse {whs[i % 4]}")
        bad = await os.execute("Add 3 units of BAD-77 to warehouse A1")
        telemetry.close()
    spans = exporter.get_finished_spans()
    runs = {s.attributes["llmos.run_id"]: s for s in _by_name(spans, "invoke_agent")}
    assert len(runs) == 9
    run = runs[first.run_id]
    assert run.attributes["llmos.mode"] == "learner" and run.status.status_code != StatusCode.ERROR
    chats = [s for s in _by_name(spans, "chat ") if s.parent and s.parent.span_id == run.context.span_id]
    assert chats and chats[0].attributes["gen_ai.request.model"] == "test"
    assert chats[0].attributes["gen_ai.usage.input_tokens"] > 0 and "llmos.cost_usd" in chats[0].attributes
    assert chats[0].start_time <= chats[0].end_time
    tools = [s for s in _by_name(spans, "execute_tool") if s.parent and s.parent.span_id == run.context.span_id]
    assert [s.attributes["gen_ai.tool.name"] for s in tools] == ["get_stock", "set_stock"]
    assert tools[0].attributes["llmos.policy.decision"] == "allow"
    # a crystallized run: the generated tool's span has the inner calls as children
    crystal = next(s for s in runs.values() if s.attributes["llmos.mode"] == "crystallized")
    (top,) = [s for s in spans if s.parent and s.parent.span_id == crystal.context.span_id]
    inner = [s for s in spans if s.parent and s.parent.span_id == top.context.span_id]
    assert top.attributes["gen_ai.tool.name"] == "add_units_warehouse"
    assert [s.attributes["gen_ai.tool.name"] for s in inner] == ["get_stock", "set_stock"]
    # the failing inner call of the last run is an error span
    failed = [s for s in spans if s.attributes.get("llmos.run_id") == bad.run_id and s.name.startswith("execute")]
    assert any(s.status.status_code == StatusCode.ERROR for s in failed)
    assert all(s.end_time is not None for s in spans)


async def test_subtasks_are_child_spans(tmp_path: Path) -> None:
    from orchestration_support import GOAL, config, planner_model, three_part_plan, world_tools

    provider, exporter = _provider()
    cfg = config(budget={"per_run_usd": 1.0, "total_usd": 10.0})
    async with LLMOS(tmp_path, config=cfg, model=planner_model(three_part_plan()), tools=world_tools()) as os:
        instrument(os, provider)
        result = await os.execute(GOAL, mode="orchestrator")
    assert result.success
    runs = _by_name(exporter.get_finished_spans(), "invoke_agent")
    (root,) = [s for s in runs if s.attributes["llmos.run_id"] == result.run_id]
    children = [s for s in runs if s.parent and s.parent.span_id == root.context.span_id]
    assert len(children) == 3 and all(s.context.trace_id == root.context.trace_id for s in children)
    assert all(s.attributes["llmos.parent_run_id"] == result.run_id for s in children)


def test_the_environment_decides(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not wanted_by_environment({})
    assert wanted_by_environment({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"})
    assert not wanted_by_environment({"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "x"})
    assert not wanted_by_environment({"OTEL_SDK_DISABLED": "true", "OTEL_TRACES_EXPORTER": "console"})
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "zipkin")
    with pytest.raises(ConfigError, match="otlp, console or none"):
        provider_from_environment()
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "otlp")
    monkeypatch.setenv("OTEL_SERVICE_NAME", "my-agents")
    provider = provider_from_environment()
    assert provider.resource.attributes["service.name"] == "my-agents"
    provider.shutdown()


async def test_runtime_installs_it_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "console")
    async with LLMOS(tmp_path, preset="testing", model="test") as os:
        assert os.telemetry is not None and len(os.events) == 1
    assert os.telemetry is None and len(os.events) == 0
