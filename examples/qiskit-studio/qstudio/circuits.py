"""Circuit code: templates the tools write, and the sandboxed run of any circuit code.

Circuit code is a Python module that defines `build()` returning a `qiskit.QuantumCircuit`. It is
never executed in the server: `run_circuit` runs it in LLM OS's sandbox (bubblewrap, no network,
a private scratch directory, CPU/memory/wall limits), with qiskit importable read-only.
"""

from __future__ import annotations

import sysconfig
from typing import Any

from llmos.exceptions import SandboxError
from llmos.execution.sandbox import Sandbox
from llmos.config import SandboxConfig

KINDS = ("bell", "ghz", "superposition")
MAX_QUBITS = 12
MAX_SHOTS = 100_000
MAX_CODE = 20_000

RUNNER = """

def qstudio_run(shots):
    from qiskit import transpile
    from qiskit_aer import AerSimulator

    qc = build()
    if not any(i.operation.name == "measure" for i in qc.data):
        qc.measure_all()
    sim = AerSimulator(seed_simulator=11)
    counts = sim.run(transpile(qc, sim), shots=shots).result().get_counts()
    return {"counts": dict(sorted(counts.items())), "num_qubits": qc.num_qubits, "depth": qc.depth(),
            "diagram": str(qc.draw(output="text"))}
"""


def circuit_code(kind: str, qubits: int) -> str:
    """The code of a named circuit (text only: nothing runs here)."""
    if kind not in KINDS:
        raise ValueError(f"unknown circuit kind {kind!r}: choose one of {', '.join(KINDS)}")
    if kind == "bell":
        qubits = 2
    if not 1 <= qubits <= MAX_QUBITS:
        raise ValueError(f"qubits must be between 1 and {MAX_QUBITS}, got {qubits}")
    lines = ["from qiskit import QuantumCircuit", "", "", "def build():", f"    qc = QuantumCircuit({qubits})"]
    if kind == "superposition":
        lines += [f"    for q in range({qubits}):", "        qc.h(q)"]
    else:
        lines += ["    qc.h(0)", f"    for q in range(1, {qubits}):", "        qc.cx(q - 1, q)"]
    lines += ["    qc.measure_all()", "    return qc", ""]
    return "\n".join(lines)


def make_sandbox() -> Sandbox:
    """A sandbox where qiskit and qiskit-aer are importable (read-only) and big enough to simulate."""
    site = sysconfig.get_paths()
    paths = tuple(dict.fromkeys([site["purelib"], site["platlib"]]))
    return Sandbox(SandboxConfig(memory_mb=4096, cpu_s=60, wall_s=90, max_processes=256), import_paths=paths)


async def run_circuit(sandbox: Sandbox, code: str, shots: int) -> dict[str, Any]:
    """Run circuit code in the sandbox; a clear error when it is too big, fails or is killed."""
    if not isinstance(code, str) or not code.strip():
        raise ValueError("the circuit code is empty: define build() returning a QuantumCircuit")
    if len(code) > MAX_CODE:
        raise ValueError(f"the circuit code is {len(code)} characters; the most is {MAX_CODE}")
    if not 1 <= shots <= MAX_SHOTS:
        raise ValueError(f"shots must be between 1 and {MAX_SHOTS}, got {shots}")
    result = await sandbox.run(code + RUNNER, function="qstudio_run", args={"shots": shots})
    if not result.ok:
        why = result.error or f"stopped by the {result.killed_by} limit"
        raise SandboxError(f"the circuit code failed in the sandbox: {why.strip().splitlines()[-1]}")
    value: dict[str, Any] = result.value
    return value
