"""Q-Kids Studio: the HTTP game.

GET  /missions                          the six missions
POST /play {player, mission, blocks}    run the blocks and see what they make (no model)
POST /hint {player, mission, blocks}    Professor Q's hint (an LLM OS run: replayed for a known mistake)
POST /check-mission {player, mission, blocks}   the Game Master checks and records stars (an LLM OS run)
GET  /player/{name}, /leaderboard       progress
GET  /stats                             hints and checks by mode, model calls, cost and savings
"""

from __future__ import annotations

import re
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, Field

from llmos import LLMOS
from qkids import missions
from qkids.errors import QKidsError
from qkids.game import Game, KidSafeHook, game_tools, kid_filter
from qkids.quantum import compile_blocks, simulate

AGENTS = Path(__file__).parent / "agents"
NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,23}$")


class Attempt(BaseModel):
    player: str = Field(pattern=NAME.pattern)
    mission: str = Field(max_length=40)
    blocks: str = Field(max_length=400, pattern=r"^[a-z0-9\- ,]*$")


def prepare_workspace(workspace: str | Path) -> Path:
    """The workspace, with Professor Q and the Game Master in its agents/ folder."""
    ws = Path(workspace)
    (ws / "agents").mkdir(parents=True, exist_ok=True)
    for md in AGENTS.glob("*.md"):
        if not (ws / "agents" / md.name).exists():
            shutil.copy(md, ws / "agents" / md.name)
    return ws


def play_blocks(mission: str, blocks: str) -> dict[str, Any]:
    """Compile and run the blocks (after the mission's start blocks): no model involved."""
    m = missions.get(mission)
    try:
        gates = compile_blocks(m.start, m.qubits) + compile_blocks(blocks, m.qubits)
    except QKidsError as e:
        raise HTTPException(422, kid_filter(str(e))) from e
    got = simulate(gates, m.qubits)
    bars = {k: "█" * round(v * 20) for k, v in got.items()}
    return {"mission": m.name, "circuit": [g.text() for g in gates], "probabilities": got, "bars": bars}


def hint_stats(hints: dict[str, dict[str, float]]) -> dict[str, Any]:
    """Hints by mode, model calls, cost, and what the model would have cost on every hint."""
    n = sum(int(v["runs"]) for v in hints.values())
    cost = sum(v["cost_usd"] for v in hints.values())
    learner = hints.get("learner") or {"runs": 0, "cost_usd": 0.0}
    every_time = learner["cost_usd"] / learner["runs"] * n if learner["runs"] else 0.0
    return {"total": n, "by_mode": hints, "model_calls": sum(int(v["llm_calls"]) for v in hints.values()),
            "cost_usd": round(cost, 6), "cost_per_hint_usd": round(cost / n, 6) if n else 0.0,
            "model_every_time_usd": round(every_time, 6),
            "replayed": sum(int(v["runs"]) for m, v in hints.items() if m in ("follower", "crystallized"))}  # fmt: skip


def create_app(workspace: str | Path, *, model: Any = None) -> FastAPI:
    from qkids.model import KidsModel

    ws = prepare_workspace(workspace)
    game = Game()
    runtime = LLMOS(workspace=ws, model=model or KidsModel(), tools=game_tools(game), hooks=[KidSafeHook()])
    tally: dict[str, dict[str, dict[str, float]]] = {"hint": {}, "check": {}}

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        try:
            yield
        finally:
            await runtime.close()

    app = FastAPI(title="Q-Kids Studio", lifespan=lifespan)
    app.state.game, app.state.runtime = game, runtime

    def known(mission: str) -> None:
        if mission not in missions.MISSIONS:
            raise HTTPException(404, f"there is no mission '{mission}'; try GET /missions")

    async def run(kind: str, goal: str, agent: str) -> dict[str, Any]:
        r = await runtime.execute(goal, agent=agent)
        row = tally[kind].setdefault(r.mode, {"runs": 0, "llm_calls": 0, "cost_usd": 0.0})
        row["runs"] += 1
        row["llm_calls"] += r.llm_calls
        row["cost_usd"] += r.cost_usd
        return {"answer": kid_filter(r.output), "mode": r.mode, "llm_calls": r.llm_calls,
                "cost_usd": r.cost_usd, "success": r.success}  # fmt: skip

    @app.get("/missions")
    async def list_missions() -> list[dict[str, Any]]:
        return [m.public() for m in missions.MISSIONS.values()]

    @app.post("/play")
    async def play(body: Attempt) -> dict[str, Any]:
        known(body.mission)
        return play_blocks(body.mission, body.blocks)

    @app.post("/hint")
    async def hint(body: Attempt) -> dict[str, Any]:
        known(body.mission)
        goal = f"Give the player '{body.player}' a hint for mission {body.mission}: their blocks are '{body.blocks}'"
        return await run("hint", goal, "professor-q")

    @app.post("/check-mission")
    async def check_mission(body: Attempt) -> dict[str, Any]:
        known(body.mission)
        goal = f"Check mission {body.mission} for the player '{body.player}': blocks '{body.blocks}'"
        return {**await run("check", goal, "game-master"), "player": game.player(body.player).public()}

    @app.get("/player/{name}")
    async def player(name: str) -> dict[str, Any]:
        if name not in game.players:
            raise HTTPException(404, f"no player called {name!r} yet")
        return game.players[name].public()

    @app.get("/leaderboard")
    async def leaderboard() -> list[dict[str, Any]]:
        return game.leaderboard()

    @app.get("/stats")
    async def stats() -> dict[str, Any]:
        s = runtime.stats()
        return {
            "hints": hint_stats(tally["hint"]),
            "checks": tally["check"],
            "llmos": {"cost_usd": s.get("cost_usd"), "saved_usd": s.get("saved_usd"), "by_mode": s.get("by_mode")},
            "players": len(game.players),
        }  # fmt: skip

    return app
