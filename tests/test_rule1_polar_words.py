"""Rule 1: a yes/no question is judged on every result, whatever the tools say of their risk.

"Can boats pass canal lock LK-35 today?" answered "Yes, boats may pass lock LK-35 today (it is
open)." over "open" and "staffed": the answer copies the status, and its other words ("Yes", "may
pass") are a judgement the runs made on it. A read-only plan's replay checks every result of a yes/no
question against what its runs saw (`declined.polar`). An MCP server that says nothing of its tools
makes every tool a write; the lock's one call is then the plan's last step, no step is ahead for rule 1
to check its result before, and main replayed "Yes, boats may pass" over "drained" and "closed"
(`bench/families_heldout30.py` h30_lock, 9 wrong at seed 7). The rule: `declined.judged_on_every_result`.

Domain: canal locks (and a second tool that is one: a ferry's booking question, with a write ahead).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

from llmos.learning import declined
from llmos.learning.goals import tokenize_goal
from llmos.learning.plans import Plan
from llmos.models.base import ModelRequest, ToolCall, ToolResult
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.tools.base import Tool, tool

LOCKS: dict[str, str] = {}
PASS = ("open", "staffed", "self-service")


def _read_only(t: Tool) -> Tool:
    t.metadata["annotations"] = {"readOnlyHint": True}
    return t


@tool
def canal_lock(lock: str) -> dict[str, Any]:
    """A canal lock's status today."""
    return {"lock": lock, "status": LOCKS[lock], "rise_m": 2.1}


def lock_model(request: ModelRequest) -> Any:
    goal = next(m.text for m in request.messages if m.role == "user" and "lock" in m.text)
    lock = re.findall(r"lock (LK-\d+)", goal)[-1]
    results = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
    if not results:
        return ToolCall("", "canal_lock", {"lock": lock})
    status = json.loads(results[-1].content)["status"]
    if status in PASS:
        return f"Yes, boats may pass lock {lock} today (it is {status})."
    return f"No, lock {lock} is shut today (it is {status})."


async def _ask(tmp_path: Path, tools: list[Tool], seq: list[str]) -> list[Any]:
    LOCKS.clear()
    LOCKS.update({f"LK-{10 + k}": s for k, s in enumerate(seq)})
    out = []
    async with LLMOS(workspace=tmp_path, model=TestModel(script=lock_model), tools=tools) as os:
        for k in range(len(seq)):
            out.append(await os.execute(f"Can boats pass canal lock LK-{10 + k} today?"))
    return out


def test_the_rule_names_yes_no_questions_whatever_the_risk() -> None:
    ask = tokenize_goal("Can boats pass canal lock LK-35 today?")
    tell = tokenize_goal("What is the status of canal lock LK-35 today?")
    assert declined.judged_on_every_result(_plan(), ask, lambda name: "write")
    assert not declined.judged_on_every_result(_plan(), tell, lambda name: "write")
    assert declined.judged_on_every_result(_plan(), tell, lambda name: "read_only")


def _plan() -> Plan:
    return cast(Plan, SimpleNamespace(steps=[SimpleNamespace(name="canal_lock")], answer=[], example={}))


async def test_a_yes_over_a_status_no_run_showed_goes_to_the_model_for_a_tool_that_says_nothing(
    tmp_path: Path,
) -> None:
    runs = await _ask(tmp_path, [canal_lock], ["open", "staffed", "open", "staffed", "drained", "open"])
    modes = [(o.mode, o.llm_calls) for o in runs]
    assert all(o.success for o in runs), modes
    assert runs[3].llm_calls == 0, modes  # a status the runs showed: the replay answers
    assert runs[3].output == "Yes, boats may pass lock LK-13 today (it is staffed).", runs[3].output
    drained = runs[4]
    assert drained.llm_calls >= 1, (drained.mode, drained.output)
    assert drained.output == "No, lock LK-14 is shut today (it is drained).", drained.output
    assert "outside the evidence" in str(drained.mode_reason.get("fallback_reason")), drained.mode_reason


async def test_the_read_only_tool_keeps_its_check(tmp_path: Path) -> None:
    runs = await _ask(tmp_path, [_read_only(canal_lock)], ["open", "staffed", "open", "closed"])
    assert runs[2].llm_calls == 0 and runs[3].llm_calls >= 1, [(o.mode, o.llm_calls) for o in runs]
    assert runs[3].output.startswith("No, lock LK-13 is shut"), runs[3].output
