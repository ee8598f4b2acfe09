"""Rule 1's noise covers what differed, never a word no supporting run showed.

A plain-text result whose wording differs in every run (a record with a cataloguer's name, a shelf
and a request reference) used to pass as noise once `noise_min_runs` runs had shown it differ, whole,
decision words included: a copy reported "withdrawn" was lent out as if it were on the shelf. Now a
text that differed in every run is noise only in words some supporting run's text had ("The same
message with a different name in it is not noise"); ids, numbers and masked values may still differ.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence

from llmos.learning import _seen

STAFF = ["Ana", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus"]


class LibraryWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(loans=[], reads=0, status={}, staff={})

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "read_copy":
            state["reads"] += 1
            n = state["reads"]
            who = state["staff"].get(a["barcode"], STAFF[(n - 1) % len(STAFF)])
            status = state["status"].get(a["barcode"], "on the shelf")
            return f"Copy {a['barcode']} is {status}; catalogued by {who}; ref Q{n}X{n * 7}"
        if name == "lend_copy":
            state["loans"].append([a["barcode"], a["reader"]])
            return {"ok": True}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"read_copy": ["barcode"], "lend_copy": ["barcode", "reader"]})
        return reg


async def solve_lend(p: dict[str, Any], calls: Calls) -> str:
    (text,) = await calls([("read_copy", {"barcode": p["barcode"]})])
    if "on the shelf" in str(text):
        await calls([("lend_copy", {"barcode": p["barcode"], "reader": p["reader"]})])
        return f"Lent {p['barcode']} to {p['reader']}."
    return f"{p['barcode']} cannot be lent."


LEND = Family("lend", "Lend copy {barcode} to reader {reader}", solve_lend, nothing)
READERS = ["Maya", "Noor", "Olek", "Pia", "Quin", "Rhea", "Saul", "Tove", "Uma", "Vik"]


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = LibraryWorld()
    h.registry = h.world.registry()
    return h


async def _learn(h: Harness) -> None:
    modes = [await run_ok(h, LEND, {"barcode": f"BK{100 + i}", "reader": READERS[i]}) for i in range(7)]
    assert "follower" in modes  # the record differed in every run: noise, on evidence


async def test_a_decision_word_no_run_showed_stops_before_the_write(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await _learn(h)
    h.world.state["status"]["BK200"] = "withdrawn"
    h.world.state["staff"]["BK200"] = "Ana"  # every other word was seen
    out = await h.run(LEND, {"barcode": "BK200", "reader": "Wes"})
    assert out.correct and stopped_outside_evidence(out.trace)
    assert [c.name for c in out.trace.tool_calls] == [PREFIX + "read_copy"]  # no loan at all
    assert h.world.state["loans"][-1][0] != "BK200"
    assert "withdrawn" in str(out.trace.events)


async def test_a_name_no_run_showed_is_not_noise(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await _learn(h)
    h.world.state["staff"]["BK201"] = "Zed"
    out = await h.run(LEND, {"barcode": "BK201", "reader": "Wes"})
    assert out.correct and stopped_outside_evidence(out.trace)


async def test_what_differed_in_seen_words_is_still_noise(tmp_path: Path) -> None:
    h = harness(tmp_path)
    await _learn(h)
    h.world.state["staff"]["BK202"] = "Cleo"  # a name seen, a new ref: words all seen, template new
    out = await h.run(LEND, {"barcode": "BK202", "reader": "Wes"})
    assert out.correct and out.trace.mode == "follower" and not stopped_outside_evidence(out.trace)
    assert h.world.state["loans"][-1] == ["BK202", "Wes"]


def test_new_words_ignores_ids_numbers_masks_and_punctuation() -> None:
    seen = {"Copy \x00 is on the shelf; catalogued by Ana; ref Q#X#": [], "Parcel \x00 (gold) left": []}
    assert _seen.new_words("Copy \x00 is on the shelf; catalogued by Ana; ref ZX9Q7", seen) == []
    assert _seen.new_words("copy \x00 IS ON THE SHELF, gold!", seen) == []
    assert _seen.new_words("Copy \x00 is withdrawn; catalogued by Ana", seen) == ["withdrawn"]
    assert _seen.new_words("Parcel \x00 (platinum) left", seen) == ["platinum"]
