"""examples/qiskit-studio end to end (real qiskit + qiskit-aer in the sandbox): /chat learns, replays
and crystallizes; /chat/stream streams; /run runs given code in the sandbox, never in the server."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

pytest.importorskip("qiskit")
pytest.importorskip("qiskit_aer")

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples" / "qiskit-studio"))

from fastapi.testclient import TestClient
from qstudio.app import create_app
from qstudio.circuits import circuit_code, make_sandbox

BELL = (
    "from qiskit import QuantumCircuit\n\n"
    "def build():\n    qc = QuantumCircuit(2)\n    qc.h(0)\n    qc.cx(0, 1)\n    qc.measure_all()\n    return qc\n"
)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    if not make_sandbox().available()[0]:
        pytest.skip("no real sandbox (bubblewrap) here")
    with TestClient(create_app(tmp_path_factory.mktemp("qstudio"))) as c:
        yield c  # type: ignore[misc]


def test_circuit_templates_are_checked() -> None:
    assert "QuantumCircuit(3)" in circuit_code("ghz", 3) and "qc.cx(q - 1, q)" in circuit_code("ghz", 3)
    assert "QuantumCircuit(2)" in circuit_code("bell", 7)
    with pytest.raises(ValueError, match="unknown circuit kind"):
        circuit_code("teleport", 3)
    with pytest.raises(ValueError, match="qubits must be between"):
        circuit_code("ghz", 99)


def test_chat_learns_replays_and_crystallizes(client: TestClient) -> None:
    modes = []
    # the first two goals span the qubits and shots (rule 1: a goal amount a write takes lies inside the range
    # seen), and the outcomes seen differ (the most frequent is all 0s at 7 qubits and 500 shots, else all 1s)
    for n, shots in [(3, 2000), (8, 300), (7, 500), (5, 800), (4, 1000), (6, 600)]:
        r = client.post("/chat", json={"message": f"Simulate a GHZ state on {n} qubits with {shots} shots"}).json()
        assert r["success"], r
        assert f"Simulated {n} qubits" in r["output"] and f"{shots} shots" in r["output"]
        assert f"most frequent {'0' * n}" in r["output"] or f"most frequent {'1' * n}" in r["output"]
        modes.append((r["mode"], r["llm_calls"]))
    assert modes[0] == ("learner", 3) and ("follower", 0) in modes and modes[-1] == ("crystallized", 0), modes
    stats = client.get("/stats").json()
    assert stats["runs"] == 6 and stats["sandbox_runs"] == 6 and stats["shots"] == 5200
    assert stats["saved_usd"] > 0 and stats["tool_search"]["found"][0] == "simulate_circuit"


def test_chat_stream_sends_events_then_the_result(client: TestClient) -> None:
    with client.stream("POST", "/chat/stream", json={"message": "Simulate a Bell pair with 100 shots"}) as r:
        body = "".join(r.iter_text())
    events = [block.split("\n")[0].removeprefix("event: ") for block in body.strip().split("\n\n")]
    assert events[-1] == "final" and len(events) > 1
    final = json.loads(body.strip().split("\n\n")[-1].split("data: ", 1)[1])
    assert final["success"] and "Simulated 2 qubits" in final["output"]


def test_run_executes_code_in_the_sandbox_only(client: TestClient, tmp_path: Path) -> None:
    r = client.post("/run", json={"code": BELL, "shots": 1000}).json()
    assert set(r["counts"]) == {"00", "11"} and sum(r["counts"].values()) == 1000
    marker = tmp_path / "escaped.txt"
    probe = BELL + (
        f"\nimport os\nos.environ['QSTUDIO_PROBE'] = '1'\ntry:\n    open({str(marker)!r}, 'w').write('x')\n"
        "except OSError:\n    pass\n"
    )
    assert client.post("/run", json={"code": probe, "shots": 10}).status_code == 200
    assert "QSTUDIO_PROBE" not in os.environ and not marker.exists()  # nothing ran in the server
    bad = client.post("/run", json={"code": "def build(:\n", "shots": 10})
    assert bad.status_code == 422 and "failed in the sandbox" in bad.json()["detail"]
    assert client.post("/run", json={"code": BELL, "shots": 10**7}).status_code == 422
