"""Markdown agents end to end: the model creates an agent, the next run uses it, the change is
versioned and revertable, and a running HTTP server picks up new agent files without restart."""

from __future__ import annotations

from pathlib import Path

import httpx
from test_server import LiveServer

from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS


async def test_model_creates_an_agent_that_the_next_run_uses(tmp_path: Path) -> None:
    model = TestModel()
    async with LLMOS(workspace=tmp_path, model=model, preset="testing") as os:
        r = await os.execute("Create a haiku-poet agent that writes haikus")
        assert r.success, r.error
        assert [c["name"] for c in r.tool_calls] == ["tool_search", "create_agent"]  # loaded on demand
        path = tmp_path / "agents" / "haiku-poet.md"
        assert path.exists()
        assert "haikus" in path.read_text()

        r2 = await os.execute("Compose a haiku about the sea", agent="haiku-poet")
        assert r2.success and r2.agent == "haiku-poet"
        assert "You are haiku-poet" in model.requests[-1].system

        changes = os.versions.history("agent:haiku-poet")
        assert [c.kind for c in changes] == ["agent.create"]
        assert changes[0].run_id == r.run_id and changes[0].diff

        os.versions.revert(changes[0].id, who="test")
        assert not path.exists()  # reverting a creation removes the agent


async def test_server_picks_up_new_agents_without_restart(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    runtime = LLMOS(workspace=ws, model=TestModel(), preset="testing")
    with LiveServer(runtime) as live:
        async with httpx.AsyncClient(base_url=live.url, timeout=20) as client:
            names = {a["name"] for a in (await client.get("/v1/agents")).json()["agents"]}
            assert "reviewer" not in names
            (ws / "agents").mkdir(exist_ok=True)
            (ws / "agents" / "reviewer.md").write_text(
                "---\nname: reviewer\ndescription: Reviews text.\n---\n\nYou review text carefully.\n"
            )
            (ws / "agents" / "broken.md").write_text("---\nname: [not, valid\n---\nbody\n")
            names = {a["name"] for a in (await client.get("/v1/agents")).json()["agents"]}
            assert "reviewer" in names and "default" in names
            r = await client.post("/v1/execute", json={"goal": "Say hello", "agent": "reviewer"})
            assert r.status_code == 200 and r.json()["agent"] == "reviewer"
