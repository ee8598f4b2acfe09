"""Tool examples from traces: successful, non-rejected, schema-valid, varied, gated by success rate."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from llmos.execution.examples import ToolStats, valid_arguments
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.tools.base import tool
from llmos.trace import ToolCallRecord, Trace
from tests.runtime_support import quiet_config

SCHEMA = {
    "type": "object",
    "properties": {"city": {"type": "string"}, "days": {"type": "integer"}},
    "required": ["city"],
}


def trace(*calls: ToolCallRecord, rejected: bool = False) -> Trace:
    t = Trace(goal="g")
    t.tool_calls.extend(calls)
    t.rejected = rejected
    return t


def call(args: dict[str, object], **kw: object) -> ToolCallRecord:
    return ToolCallRecord(id="c", name="forecast", arguments=args, **kw)  # type: ignore[arg-type]


def test_only_good_calls_become_examples_and_they_vary() -> None:
    stats = ToolStats.from_traces(
        [
            trace(call({"city": "Oslo"}), call({"city": "Oslo"}), call({"city": "Oslo", "days": 3})),
            trace(call({"city": "Lima", "days": 5}), call({"city": "Rome"})),
            trace(call({"city": "Bad"}, is_error=True), call({"city": "No"}, decision="deny")),
            trace(call({"city": "Rewritten"}, original_arguments={"city": "x"})),
            trace(call({"city": "Rejected"}), rejected=True),
            trace(call({"days": 2}), call({"city": 7})),  # schema-invalid: missing city, wrong type
        ]
    )
    examples = stats.examples("forecast", SCHEMA, limit=3, min_success=0.5)
    assert len(examples) == 3 and len({json.dumps(e, sort_keys=True) for e in examples}) == 3
    cities = {e["city"] for e in examples}
    assert cities <= {"Oslo", "Lima", "Rome"}
    assert {"Bad", "No", "Rewritten", "Rejected"}.isdisjoint(cities)
    # gated by the success rate: 9 of 14 calls succeeded
    assert stats.examples("forecast", SCHEMA, min_success=0.9) == []
    assert stats.examples("unknown", SCHEMA) == []


def test_valid_arguments() -> None:
    assert valid_arguments({"city": "Oslo", "days": 2}, SCHEMA)
    assert not valid_arguments({"city": "Oslo", "days": "2"}, SCHEMA)
    assert not valid_arguments({}, SCHEMA)


@tool
def forecast(city: str, days: int = 1) -> str:
    """Weather forecast for a city.

    Args:
        city: the city
        days: how many days
    """
    return f"sunny in {city} for {days} days"


async def test_examples_reach_the_next_run(tmp_path: Path) -> None:
    first = TestModel(
        script=[
            {"tool": "forecast", "args": {"city": "Oslo"}},
            {"tool": "forecast", "args": {"city": "Lima", "days": 4}},
            "done",
        ]
    )
    cfg = quiet_config(execution={"tool_examples": True})
    async with LLMOS(workspace=tmp_path, config=cfg, model=first, tools=[forecast]) as rt:
        await rt.execute("weather please", mode="learner")
        second = TestModel(script=["ok"])
        await rt.execute("weather again", mode="learner", model=second)
    spec = next(t for t in second.requests[0].tools if t.name == "forecast")
    # the test provider takes no input_examples: they are folded into the description
    assert spec.input_examples == [] and "Example arguments" in spec.description
    assert '{"city": "Oslo"}' in spec.description and '"days": 4' in spec.description
    assert not any("Example arguments" in t.description for t in first.requests[0].tools)


def test_cli_tools_show(tmp_path: Path) -> None:
    import asyncio

    from llmos.cli.tools import app

    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "llmos.toml").write_text('preset = "testing"\n[learning]\nenabled = false\n')
    (ws / "a.txt").write_text("hello")
    model = TestModel(script=[{"tool": "read_file", "args": {"path": "a.txt"}}, "done"])

    async def run() -> None:
        async with LLMOS(workspace=ws, model=model) as rt:
            await rt.execute("read a.txt", mode="learner")

    asyncio.run(run())
    result = CliRunner().invoke(app, ["show", "read_file", "--workspace", str(ws), "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    assert info["name"] == "read_file" and info["calls"] == 1 and info["success_rate"] == 1.0
    assert info["input_examples"] == [{"path": "a.txt"}]
    missing = CliRunner().invoke(app, ["show", "nope", "--workspace", str(ws)])
    assert missing.exit_code != 0 and "no tool named 'nope'" in missing.output
