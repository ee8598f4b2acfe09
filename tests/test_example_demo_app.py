"""examples/demo-app: the tour plays each of the five modes in the scene that needs it, offline."""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

from rich.console import Console

TOUR = Path(__file__).resolve().parents[1] / "examples" / "demo-app" / "tour.py"


def load_tour() -> object:
    spec = importlib.util.spec_from_file_location("llmos_demo_tour", TOUR)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_the_tour_reaches_every_mode_with_real_costs(tmp_path: Path) -> None:
    tour = load_tour()
    out = io.StringIO()
    console = Console(file=out, width=140, color_system=None)
    played = await tour.run_tour(tmp_path, interactive=False, console=console)  # type: ignore[attr-defined]
    scenes = dict(played["scenes"])
    assert scenes["learner"] == ["learner"]
    assert scenes["mixed"] == ["mixed"]
    assert scenes["follower"] == ["follower"] * 3
    assert scenes["crystallized"] == ["crystallized"] * 2
    assert scenes["orchestrator"] == ["orchestrator"]
    stats = played["stats"]
    by_mode = stats["by_mode"]
    assert by_mode["learner"]["cost_usd"] > by_mode["mixed"]["cost_usd"] > 0
    assert by_mode["follower"]["llm_calls"] == 0 and by_mode["follower"]["saved_usd"] > 0
    assert by_mode["crystallized"]["cost_usd"] == 0 and by_mode["crystallized"]["saved_usd"] > 0
    assert stats["saved_usd"] > stats["cost_usd"]
    assert played["stock"] == {
        "BOLT-10@A1": 9, "BOLT-11@B2": 2, "NUT-12@C3": 4, "NUT-13@D4": 6, "GEAR-14@A1": 7,
        "GEAR-15@B2": 8, "PIN-16@C3": 5, "PIN-17@D4": 2, "CAP-18@A1": 3,
    }  # fmt: skip
    text = out.getvalue()
    assert "What it cost" in text and "% saved" in text and "subtask t1 · agent stock-clerk" in text
