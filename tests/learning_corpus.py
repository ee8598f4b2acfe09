"""A corpus of varied successful traces for comparing two ways of inducing plans.

The shapes of the learning tests (currency with rounding, stock add/remove, weather, e-mail with a
concurrent group, branches on a result, plain-text check results, request ids, ceil vs round, loops
over lists of varying length, possessives and number compounds, goal words no argument uses) and of
`bench/learning_bench.py`, built by running the test worlds' scripted solutions directly (no
harness, no replay): each batch of calls is one turn of the trace.
"""

from __future__ import annotations

import asyncio
import json
import random
from typing import Any

from test_learning_hidden_like import CAP, CARRIER, CENTS, PICKUP, POST, TRIAGE, HiddenWorld
from test_learning_redteam import COLLECT, DELIVER, INVITE, TEAM, RedWorld
from test_learning_rules import ENROL, MOVE, PACKS, POSSESSIVE, TAGGED, RuleWorld
from test_learning_world import CUR, FAMILIES, PREFIX, Family, ToolFailed

from llmos.trace import ToolCallRecord, Trace


class CorpusWorld(RuleWorld, RedWorld, HiddenWorld):
    """Every test world's tools in one world."""


def _record(world: CorpusWorld, family: Family, params: dict[str, Any]) -> Trace | None:
    trace = Trace(goal=family.goal(params))
    turn = 0

    async def calls(batch: list[tuple[str, dict[str, Any]]]) -> list[Any]:
        nonlocal turn
        turn += 1
        out = []
        for i, (name, args) in enumerate(batch):
            result = world.apply(world.state, name, dict(args))
            text = result if isinstance(result, str) else json.dumps(result)
            trace.tool_calls.append(ToolCallRecord(f"c{turn}_{i}", PREFIX + name, args, text, turn=turn))
            out.append(result)
        return out

    try:
        answer = asyncio.run(family.solve(params, calls))
    except (ToolFailed, KeyError):
        return None
    trace.finish("success", answer)
    return trace


def _params(name: str, rng: random.Random, w: CorpusWorld, n: int) -> dict[str, Any]:  # noqa: C901
    s = w.state
    if name == "enrol":
        student, course = rng.choice(["Ana", "Ben", "Cleo"]), rng.choice(["Math", "Art"])
        if rng.random() < 0.2:
            s["enrolled"].append([student, course])
        return {"student": student, "course": course}
    if name == "move":
        robot = f"R{rng.randint(1, 4)}"
        s["clearance"][robot] = rng.choice([60, 75, 80, 90, 37]) if n > 8 else rng.choice([60, 80, 90])
        return {"robot": robot, "mm": rng.randint(5, 50)}
    if name == "packs":
        return {"kids": rng.randint(3, 40), "pack": rng.choice([4, 6, 8])}
    if name == "tagged":
        return {"tag": rng.choice(["short", "private"]), "title": f"T{n}", "text": f"body {n}"}
    if name == "possessive":
        return {"who": rng.choice(["Alice", "Bruno", "Chen"]), "n": rng.randint(2, 9)}
    if name == "team":
        team = rng.choice(["red", "blue"])
        s["teams"][team] = [f"m{k}" for k in range(rng.randint(1, 3))]
        return {"subject": f"'Memo {n}'", "team": team}
    if name == "invite":
        s["channels"].setdefault("ops", ["Zed"])
        s["channels"].setdefault("dev", ["Yan"])
        return {"person": f"P{n}", "channel": rng.choice(["ops", "dev"])}
    if name == "collect":
        return {"kg": rng.randint(1, 30), "order": 700 + 3 * n}
    if name == "deliver":
        acct = f"AC-{100 + n}"
        s["accounts"][acct] = {"tier": rng.choice(["gold", "silver", "bronze"]), "hub": rng.choice(["N", "S"])}
        return {"parcel": f"P{900 + n}", "account": acct}
    if name == "cap":
        dept = rng.choice(["ops", "sales", "hr"])
        s["budgets"][dept] = rng.randint(100, 900)
        return {"dept": dept, "cap": rng.randint(50, 700)}
    if name == "triage":
        ticket = 100 + n
        s["tickets"][str(ticket)] = {
            "priority": rng.choice(["high", "high", "low"]),
            "team": rng.choice(["core", "web"]),
            "summary": f"Printer {n} is jammed",
        }
        return {"ticket": ticket}
    if name == "pickup":
        order = 400 + n
        s["parcels"][str(order)] = rng.choice([3, 5, 8, 12, 25])
        return {"order": order}
    if name == "post":
        return {"order": 800 + n, "city": rng.choice(sorted(CARRIER))}
    raise KeyError(name)


NAMED = [ENROL, MOVE, PACKS, TAGGED, POSSESSIVE, TEAM, INVITE, COLLECT, DELIVER, CAP, TRIAGE, PICKUP, POST]


def _bench_trace(k: int, rng: random.Random) -> Trace:
    """The shape `bench/learning_bench.py` stores (a look-up, then a write of old + qty)."""
    qty, sku, wh = rng.randint(2, 90), f"SKU-{rng.randint(10, 99)}", f"{rng.choice('ABCDE')}{rng.randint(1, 9)}"
    old = rng.randint(0, 500)
    t = Trace(goal=f"Ship {qty} crates of {sku} to depot{k} {wh}")
    t.tool_calls = [
        ToolCallRecord("a", f"get_{k}", {"sku": sku}, json.dumps({"sku": sku, "quantity": old}), turn=1),
        ToolCallRecord("b", f"set_{k}", {"sku": sku, "quantity": old + qty}, json.dumps({"ok": True}), turn=2),
    ]
    t.finish("success", f"Done: {old} -> {old + qty}")
    return t


def corpus(seed: int = 0, per_family: int = 14) -> list[Trace]:
    """A few hundred successful traces of ~25 shapes, interleaved."""
    rng = random.Random(seed)
    world = CorpusWorld(seed)
    jobs: list[tuple[Family, int]] = [(f, n) for f in [*FAMILIES.values(), CENTS, *NAMED] for n in range(per_family)]
    rng.shuffle(jobs)
    out: list[Trace] = []
    for family, n in jobs:
        if family.sample.__name__ == "nothing":
            params = _params(family.name, rng, world, n)
        else:
            params = family.sample(rng, world)
        if family.name in ("currency", "cents") and rng.random() < 0.1:
            params["dst"] = rng.choice(CUR)  # sometimes src == dst: no rate, no trace
        trace = _record(world, family, params)
        if trace is not None:
            out.append(trace)
        if rng.random() < 0.25:
            out.append(_bench_trace(rng.randint(1, 3), rng))
    return out
