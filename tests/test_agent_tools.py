"""Agents as tools: a Markdown agent offered to another as `agent__NAME`, through the tool seam."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from orchestration_support import Recorder, config, world_tools

from llmos.models import _testagent
from llmos.models.base import ModelRequest, ToolCall, ToolResult
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS


def write_agent(ws: Path, name: str, description: str, tools: str, body: str) -> None:
    (ws / "agents").mkdir(parents=True, exist_ok=True)
    text = f"---\nname: {name}\ndescription: {description}\ntools: {tools}\n---\n{body}\n"
    (ws / "agents" / f"{name}.md").write_text(text)


def boss_model(target: str = "agent__scout") -> TestModel:
    def respond(request: ModelRequest) -> Any:
        if "You are the boss" not in request.system:
            return _testagent.respond(request)
        results = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
        if not results:
            return ToolCall("", target, {"goal": "gather prices for 0.01 seconds"})
        return f"boss heard: {results[-1].content}"

    return TestModel(script=respond)


async def test_an_agent_calls_another_agent_as_a_tool(tmp_path: Path) -> None:
    write_agent(tmp_path, "scout", "Finds market data.", "[gather_prices]", "You are the scout.")
    write_agent(tmp_path, "boss", "Delegates.", "[agent__scout]", "You are the boss.")
    recorder = Recorder()
    model = boss_model()
    async with LLMOS(tmp_path, config=config(), model=model, tools=world_tools(), hooks=[recorder]) as os:
        assert os.registry.get("agent__scout") is not None and os.registry.get("agent__boss") is not None
        result = await os.execute("Get me the prices", agent="boss")
        children = os.traces.children(result.run_id)
    assert result.success, result.error
    assert result.output.startswith("boss heard: Done: 1 tool call") and "gold 2400" in result.output
    assert [c["name"] for c in result.tool_calls] == ["agent__scout"]
    assert [t.agent for t in children] == ["scout"] and children[0].parent_id == result.run_id
    assert [c.name for c in children[0].tool_calls] == ["gather_prices"]
    assert [(e[0], e[1]) for e in recorder.events] == [("start", "scout"), ("stop", "scout")]
    boss_request = next(r for r in model.requests if "You are the boss" in r.system)
    assert [t.name for t in boss_request.tools] == ["agent__scout"]  # named in tools: offered


async def test_an_agent_cannot_call_itself(tmp_path: Path) -> None:
    write_agent(tmp_path, "boss", "Delegates.", "[agent__boss]", "You are the boss.")
    async with LLMOS(tmp_path, config=config(), model=boss_model("agent__boss")) as os:
        result = await os.execute("Get me the prices", agent="boss")
        assert os.traces.children(result.run_id) == []
    assert result.tool_calls[0]["is_error"] and "cannot call itself" in result.tool_calls[0]["result"]


async def test_agent_tools_follow_the_agents_directory(tmp_path: Path) -> None:
    async with LLMOS(tmp_path, config=config(), model=TestModel(script=["ok"])) as os:
        assert os.registry.get("agent__scout") is None
        write_agent(tmp_path, "scout", "Finds market data.", "[]", "You are the scout.")
        await os.execute("hello")
        tool = os.registry.get("agent__scout")
        assert tool is not None and tool.metadata.get("defer") and "Finds market data" in tool.description
        (tmp_path / "agents" / "scout.md").unlink()
        await os.execute("hello")
        assert os.registry.get("agent__scout") is None
