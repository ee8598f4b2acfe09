"""The offline model: a scripted circuit engineer on top of the shipped test model."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from typing import Any

from llmos import TestModel
from llmos.models.base import ModelRequest, ModelResponse, StreamEvent, ToolCall, ToolResult

GOAL = re.compile(r"(bell pair|(ghz|superposition) state on (\d+) qubits) with (\d+) shots", re.I)


def engineer(request: ModelRequest) -> Any:
    text = next((m.text for m in request.messages if m.role == "user"), "")
    matches = list(GOAL.finditer(text))  # the last: MIXED shows a solved example first
    results = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
    if results and results[-1].is_error:
        return f"The circuit could not be run: {results[-1].content}"
    if not matches:
        return (
            "Ask me to simulate a Bell pair, a GHZ state on N qubits or a superposition state on N qubits with S shots."
        )
    m = matches[-1]
    kind, qubits = ("bell", 2) if m.group(1).lower() == "bell pair" else (m.group(2).lower(), int(m.group(3)))
    if not results:
        return ToolCall("", "build_circuit", {"kind": kind, "qubits": qubits})
    if len(results) == 1:
        code = json.loads(results[0].content)["code"]
        return ToolCall("", "simulate_circuit", {"code": code, "shots": int(m.group(4))})
    out = json.loads(results[-1].content)
    return (
        f"Simulated {out['num_qubits']} qubits (depth {out['depth']}) with {out['shots']} shots: "
        f"{out['outcomes']} outcomes, most frequent {out['most_frequent']} ({out['counts']})."
    )


class StudioModel:
    """Scripted for circuit goals, the shipped test model for anything else."""

    provider = "test"

    def __init__(self) -> None:
        self.name = "test"
        self.default, self.scripted = TestModel(), TestModel(script=engineer)

    def _pick(self, request: ModelRequest) -> TestModel:
        text = next((m.text for m in request.messages if m.role == "user"), "")
        return self.scripted if GOAL.search(text) else self.default

    async def request(self, request: ModelRequest) -> ModelResponse:
        return await self._pick(request).request(request)

    async def stream(self, request: ModelRequest) -> AsyncIterator[StreamEvent]:
        async for event in self._pick(request).stream(request):
            yield event

    async def count_tokens(self, request: ModelRequest) -> int:
        return await self.default.count_tokens(request)

    async def aclose(self) -> None:
        """Nothing to close."""
