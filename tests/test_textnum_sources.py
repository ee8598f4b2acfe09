"""Numbers inside plain-text results as explanation sources (`learning/_explain_text.py`).

A printer's tray report is one plain text, "Printer PR-2: 340 sheets in the tray, which holds 500
sheets."; loading it full takes 500 - 340 = 160 sheets. Before, a plain text's numbers explained no
argument and no answer figure, so the plan never replayed. Now the k-th number of a text explains a
value while every supporting run's text had the same template (numbers out, the goal's words masked),
and a live text of another template (the numbers swapped, an "(estimated)" clause) makes that number
Unavailable: the model decides. (The probe that asked for this: `bench/families_textnum.py`, tanks,
bins and meters; this test is another domain.)
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from test_learning_world import Calls, Family, Harness, World, nothing, run_ok

from llmos.learning import _explain_text
from llmos.learning import explain as ex
from llmos.learning.goals import tokenize_goal


class PrintWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(trays={}, loaded=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "tray_report":
            return state["trays"][a["printer"]]
        if name == "load_paper":
            state["loaded"].append([a["printer"], a["sheets"]])
            return {"status": "loaded"}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"tray_report": ["printer"], "load_paper": ["printer", "sheets"]})
        return reg


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = PrintWorld()
    h.registry = h.world.registry()
    return h


def _numbers(text: str) -> tuple[int, int]:
    """(sheets in the tray, sheets it holds), as a person reads either sentence."""
    have = re.search(r"(-?[\d,]+) (?:sheets \(estimated\) |sheets )?in (?:the tray|it)", text)
    holds = re.search(r"holds ([\d,]+)", text)
    assert have is not None and holds is not None, text
    return int(have.group(1).replace(",", "")), int(holds.group(1).replace(",", ""))


async def solve_fill(p: dict[str, Any], calls: Calls) -> str:
    (rep,) = await calls([("tray_report", {"printer": p["printer"]})])
    have, holds = _numbers(rep)
    await calls([("load_paper", {"printer": p["printer"], "sheets": holds - have})])
    return f"Loaded {holds - have} sheets into printer {p['printer']}."


async def solve_room(p: dict[str, Any], calls: Calls) -> str:
    (rep,) = await calls([("tray_report", {"printer": p["printer"]})])
    have, holds = _numbers(rep)
    return f"Printer {p['printer']} has room for {holds - have} sheets."


FILL = Family("fill", "Fill the paper tray of printer {printer}", solve_fill, nothing)
ROOM = Family("room", "How many sheets fit into printer {printer}?", solve_room, nothing)


def _tray(h: Harness, printer: str, have: int, holds: int, text: str | None = None) -> dict[str, str]:
    h.world.state["trays"][printer] = text or f"Printer {printer}: {have} sheets in the tray, which holds {holds}."
    return {"printer": printer}


async def _learn(h: Harness, fam: Family) -> None:
    for printer, have, holds in [("PR-2", 340, 500), ("PR-5", 120, 500), ("PR-7", 260, 400), ("PR-9", 90, 400)]:
        await run_ok(h, fam, _tray(h, printer, have, holds))


async def test_a_derived_argument_from_a_plain_text_replays_while_its_template_holds(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await _learn(h, FILL)
    out = await h.run(FILL, _tray(h, "PR-4", 200, 500))
    assert out.correct and out.decision.mode == "follower" and out.llm_calls == 0, out.decision.reason
    assert h.world.state["loaded"][-1] == ["PR-4", 300]
    # the same numbers in another order: the first number is no longer what is in the tray
    swapped = "Printer PR-6: the tray holds 500 sheets, 150 in it."
    out = await h.run(FILL, _tray(h, "PR-6", 150, 500, swapped))
    assert out.correct and out.llm_calls > 0, out.trace.events
    assert h.world.state["loaded"][-1] == ["PR-6", 350]
    # an extra clause moves nothing, but the template is not one seen: the model decides
    estimated = "Printer PR-8: 250 sheets (estimated) in the tray, which holds 400."
    out = await h.run(FILL, _tray(h, "PR-8", 250, 400, estimated))
    assert out.correct and out.llm_calls > 0, out.trace.events


async def test_an_answer_figure_from_a_plain_text_replays_while_its_template_holds(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await _learn(h, ROOM)
    out = await h.run(ROOM, _tray(h, "PR-4", 200, 500))
    assert out.decision.mode == "follower" and out.llm_calls == 0, out.decision.reason
    assert "room for 300 sheets" in str(out.trace.output)
    swapped = "Printer PR-6: the tray holds 500 sheets, 150 in it."
    out = await h.run(ROOM, _tray(h, "PR-6", 150, 500, swapped))
    assert "room for 350 sheets" in str(out.trace.output), out.trace.output


def _env(goal: str, text: str) -> ex.Env:
    return ex.Env(tokenize_goal(goal), [text], [ex.parse_result(text)])


def test_a_plain_text_number_is_read_only_in_the_template_it_was_seen_in() -> None:
    env = _env("Fill printer PR-2", "Printer PR-2: 340 sheets in the tray, which holds 500.")
    ops = dict(_explain_text.operands(env, 1))
    assert sorted(ops.values()) == [340, 500]
    ref = next(r for r, v in ops.items() if v == 340)
    # another printer, the same sentence: the goal's word is masked, the number read
    assert ex.ref_value(ref, _env("Fill printer PR-3", "Printer PR-3: 90 sheets in the tray, which holds 400.")) == 90
    for other in (
        "Printer PR-3: the tray holds 400 sheets, 90 in it.",
        "Printer PR-3: 1,090 sheets in the tray, which holds 2,000.",
        "Printer PR-3: 1 090 sheets in the tray, which holds 2 000.",
        "Printer PR-3: -5 sheets in the tray, which holds 400 (estimated).",
        '{"sheets": 90, "holds": 400}',
    ):
        try:
            got = ex.ref_value(ref, _env("Fill printer PR-3", other))
        except ex.Unavailable:
            continue
        raise AssertionError(f"{other!r} gave {got!r}")
    # a date is no operand; a table (more than MAX_TEXT_NUMBERS numbers) gives none
    dated = _env("Fill printer PR-2", "Printer PR-2: 340 sheets on 2026-03-14.")
    assert [v for _r, v in _explain_text.operands(dated, 1)] == [340]
    # digits the template would split: "1,240 of 1,500" is no 240 of 500
    for split in ("Printer PR-2: 1,240 sheets, holds 1,500.", "Printer PR-2: 12,5 kg at 11:05."):
        assert _explain_text.operands(_env("Fill printer PR-2", split), 1) == []
    table = _env("Fill printer PR-2", " ".join(f"tray {n}: {n * 10} sheets." for n in range(1, 6)))
    assert _explain_text.operands(table, 1) == []
