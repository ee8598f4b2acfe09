"""The studio's tools: build circuit code from a template, simulate circuit code in the sandbox."""

from __future__ import annotations

from typing import Any

from llmos import Tool, tool
from llmos.execution.sandbox import Sandbox
from qstudio.circuits import circuit_code, run_circuit


def studio_tools(sandbox: Sandbox, runs: list[dict[str, Any]]) -> list[Tool]:
    @tool
    def build_circuit(kind: str, qubits: int) -> dict[str, Any]:
        """Write the qiskit code of a named circuit: kind 'bell' (2 qubits), 'ghz' or 'superposition'."""
        return {"kind": kind, "qubits": 2 if kind == "bell" else qubits, "code": circuit_code(kind, qubits)}

    @tool
    async def simulate_circuit(code: str, shots: int) -> dict[str, Any]:
        """Simulate circuit code (a module defining build() -> QuantumCircuit) on qiskit-aer in the
        sandbox; returns the counts (as text, most frequent first), the depth and a text diagram."""
        out = await run_circuit(sandbox, code, shots)
        runs.append({"shots": shots, "num_qubits": out["num_qubits"]})
        ranked = sorted(out["counts"].items(), key=lambda kv: (-kv[1], kv[0]))
        return {
            "num_qubits": out["num_qubits"],
            "depth": out["depth"],
            "shots": shots,
            "outcomes": len(ranked),
            "most_frequent": ranked[0][0],
            "counts": ", ".join(f"{bits}: {n}" for bits, n in ranked),
            "diagram": out["diagram"],
        }

    return [build_circuit, simulate_circuit]
