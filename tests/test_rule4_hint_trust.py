"""Rule 4: a tool's hint may only raise caution unless its name, description and results agree (`tools.hint_trust`).

A dental practice reads a patient's record (months since the last check-up) and sends a recall letter:
'urgent' past 24 months, else 'routine'. The letter tool is annotated readOnlyHint, a lie its name tells
("send"). Trusted, the plan was all reads: it replayed on rule 4's read-only need, and rule 1 (which checks
the earlier results before a step that is not read-only) never looked at a patient 31 months away, so main
sent a routine letter. Not trusted, the letter is a write: rule 1 stops before it and the model decides.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence

from llmos.execution.fallback import is_read_only
from llmos.learning.risk import hints_not_trusted, not_trusted, registry_risk, tool_risk
from llmos.tools.base import Tool, ToolOutput
from llmos.tools.hint_trust import contradiction, name_words, note_result


async def _noop(a: dict[str, Any], ctx: Any) -> ToolOutput:
    return ToolOutput("{}")


def _tool(name: str, description: str = "", **hints: bool) -> Tool:
    t = Tool(name, description or f"the {name} tool", {"type": "object"}, _noop, source="mcp:x")
    t.metadata["annotations"] = dict(hints)
    return t


def test_name_words() -> None:
    assert name_words("sendRecall") == ["send", "recall"]
    assert name_words("hn_mooring-slot") == ["hn", "mooring", "slot"]
    assert name_words("HTTPGet") == ["http", "get"]


def test_a_read_only_hint_the_name_contradicts_is_not_trusted() -> None:
    t = _tool("dental_send_recall", readOnlyHint=True)
    assert "send" in str(contradiction(t))
    assert tool_risk(t) == "destructive"  # the MCP default once the read-only hint goes
    assert tool_risk(_tool("send_recall", readOnlyHint=True, destructiveHint=False)) == "write"
    assert not is_read_only(t)
    assert hints_not_trusted(t) == {"readOnlyHint": "its name 'dental_send_recall' says 'send'"}


def test_a_read_verb_or_a_noun_keeps_the_hint() -> None:
    for name in ("get_booking", "list_orders", "check_updates", "tuning_log", "order_status", "patient_record"):
        t = _tool(name, readOnlyHint=True)
        assert contradiction(t) is None, name
        assert tool_risk(t) == "read_only" and is_read_only(t)


def test_the_description_first_verb() -> None:
    assert contradiction(_tool("mooring_slot", "Reserve tonight's mooring for a boat.", readOnlyHint=True))
    assert contradiction(_tool("tuning", "Log a rank's tuning action.", readOnlyHint=True))
    assert contradiction(_tool("tuning", "Logs of a rank's tunings.", readOnlyHint=True)) is None
    assert contradiction(_tool("x", "Dispatches a van.", readOnlyHint=True))
    for text in ("Records of a patient.", "Orders of a customer.", "A boat's length (m).", "The books on a shelf."):
        assert contradiction(_tool("lookup", text, readOnlyHint=True)) is None, text


def test_a_receipt_in_a_result_is_noted() -> None:
    t = _tool("drench_dose", "The wormer dose for a ewe.", readOnlyHint=True)
    assert tool_risk(t) == "read_only"
    note_result(t, {"ewe": "UK01"}, json.dumps({"ewe": "UK01", "weight_kg": 52, "status": "active"}))
    assert tool_risk(t) == "read_only"  # no receipt: no new id, no status of a thing done
    note_result(t, {"booking_id": "B1"}, json.dumps({"booking_id": "B1", "status": "booked"}))
    assert tool_risk(t) == "read_only"  # the id is the call's own: a read of a booking
    note_result(t, {"ewe": "UK01"}, json.dumps({"dose_id": "DR-4101", "ewe": "UK01", "status": "recorded"}))
    assert tool_risk(t) == "destructive" and "receipt" in str(contradiction(t))
    plain = Tool("drench", "d", {"type": "object"}, _noop)  # no annotations: nothing noted
    note_result(plain, {}, json.dumps({"id": "1", "status": "recorded"}))
    assert "hint_contradicted" not in plain.metadata


def test_an_idempotent_hint_on_a_tool_that_adds() -> None:
    t = _tool("append_log", readOnlyHint=False, destructiveHint=False, idempotentHint=True)
    assert tool_risk(t) == "write"
    assert tool_risk(_tool("set_thermostat", destructiveHint=False, idempotentHint=True)) == "idempotent"


def test_a_hint_that_raises_caution_is_kept() -> None:
    assert tool_risk(_tool("get_weather", readOnlyHint=False)) == "destructive"
    assert tool_risk(_tool("send_mail", destructiveHint=True)) == "destructive"


def test_builtin_kinds_keep_their_risk() -> None:
    for kind, risk in (("pure", "read_only"), ("file_read", "read_only"), ("shell", "destructive")):
        t = Tool("add", "Add two numbers.", {"type": "object"}, _noop, kind=kind)
        assert tool_risk(t) == risk


# ---------------------------------------------------------------- the recall letter, end to end
class DentalWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(patients={}, letters=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "patient_record":
            return {"patient": a["patient"], "months_since_visit": state["patients"][a["patient"]]}
        if name == "send_recall":
            state["letters"].append([a["patient"], a["letter"]])
            return {"patient": a["patient"], "letter": a["letter"]}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"patient_record": ["patient"], "send_recall": ["patient", "letter"]})
        for name in ("patient_record", "send_recall"):  # the second is a lie
            tool = reg.get(PREFIX + name)
            assert tool is not None
            tool.metadata["annotations"] = {"readOnlyHint": True}
        return reg


def _harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = DentalWorld()
    h.registry = h.world.registry()
    h.engine.risk_of = registry_risk(h.registry)
    return h


async def _recall(p: dict[str, Any], calls: Calls) -> str:
    (r,) = await calls([("patient_record", {"patient": p["patient"]})])
    letter = "urgent" if int(r["months_since_visit"]) > 24 else "routine"
    await calls([("send_recall", {"patient": p["patient"], "letter": letter})])
    return f"Sent a {letter} recall letter to {p['patient']}."


RECALL = Family("recall", "Send the dental recall letter to patient {patient}", _recall, nothing)


async def test_a_lying_read_only_write_is_checked_by_rule_1(tmp_path: Path) -> None:
    h = _harness(tmp_path)
    assert not_trusted(h.engine.risk_of, [PREFIX + "send_recall", PREFIX + "patient_record"]) == {
        PREFIX + "send_recall": {"readOnlyHint": f"its name '{PREFIX}send_recall' says 'send'"}
    }
    for patient, months in (("PT-2041", 7), ("PT-2113", 13), ("PT-2157", 18), ("PT-2190", 10), ("PT-2233", 15)):
        h.world.state["patients"][patient] = months
        await run_ok(h, RECALL, {"patient": patient})
    h.world.state["patients"]["PT-2276"] = 12
    out = await h.run(RECALL, {"patient": "PT-2276"})
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0, out.trace.events
    risk = out.decision.reason["plan"]["risk"]  # --explain says why the hint was not trusted
    assert risk["tools"][PREFIX + "send_recall"] == "destructive" and risk["hints_not_trusted"]
    h.world.state["patients"]["PT-2318"] = 31  # far past what the runs saw: the model decides
    out = await h.run(RECALL, {"patient": "PT-2318"})
    assert out.correct and stopped_outside_evidence(out.trace), out.trace.events
    assert h.world.state["letters"][-1] == ["PT-2318", "urgent"]


def test_a_calculator_that_adds_keeps_its_hint() -> None:
    assert contradiction(_tool("calc__add", "Add two numbers.", readOnlyHint=True)) is None
