"""Rule 1 for a number written as fixed-width digits (`_seen_products.digit_fields`, "~digits").

A battery's date code "WWYY" (week and year) is one number to a range: "4018" lies inside "0824" ..
"4521" while its year, 18, lies before every year a supporting run showed (21..24). Each half of a
string of 4, 6 or 8 digits is range-checked as well as the whole, so an eight-year-old battery is the
model's to judge. (The probe that found this: a tyre's DOT code, `bench/families_heldout20.py` h20_tyre;
main fitted tyres of 2017 to 2019.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import Calls, Family, Harness, World, nothing, run_ok, stopped_outside_evidence


class BatteryWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(batteries={}, installed=[])

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "battery_info":
            return {"battery": a["battery"], "volts": 12, "date_code": state["batteries"][a["battery"]]}
        if name == "install_battery":
            state["installed"].append(a["battery"])
            return {"status": "installed"}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"battery_info": ["battery"], "install_battery": ["battery", "boat"]})
        return reg


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = BatteryWorld()
    h.registry = h.world.registry()
    return h


async def solve_install(p: dict[str, Any], calls: Calls) -> str:
    (b,) = await calls([("battery_info", {"battery": p["battery"]})])
    if int(b["date_code"][2:]) >= 21:
        await calls([("install_battery", {"battery": p["battery"], "boat": p["boat"]})])
        return f"Battery {p['battery']} installed in {p['boat']}."
    return f"Battery {p['battery']} not installed: too old."


INSTALL = Family("install", "Install battery {battery} in boat {boat}", solve_install, nothing)


async def test_the_halves_of_a_date_code_stay_inside_the_halves_seen(tmp_path: Path) -> None:
    h = harness(tmp_path)

    def goal(n: int, code: str, boat: str) -> dict[str, str]:
        h.world.state["batteries"][f"B{n}"] = code
        return {"battery": f"B{n}", "boat": boat}

    for n, code, boat in [(1, "1223", "Osprey"), (2, "4521", "Tern"), (3, "0824", "Kestrel"), (4, "3022", "Merlin")]:
        await run_ok(h, INSTALL, goal(n, code, boat))
    out = await h.run(INSTALL, goal(5, "1524", "Osprey"))  # week 15 of 2024: replays
    assert out.correct and out.trace.mode == "follower" and out.llm_calls == 0, out.decision.reason
    out = await h.run(INSTALL, goal(6, "4018", "Tern"))  # 4018 inside 0824..4521; the year 18 is not
    assert out.decision.mode == "follower"
    assert out.correct and stopped_outside_evidence(out.trace)
    assert "B6" not in h.world.state["installed"]
    assert "the digits 3-4 of the 4 of date_code" in str(out.trace.events)
