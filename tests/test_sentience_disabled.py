"""`[sentience] enabled = false` changes nothing: the same runs behave exactly as in a runtime
with no sentience layer at all (no hook in the chain, no policy, no prompt block)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS

GOALS = [
    "Create a file a.txt with the text 'one'",
    "Run the command `rm -rf /`",
    "Create a file b.txt with the text 'two'",
    "List the files",
    "Run the command `rm -rf /`",
    "Read a.txt",
    "Create a file c.txt with the text 'three'",
]


def _prepare(workspace: Path) -> None:
    workspace.mkdir()
    (workspace / "llmos.toml").write_text("[sentience]\nenabled = false\n")


async def _runs(workspace: Path, *, remove_layer: bool) -> tuple[list[Any], list[Any]]:
    model = TestModel()
    _prepare(workspace)
    async with LLMOS(workspace=workspace, model=model, preset="testing") as os:
        if remove_layer:  # a runtime built without the layer
            os.hooks.hooks = [h for h in os.hooks.hooks if h.name != "sentience"]
            os.sentience = None  # type: ignore[assignment]
        results: list[Any] = []
        for goal in GOALS:
            r = await os.execute(goal)
            results.append(
                (
                    r.mode,
                    r.success,
                    r.status,
                    r.llm_calls,
                    r.input_tokens,
                    r.output_tokens,
                    r.cost_usd,
                    json.dumps(r.tool_calls, sort_keys=True),
                )
            )
            trace = os.traces.require(r.run_id)
            results.append([(c.decision, c.decision_reason) for c in trace.tool_calls])
    requests = [(q.system, q.system_volatile, [t.name for t in q.tools], len(q.messages)) for q in model.requests]
    return results, requests


async def test_disabled_sentience_behaves_like_no_sentience(tmp_path: Path) -> None:
    disabled = await _runs(tmp_path / "a", remove_layer=False)
    absent = await _runs(tmp_path / "b", remove_layer=True)
    assert disabled[0] == absent[0]
    strip = [(s.replace(str(tmp_path / "a"), "WS"), v, t, n) for s, v, t, n in disabled[1]]
    assert strip == [(s.replace(str(tmp_path / "b"), "WS"), v, t, n) for s, v, t, n in absent[1]]
    assert all(v == "" for _, v, _, _ in disabled[1])  # no [INTERNAL_STATE] block
