"""qiskit-studio HTTP API.

POST /chat {"message"}          a goal in natural language, answered through LLM OS
POST /chat/stream {"message"}   the same, as server-sent events (tool calls, text, then `final`)
POST /run {"code", "shots"}     run given circuit code in the sandbox (never in the server)
GET  /stats                     runs by mode, cost and savings, sandbox runs, tool search
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from llmos import LLMOS
from llmos.exceptions import LLMOSError, SandboxError
from llmos.tools.search import ToolSearch
from qstudio.circuits import MAX_CODE, MAX_SHOTS, make_sandbox, run_circuit
from qstudio.tools import studio_tools


class Chat(BaseModel):
    message: str = Field(min_length=1, max_length=4000)
    mode: str = "auto"


class Run(BaseModel):
    code: str = Field(min_length=1, max_length=MAX_CODE)
    shots: int = Field(default=1000, ge=1, le=MAX_SHOTS)


def _sse(event: str, data: Any) -> str:
    return f"event: {event}\ndata: {json.dumps(data, default=str)}\n\n"


def create_app(workspace: str | Path, *, model: Any = None) -> FastAPI:
    from qstudio.model import StudioModel

    sandbox = make_sandbox()
    runs: list[dict[str, Any]] = []
    runtime = LLMOS(workspace=workspace, model=model or StudioModel(), tools=studio_tools(sandbox, runs))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        try:
            yield
        finally:
            await runtime.close()

    app = FastAPI(title="qiskit-studio", lifespan=lifespan)
    app.state.runtime = runtime

    @app.post("/chat")
    async def chat(body: Chat) -> dict[str, Any]:
        try:
            return (await runtime.execute(body.message, mode=body.mode)).to_dict()
        except LLMOSError as e:
            raise HTTPException(422, str(e)) from e

    @app.post("/chat/stream")
    async def chat_stream(body: Chat) -> StreamingResponse:
        queue: asyncio.Queue[tuple[str, Any] | None] = asyncio.Queue()

        async def sink(event: dict[str, Any]) -> None:
            await queue.put((str(event.get("type") or event.get("kind") or "event"), event))

        async def go() -> None:
            try:
                result = await runtime.execute(body.message, mode=body.mode, events=sink)
                await queue.put(("final", result.to_dict()))
            except LLMOSError as e:
                await queue.put(("error", {"error": str(e)}))
            finally:
                await queue.put(None)

        task = asyncio.create_task(go())

        async def stream() -> AsyncIterator[str]:
            try:
                while (item := await queue.get()) is not None:
                    yield _sse(*item)
            finally:
                if not task.done():
                    task.cancel()

        return StreamingResponse(stream(), media_type="text/event-stream")

    @app.post("/run")
    async def run(body: Run) -> dict[str, Any]:
        try:
            out = await run_circuit(sandbox, body.code, body.shots)
        except (ValueError, SandboxError) as e:
            raise HTTPException(422, str(e)) from e
        runs.append({"shots": body.shots, "num_qubits": out["num_qubits"], "source": "/run"})
        return out

    @app.get("/stats")
    async def stats() -> dict[str, Any]:
        s = runtime.stats()
        found = [t.name for t in ToolSearch(runtime.registry).search("simulate quantum circuit", limit=3)]
        return {
            "runs": s.get("runs"), "by_mode": s.get("by_mode"), "cost_usd": s.get("cost_usd"),
            "saved_usd": s.get("saved_usd"), "plans": s.get("plans"),
            "sandbox_runs": len(runs), "shots": sum(r["shots"] for r in runs),
            "tool_search": {"tools": len(runtime.registry), "query": "simulate quantum circuit", "found": found},
        }  # fmt: skip

    return app
