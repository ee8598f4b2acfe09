"""Rule 1 and value kinds (issue 9): an identifier in a result (an IP address, a version, a ticket, a
whole number under an "id"/"zip" key) is checked for its shape, not its range, so a new one does not
stop a replay; an identifier whose shape changed, and a quantity outside the range seen (even one that
looks like an identifier), still stop it before the next write."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import Calls, Family, Harness, World, nothing, run_ok

from llmos.learning import _seen
from llmos.learning import _value_kinds as kinds


class NetWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(hosts={}, opened=[], note="")

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "lookup_host":
            return dict(state["hosts"][a["host"]])
        if name == "block":
            state["opened"].append([a["ip"], a["action"]])
            return {"ok": True}
        if name == "open_port":
            state["opened"].append([a["host"], a["port"]])
            return {"ok": True}
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"lookup_host": ["host"], "open_port": ["host", "port"], "block": ["ip", "action"]})
        return reg


async def solve_open(p: dict[str, Any], calls: Calls) -> str:
    await calls([("lookup_host", {"host": p["host"]})])
    await calls([("open_port", {"host": p["host"], "port": 443})])  # a constant after the read
    return f"Opened 443 on {p['host']}."


async def solve_block(p: dict[str, Any], calls: Calls) -> str:
    await calls([("block", {"ip": p["ip"], "action": "deny"})])  # a constant that may depend on the address
    return f"Blocked {p['ip']}."


BLOCK = Family("block", "Block address {ip} at the edge firewall", solve_block, nothing)
OPEN = Family("open", "Open the https port on host {host}", solve_open, nothing)
LEARN = [
    (
        "srv-101",
        {
            "ip": "10.0.3.17",
            "release": "2.14.1",
            "ticket": "INC-20931",
            "zip": 94107,
            "cpu_pct": 41,
            "opened": "2026-03-10",
        },
    ),
    (
        "srv-104",
        {
            "ip": "10.0.3.22",
            "release": "2.14.3",
            "ticket": "INC-20940",
            "zip": 94110,
            "cpu_pct": 37,
            "opened": "2026-04-11",
        },
    ),
    (
        "srv-107",
        {
            "ip": "10.0.4.5",
            "release": "2.15.0",
            "ticket": "INC-20977",
            "zip": 10001,
            "cpu_pct": 52,
            "opened": "2026-05-12",
        },
    ),
    (
        "srv-110",
        {
            "ip": "10.0.4.9",
            "release": "2.15.2",
            "ticket": "INC-21003",
            "zip": 60614,
            "cpu_pct": 45,
            "opened": "2026-06-13",
        },
    ),
]


async def learned(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = NetWorld()
    h.registry = h.world.registry()
    for host, row in LEARN:
        h.world.state["hosts"][host] = {"host": host, "state": "up", **row}
        await run_ok(h, OPEN, {"host": host})
    return h


async def _live(h: Harness, host: str, **row: Any) -> Any:
    base = {"host": host, "state": "up", "ip": "10.0.4.7", "release": "2.15.1", "ticket": "INC-20990"}
    base["opened"] = "2026-04-20"  # a date never seen, inside the dates seen: a name, not a category
    h.world.state["hosts"][host] = {**base, "zip": 94107, "cpu_pct": 44, **row}
    out = await h.run(OPEN, {"host": host})
    assert out.correct and out.decision.mode == "follower"
    return out


async def test_new_identifiers_outside_the_range_seen_replay(tmp_path: Path) -> None:
    h = await learned(tmp_path)
    out = await _live(h, "srv-105", ip="192.168.40.200", release="2.17.9", ticket="INC-48812", zip=2139)
    assert out.trace.mode == "follower", out.trace.events
    assert h.world.state["opened"][-1] == ["srv-105", 443]


async def test_must_not_replay_an_identifier_whose_shape_changed(tmp_path: Path) -> None:
    changed = ({"ip": "unassigned"}, {"release": "3.0.0"}, {"ticket": "CHG-20990"}, {"ip": "10.0.4.0/24"})
    for row in (*changed, {"opened": "n/a"}, {"opened": "2025-12-01"}):  # the last: before every date seen
        h = await learned(tmp_path / str(len(str(row))) / next(iter(row)))
        out = await _live(h, "srv-106", **row)
        assert out.trace.mode == "learner", (row, out.trace.events)  # stopped, handed to the model


async def test_must_not_replay_a_quantity_outside_the_range_seen(tmp_path: Path) -> None:
    h = await learned(tmp_path)
    out = await _live(h, "srv-108", cpu_pct=99)  # a quantity: 99 is outside [37, 52]
    assert out.trace.mode == "learner", out.trace.events


def test_value_kinds_by_shape() -> None:
    for ident in (
        "10.0.3.17",
        "2.14.1",
        "v3.0.0-rc1",
        "INC-20931",
        "CHG0042",
        "+1 415-555-0134",
        "550e8400-e29b-41d4-a716-446655440000",
        "3fa9c2e1b",
        "**** 4242",
    ):
        assert kinds.id_shape(ident) is not None, ident
    for quantity in ("8080", "93%", "37", "94107", "2026-12-02", "11:05", "12.50", "ERR-404", "E5", "1.5"):
        assert kinds.id_shape(quantity) is None, quantity
    assert kinds.id_shape("2.14.1") == kinds.id_shape("2.99.0") != kinds.id_shape("3.0.0")
    assert kinds.id_shape("INC-20931") == kinds.id_shape("INC-7731209") != kinds.id_shape("CHG-20931")
    assert kinds.id_shape("+1 415-555-0134") == kinds.id_shape("+1 212-555-0199") != kinds.id_shape("+44 20 7946 0958")
    assert kinds.id_shape("10.1.2.3") == kinds.id_shape("192.168.9.9") != kinds.id_shape("8.8.8.8")
    assert kinds.number_id_shape(("customer", "zip"), 94107) is not None
    assert kinds.number_id_shape(("customerId",), 7) is not None
    assert kinds.number_id_shape(("port",), 8080) is None and kinds.number_id_shape(("disk_pct",), 93) is None
    for quantity_key in ("paid", "valid", "PAID", "amount_paid", "humid", "width"):  # end in "id", are no ids
        assert kinds.number_id_shape((quantity_key,), 120) is None, quantity_key
    assert kinds.number_id_shape(("order_ID",), 5) is not None and kinds.number_id_shape(("ID",), 5) is not None


def test_a_text_keeps_its_quantities_and_shapes_its_identifiers() -> None:
    tmpl, nums = _seen.template("host 10.0.3.17 on port 8080 at 93% disk", [])
    assert nums == [8080.0, 93.0] and "#" in tmpl and "10.0" not in tmpl
    assert _seen.template("host 10.9.9.9 on port 22 at 5% disk", [])[0] == tmpl


async def test_a_goal_identifier_of_the_same_shape_replays_another_shape_does_not(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    h.world = NetWorld()
    h.registry = h.world.registry()
    for ip in ("10.0.3.17", "10.0.9.201", "192.168.4.20"):
        await run_ok(h, BLOCK, {"ip": ip})
    out = await h.run(BLOCK, {"ip": "10.44.0.3"})  # outside every number seen, a private address
    assert out.correct and out.decision.mode == "follower" and out.trace.mode == "follower", out.trace.events
    out = await h.run(BLOCK, {"ip": "8.8.4.4"})  # a public address: the constant may differ for it
    assert out.correct and out.trace.mode == "learner", out.trace.events
