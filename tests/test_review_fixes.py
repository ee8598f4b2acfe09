"""Small fixes of the review pass: TraceStore.usage, created-tool file helpers, CLI errors on a bad workspace."""

from __future__ import annotations

from pathlib import Path

from runtime_support import llmos_cli

from llmos.evolution.create_tool import HEADER, created_path, parse_created, persist
from llmos.storage.db import Database
from llmos.storage.traces import TraceStore
from llmos.trace import ModelCallRecord, Trace


def test_usage_reads_the_columns_of_the_runs_asked_for(tmp_path: Path) -> None:
    store = TraceStore(Database.for_workspace(tmp_path))
    paid = Trace(goal="g", id="run_paid")
    paid.model_calls.append(ModelCallRecord("test", "m", input_tokens=100, output_tokens=20, cost_usd=0.25))
    paid.model_calls.append(ModelCallRecord("test", "m", input_tokens=10, output_tokens=5, cost_usd=0.5))
    free = Trace(goal="g", id="run_free")
    for t in (paid, free):
        t.finish("success", "out")
        store.save(t)
    usage = store.usage(["run_paid", "run_free", "run_missing", "run_paid"])
    assert usage == {"run_paid": (2, paid.cost_usd, 135), "run_free": (0, 0.0, 0)}
    assert store.usage([]) == {}


def test_created_tool_files_round_trip(tmp_path: Path) -> None:
    source = "def twice(x: int) -> int:\n    return 2 * x\n"
    path = persist(tmp_path, "twice", "doubles", source, [{"args": {"x": 1}, "expected": 2}])
    assert path == tmp_path / created_path("twice")
    assert created_path("twice") == "tools/generated/created/twice.py"
    parsed = parse_created(path.read_text(encoding="utf-8"))
    assert parsed is not None
    meta, body = parsed
    assert meta["name"] == "twice" and meta["description"] == "doubles" and body == source
    assert parse_created(source) is None
    assert parse_created(HEADER + '{"name": "x", "description": ""}\n') == ({"name": "x", "description": ""}, "")


def test_cli_bad_config_and_file_workspace_are_one_line_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    (bad / ".llmos").mkdir(parents=True)
    Database.for_workspace(bad).close()
    (bad / "llmos.toml").write_text("[model]\nnonsense = 3\n", encoding="utf-8")
    proc = llmos_cli("plans", "list", "--workspace", str(bad))
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "model.nonsense" in proc.stderr

    afile = tmp_path / "afile"
    afile.write_text("not a directory", encoding="utf-8")
    proc = llmos_cli("run", "list the files", "--workspace", str(afile), "--model", "test")
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "is not a directory" in proc.stderr
    assert afile.read_text(encoding="utf-8") == "not a directory"
