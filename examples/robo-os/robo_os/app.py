"""The robo-os HTTP app: commands in natural language, the arm's state, a WebSocket of state updates.

POST /command {"goal", "mode"?, "agent"?}   run a goal through LLM OS (any mode; orchestrator too)
POST /emergency-stop, POST /reset           the big red button and its reset
GET  /state                                 position, gripper, parts, camera view, safety denials
GET  /stats                                 LLM OS's stats (runs by mode, cost, savings)
WS   /ws                                    a JSON message after every change of the arm
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, WebSocket, WebSocketDisconnect
from pydantic import BaseModel, Field

from robo_os import open_robo
from robo_os.arm import Arm


class Command(BaseModel):
    goal: str = Field(min_length=1, max_length=2000)
    mode: str = "auto"
    agent: str | None = None


def create_app(workspace: str | Path, *, arm: Arm | None = None, model: Any = None) -> FastAPI:
    arm = arm or Arm()
    runtime, hook = open_robo(workspace, arm, model)
    queues: set[asyncio.Queue[dict[str, Any]]] = set()

    def push(snapshot: dict[str, Any]) -> None:
        for q in list(queues):
            q.put_nowait(snapshot)

    arm.listeners.append(push)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        try:
            yield
        finally:
            await runtime.close()

    app = FastAPI(title="robo-os", lifespan=lifespan)
    app.state.arm, app.state.runtime, app.state.hook = arm, runtime, hook

    def state() -> dict[str, Any]:
        return {**arm.snapshot(), "camera": arm.camera(), "denials": hook.denials[-20:]}

    @app.get("/state")
    async def get_state() -> dict[str, Any]:
        return state()

    @app.get("/stats")
    async def stats() -> dict[str, Any]:
        return runtime.stats()

    @app.post("/command")
    async def command(body: Command) -> dict[str, Any]:
        from llmos.exceptions import UserError

        try:
            result = await runtime.execute(body.goal, mode=body.mode, agent=body.agent)
        except UserError as e:
            raise HTTPException(422, str(e)) from e
        return {"result": result.to_dict(), "arm": state()}

    @app.post("/emergency-stop")
    async def stop() -> dict[str, Any]:
        arm.emergency_stop()
        return state()

    @app.post("/reset")
    async def reset() -> dict[str, Any]:
        arm.reset_stop()
        return state()

    @app.websocket("/ws")
    async def ws(socket: WebSocket) -> None:
        await socket.accept()
        q: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        queues.add(q)
        try:
            await socket.send_json({"event": "hello", **arm.snapshot()})
            while True:
                await socket.send_json(await q.get())
        except WebSocketDisconnect:
            pass
        finally:
            queues.discard(q)

    return app
