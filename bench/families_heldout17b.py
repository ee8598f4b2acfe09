"""Held-out probe families, round AD, second probe (issue 9): comparisons between two reads of one tool, unit
conversions into a write's argument, per-line money rounding, membership against near-miss ids, words for zero.

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `h17b_`.
Run alone:

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_heldout17b.py --goals 8 --seed 7

Written before the first probe's results were read, with another emphasis than `families_heldout17.py`.
Unlike the first probe, a family's hidden rule is crossed rarely (never in the first six goals, then one goal in
four): the product sees long consistent streaks before the first trap.


- h17b_climb     climbing gym: check a member in (not idempotent: a visit is counted) only when the card is on the
                 plain-text roster exactly (near-miss card numbers) and the waiver was signed within 365 days
- h17b_vet       veterinary dose: the patient's weight (lb or kg in the text) -> the drug's concentration and
                 its maximum mg/kg; the goal's mg/kg above the maximum is refused; the volume in mL (2 dp)
- h17b_laundry   hotel laundry: ticket lines (plain text) x price list, each line rounded, VAT 20% on the total
                 in cents; charged to the room only when the ticket says "ready" (not "ready, item damaged")
                 and the guest is "in house"; a charged ticket says "charged" and is not charged again
- h17b_solar     solar inverter: today's and yesterday's yield (the same tool, two dates); a fault ticket
                 when today is under 80% of yesterday while irradiance fell less than 20%; percentages
- h17b_returns   courier returns waiting at a depot for a customer: "no pending returns" in words; collect them
                 (destructive: they leave the depot); the count and the total weight in kg from lb
- h17b_pending   how many returns wait for a customer (a question; collections change it)
- h17b_charge    EV charge point: a session's kWh x the tariff in cents, a minimum fee, an idle fee per started
                 10 minutes after 30 free minutes between the end of charging and the unplug (times in the text)
"""

from __future__ import annotations

import datetime as dt
import math
import os
import random
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

try:
    import families as fam
except ImportError:  # loaded outside the bench processes
    _bench = os.environ.get("LLMOS_BENCH_DIR") or str(Path(__file__).resolve().parents[2] / "shared" / "bench")
    if _bench not in sys.path:
        sys.path.insert(0, _bench)
    import families as fam

Family, Field, Step, Tool, ToolFail = fam.Family, fam.Field, fam.Step, fam.Tool, fam.ToolFail
INT = fam.INT
NUM = fam.NUM
round_half_up, is_tie = fam.round_half_up, fam.is_tie
State = dict[str, Any]
Params = dict[str, Any]

READ = {"readOnlyHint": True}
IDEMPOTENT = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": True}
WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False}
DESTRUCTIVE = {"readOnlyHint": False, "destructiveHint": True, "idempotentHint": False}

ANNOTATIONS: dict[str, dict[str, bool]] = {
    "h17b_roster": READ,
    "h17b_member": READ,
    "h17b_check_in": WRITE,
    "h17b_patient": READ,
    "h17b_formulary": READ,
    "h17b_administer": WRITE,
    "h17b_laundry_ticket": READ,
    "h17b_guest": READ,
    "h17b_laundry_prices": READ,
    "h17b_charge_room": WRITE,
    "h17b_yield": READ,
    "h17b_open_fault": WRITE,
    "h17b_returns": READ,
    "h17b_collect_returns": DESTRUCTIVE,
    "h17b_session": READ,
    "h17b_tariff": READ,
    "h17b_bill_session": WRITE,
}


def _annotate_in_tools_server() -> None:
    main = sys.modules.get("__main__")
    if Path(str(getattr(main, "__file__", ""))).name != "tools_server.py":
        return
    try:
        from mcp.server.mcpserver import MCPServer as Server
    except ImportError:
        from mcp.server.fastmcp import FastMCP as Server
    from mcp.types import ToolAnnotations

    if getattr(Server.add_tool, "_h17b_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._h17b_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _trap(i: int, rng: random.Random) -> bool:
    """Long streaks, then a rare trap: never for the first six goals, then one in four."""
    return i >= 6 and rng.random() < 0.25


def _until(rng: random.Random, make: Callable[[random.Random], Any], ok: Callable[[Any], bool]) -> Any:
    for _ in range(20000):
        v = make(rng)
        if ok(v):
            return v
    raise RuntimeError("sampler found no value")


def _one_of(names: list[str]) -> Any:
    return Field("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


def _wording(rng: random.Random, i: int, n: int) -> int:
    return i % n if i < n else rng.randrange(n)


_PICKED: dict[tuple[int, str], set] = {}


def _fresh(rng: random.Random, w: State, what: str, pool: list[str]) -> str:
    taken = _PICKED.setdefault((id(w), what), set())
    x = _until(rng, lambda r: r.choice(pool), lambda v: v not in taken)
    taken.add(x)
    return x


BASE = dt.date(2026, 12, 3)


# ======================================== 1. climbing gym: roster membership (near-miss cards), waiver within 365 days
GYMS = ["Boulder Barn", "The Crag Hall"]


def _seed_gyms(rng: random.Random, w: State) -> None:
    if "h17b_roster" in w:
        return
    for g in GYMS:
        w.setdefault("h17b_roster", {})[g] = {
            "gym": g,
            "cards": sorted(str(rng.randint(100000, 999999)) for _ in range(5)),
        }


def _near_card(rng: random.Random, c: str) -> str:
    k = rng.randrange(len(c) - 1)
    return c[:k] + c[k + 1] + c[k] + c[k + 2 :] if c[k] != c[k + 1] else c[:-1] + str((int(c[-1]) + 1) % 10)


def sample_climb(rng: random.Random, w: State, i: int) -> Params:
    _seed_gyms(rng, w)
    gym = rng.choice(GYMS)
    roster = w["h17b_roster"][gym]["cards"]
    taken = _PICKED.setdefault((id(w), "cards"), set())
    card = _until(rng, lambda r: str(r.randint(100000, 999999)), lambda c: c not in taken)
    taken.add(card)
    trap = _trap(i, rng)
    kind = rng.choice(["near", "waiver"]) if trap else "ok"
    if kind == "near":
        roster.append(_near_card(rng, card))
    else:
        roster.append(card)
        near = _near_card(rng, card)
        if near != card and rng.random() < 0.5:
            roster.append(near)
    roster.sort()
    days = rng.randint(370, 700) if kind == "waiver" else rng.randint(5, 330)
    w.setdefault("h17b_members", {})[card] = {
        "card": card,
        "name": rng.choice(["Ana", "Ben", "Chloé", "Dev", "Eli", "Fen", "Gus", "Hana"])
        + " "
        + rng.choice(["Park", "Moreau", "Singh", "Olsen", "Reyes"]),
        "waiver_signed": (BASE - dt.timedelta(days=days)).isoformat(),
        "visits": rng.randint(0, 80),
    }
    return {"card": card, "gym": gym, "wording": _wording(rng, i, 3)}


def _roster_text(s: State, a: dict) -> str:
    row = s.get("h17b_roster", {}).get(a["gym"])
    if row is None:
        raise ToolFail(f"no gym {a['gym']}")
    return f"{a['gym']} active memberships ({len(row['cards'])}): " + ", ".join(row["cards"]) + "."


def _roster_r(text: str) -> list[str]:
    return re.findall(r"\b\d{6}\b", text.split(": ", 1)[1])


def _climb_ok(card: str, roster: list[str], member: dict | None) -> bool:
    if card not in roster or member is None:
        return False
    return (BASE - dt.date.fromisoformat(member["waiver_signed"])).days <= 365


def _member(s: State, a: dict) -> dict:
    row = s.get("h17b_members", {}).get(a["card"])
    if row is None:
        raise ToolFail(f"no member card {a['card']}")
    return row


def _check_in(s: State, a: dict) -> dict:
    row = _member(s, a)
    row["visits"] += 1
    return {"card": a["card"], "gym": a["gym"], "visits": row["visits"], "status": "checked in"}


def _climb_answer(p: Params, b: State) -> list:
    m = b["h17b_members"][p["card"]]
    if p["card"] not in b["h17b_roster"][p["gym"]]["cards"]:
        return ["not a member"]
    if not _climb_ok(p["card"], b["h17b_roster"][p["gym"]]["cards"], m):
        return ["waiver expired"]
    return ["checked in", m["visits"] + 1]


climb = Family(
    name="h17b_climb",
    templates=[
        "Check card {card} in at {gym}",
        "Member {card} is at the {gym} desk: let them in",
        "{gym}: check-in for card {card}",
    ],
    fields={"card": Field(r"\d{6}"), "gym": _one_of(GYMS)},
    sample=sample_climb,
    plan=[
        Step("h17b_roster", lambda p, r: {"gym": p["gym"]}),
        Step(
            "h17b_member", lambda p, r: {"card": p["card"]}, when=lambda p, r: p["card"] in _roster_r(r["h17b_roster"])
        ),
        Step(
            "h17b_check_in",
            lambda p, r: {"card": p["card"], "gym": p["gym"]},
            when=lambda p, r: _climb_ok(p["card"], _roster_r(r["h17b_roster"]), r.get("h17b_member")),
        ),
    ],
    expect=lambda p, b: (
        {
            "h17b_members": {
                p["card"]: {**b["h17b_members"][p["card"]], "visits": b["h17b_members"][p["card"]]["visits"] + 1}
            }
        }
        if _climb_ok(p["card"], b["h17b_roster"][p["gym"]]["cards"], b["h17b_members"][p["card"]])
        else {}
    ),
    answer=_climb_answer,
    summary=lambda p, r: (
        f"Card {p['card']} checked in at {p['gym']} (visit {r['h17b_check_in']['visits']})."
        if "h17b_check_in" in r
        else f"Card {p['card']} is not a member of {p['gym']}: not checked in."
        if "h17b_member" not in r
        else f"Card {p['card']}: waiver expired (signed {r['h17b_member']['waiver_signed']}); not checked in."
    ),
)


# ======================================== 2. veterinary dose: weight (lb or kg) -> concentration and max mg/kg -> mL
PATIENTS = [
    "Biscuit",
    "Mochi",
    "Rufus",
    "Pepper",
    "Juniper",
    "Waffles",
    "Ziggy",
    "Nala",
    "Otis",
    "Clover",
    "Bramble",
    "Tofu",
    "Marlowe",
    "Pickle",
    "Saffron",
    "Hobbes",
]
DRUGS = {"meloxicam": (1.5, 0.2), "carprofen": (50.0, 4.4), "gabapentin": (50.0, 20.0), "maropitant": (10.0, 1.0)}


def sample_vet(rng: random.Random, w: State, i: int) -> Params:
    pet = _fresh(rng, w, "pets", PATIENTS)
    drug = rng.choice(list(DRUGS))
    conc, mx = DRUGS[drug]
    lb = rng.random() < 0.5
    if lb:
        weight = round(rng.uniform(6, 90), 1)
        kg = weight * 0.45359237
    else:
        weight = round(rng.uniform(3, 40), 1)
        kg = weight
    if _trap(i, rng):
        dose = round(mx * rng.uniform(1.05, 1.6), 1)
    else:
        dose = round(mx * rng.uniform(0.4, 0.95), 1)
    dose = max(dose, 0.1)
    if is_tie(kg * dose / conc, 2):
        weight = round(weight + 0.1, 1)
    w.setdefault("h17b_patients", {})[pet] = {
        "patient": pet,
        "species": rng.choice(["dog", "cat"]),
        "weight": f"{weight} {'lb' if lb else 'kg'}",
        "ward": rng.choice(["A", "B", "ICU"]),
    }
    dose_s = str(dose)
    return {"patient": pet, "dose": float(dose_s), "drug": drug, "wording": _wording(rng, i, 2)}


def _patient_text(s: State, a: dict) -> str:
    row = s.get("h17b_patients", {}).get(a["patient"])
    if row is None:
        raise ToolFail(f"no patient {a['patient']}")
    return f"{a['patient']} ({row['species']}), ward {row['ward']}, weighed this morning: {row['weight']}."


def _kg_r(text: str) -> float:
    m = re.search(r"weighed this morning: ([\d.]+) (lb|kg)", text)
    if m is None:
        raise ValueError("weight")
    x = float(m.group(1))
    return x * 0.45359237 if m.group(2) == "lb" else x


def _kg_b(row: dict) -> float:
    x, unit = row["weight"].split()
    return float(x) * 0.45359237 if unit == "lb" else float(x)


def _ml(kg: float, dose: float, conc: float) -> float:
    return round_half_up(kg * dose / conc, 2)


vet = Family(
    name="h17b_vet",
    templates=[
        "Give {patient} {dose} mg/kg of {drug}",
        "Dose {patient} with {drug} at {dose} mg/kg",
    ],
    fields={"patient": _one_of(PATIENTS), "dose": NUM, "drug": _one_of(list(DRUGS))},
    sample=sample_vet,
    plan=[
        Step("h17b_patient", lambda p, r: {"patient": p["patient"]}),
        Step("h17b_formulary", lambda p, r: {"drug": p["drug"]}),
        Step(
            "h17b_administer",
            lambda p, r: {
                "patient": p["patient"],
                "drug": p["drug"],
                "ml": _ml(_kg_r(r["h17b_patient"]), p["dose"], r["h17b_formulary"]["mg_per_ml"]),
            },
            when=lambda p, r: p["dose"] <= r["h17b_formulary"]["max_mg_per_kg"],
        ),
    ],
    expect=lambda p, b: (
        {
            "h17b_doses": [
                {
                    "patient": p["patient"],
                    "drug": p["drug"],
                    "ml": _ml(_kg_b(b["h17b_patients"][p["patient"]]), p["dose"], DRUGS[p["drug"]][0]),
                }
            ]
        }
        if p["dose"] <= DRUGS[p["drug"]][1]
        else {}
    ),
    answer=lambda p, b: (
        [_ml(_kg_b(b["h17b_patients"][p["patient"]]), p["dose"], DRUGS[p["drug"]][0])]
        if p["dose"] <= DRUGS[p["drug"]][1]
        else ["refused", DRUGS[p["drug"]][1]]
    ),
    summary=lambda p, r: (
        f"Gave {p['patient']} {r['h17b_administer']['ml']} mL of {p['drug']} ({p['dose']} mg/kg)."
        if "h17b_administer" in r
        else f"Refused: {p['dose']} mg/kg of {p['drug']} is above the maximum of "
        f"{r['h17b_formulary']['max_mg_per_kg']} mg/kg."
    ),
)


def _administer(s: State, a: dict) -> dict:
    if a["patient"] not in s.get("h17b_patients", {}):
        raise ToolFail(f"no patient {a['patient']}")
    s.setdefault("h17b_doses", []).append({"patient": a["patient"], "drug": a["drug"], "ml": a["ml"]})
    return {"patient": a["patient"], "drug": a["drug"], "ml": a["ml"], "status": "given"}


# ======================================== 3. hotel laundry: lines x prices (each line rounded), VAT 20% in cents
ITEMS = {"shirt": 4.35, "trousers": 6.8, "dress": 11.25, "suit": 17.9, "socks": 1.15, "blouse": 5.45}
TICKETS = [f"LT-{n}" for n in range(811, 911, 3)]
ROOMS = [str(n) for n in range(201, 230)]


def sample_laundry(rng: random.Random, w: State, i: int) -> Params:
    ticket = _fresh(rng, w, "tickets", TICKETS)
    room = _fresh(rng, w, "rooms", ROOMS)
    lines = {k: rng.randint(1, 4) for k in rng.sample(list(ITEMS), rng.randint(1, 4))}
    trap = _trap(i, rng)
    kind = rng.choice(["damaged", "out"]) if trap else "ok"
    w.setdefault("h17b_tickets", {})[ticket] = {
        "ticket": ticket,
        "room": room,
        "lines": lines,
        "status": "ready, item damaged (see note)" if kind == "damaged" else "ready",
    }
    w.setdefault("h17b_guests", {})[room] = {"room": room, "status": "checked out" if kind == "out" else "in house"}
    return {"ticket": ticket, "wording": _wording(rng, i, 3)}


def _ticket_text(s: State, a: dict) -> str:
    row = s.get("h17b_tickets", {}).get(a["ticket"])
    if row is None:
        raise ToolFail(f"no ticket {a['ticket']}")
    lines = ", ".join(f"{n} x {k}" for k, n in row["lines"].items())
    return f"Laundry ticket {a['ticket']}, room {row['room']}: {lines}. Status: {row['status']}."


def _ticket_r(text: str) -> tuple[str, dict[str, int], str]:
    m = re.search(r"room (\d+): (.+?)\. Status: (.+)\.$", text)
    if m is None:
        raise ValueError("ticket")
    lines = {k: int(n) for n, k in re.findall(r"(\d+) x (\w+)", m.group(2))}
    return m.group(1), lines, m.group(3)


def _laundry_total(lines: dict[str, int], prices: dict[str, float]) -> float:
    net = sum(round_half_up(n * prices[k], 2) for k, n in lines.items())
    return round_half_up(net * 1.2, 2)


def _laundry_go(status: str, guest: str) -> bool:
    return status == "ready" and guest == "in house"


def _laundry_expect(p: Params, b: State) -> dict:
    t = b["h17b_tickets"][p["ticket"]]
    if not _laundry_go(t["status"], b["h17b_guests"][t["room"]]["status"]):
        return {}
    return {
        "h17b_tickets": {p["ticket"]: {**t, "status": "charged"}},
        "h17b_room_charges": [{"room": t["room"], "amount": _laundry_total(t["lines"], ITEMS)}],
    }


def _laundry_answer(p: Params, b: State) -> list:
    t = b["h17b_tickets"][p["ticket"]]
    if t["status"] == "charged":
        return ["already charged"]
    if not _laundry_go(t["status"], b["h17b_guests"][t["room"]]["status"]):
        return ["not charged", _laundry_total(t["lines"], ITEMS)]
    return ["charged", _laundry_total(t["lines"], ITEMS)]


def _laundry_summary(p: Params, r: dict) -> str:
    room, lines, status = _ticket_r(r["h17b_laundry_ticket"])
    total = _laundry_total(lines, r["h17b_laundry_prices"])
    if "h17b_charge_room" in r:
        return f"Charged {total:.2f} (incl. 20% VAT) to room {room} for ticket {p['ticket']}."
    if status == "charged":
        return f"Ticket {p['ticket']} was already charged; nothing done."
    return f"Ticket {p['ticket']} not charged ({status}; guest {r['h17b_guest']['status']}): it comes to {total:.2f}."


def _charge_room(s: State, a: dict) -> dict:
    t = s.get("h17b_tickets", {}).get(a["ticket"])
    if t is None or t["status"] == "charged":
        raise ToolFail(f"ticket {a['ticket']} cannot be charged")
    t["status"] = "charged"
    s.setdefault("h17b_room_charges", []).append({"room": t["room"], "amount": round(float(a["amount"]), 2)})
    return {"ticket": a["ticket"], "room": t["room"], "amount": a["amount"], "status": "charged"}


laundry = Family(
    name="h17b_laundry",
    templates=[
        "Bill laundry ticket {ticket} to the guest's room",
        "Charge {ticket} to the room if the laundry is ready",
        "Laundry {ticket}: put it on the room bill",
    ],
    fields={"ticket": _one_of(TICKETS)},
    sample=sample_laundry,
    plan=[
        Step("h17b_laundry_ticket", lambda p, r: {"ticket": p["ticket"]}),
        Step("h17b_guest", lambda p, r: {"room": _ticket_r(r["h17b_laundry_ticket"])[0]}),
        Step("h17b_laundry_prices", lambda p, r: {}),
        Step(
            "h17b_charge_room",
            lambda p, r: {
                "ticket": p["ticket"],
                "amount": _laundry_total(_ticket_r(r["h17b_laundry_ticket"])[1], r["h17b_laundry_prices"]),
            },
            when=lambda p, r: _laundry_go(_ticket_r(r["h17b_laundry_ticket"])[2], r["h17b_guest"]["status"]),
        ),
    ],
    expect=_laundry_expect,
    answer=_laundry_answer,
    summary=_laundry_summary,
)


# ======================================== 4. solar inverter: today vs yesterday (two reads of one tool)
INVERTERS = [f"INV-{c}{n}" for c in "ABC" for n in range(1, 9)]
TODAY, YESTERDAY = "2026-12-03", "2026-12-02"


def sample_solar(rng: random.Random, w: State, i: int) -> Params:
    inv = _fresh(rng, w, "inverters", INVERTERS)
    y_kwh = round(rng.uniform(180, 420), 1)
    y_irr = round(rng.uniform(2.0, 4.5), 2)
    trap = _trap(i, rng)
    kind = rng.choice(["fault", "cloudy"]) if trap else "normal"
    if kind == "fault":
        t_kwh, t_irr = y_kwh * rng.uniform(0.4, 0.77), y_irr * rng.uniform(0.85, 1.1)
    elif kind == "cloudy":
        t_kwh, t_irr = y_kwh * rng.uniform(0.4, 0.75), y_irr * rng.uniform(0.4, 0.7)
    else:
        t_kwh, t_irr = y_kwh * rng.uniform(0.83, 1.15), y_irr * rng.uniform(0.85, 1.15)
    t_kwh, t_irr = round(t_kwh, 1), round(t_irr, 2)
    if is_tie(100 * t_kwh / y_kwh, 1):
        t_kwh = round(t_kwh + 0.1, 1)
    for d, kwh, irr in ((YESTERDAY, y_kwh, y_irr), (TODAY, t_kwh, t_irr)):
        w.setdefault("h17b_yields", {})[f"{inv}|{d}"] = {
            "inverter": inv,
            "date": d,
            "kwh": kwh,
            "irradiance_kwh_m2": irr,
        }
    return {"inverter": inv, "wording": _wording(rng, i, 2)}


def _solar_fault(t: dict, y: dict) -> bool:
    return t["kwh"] < 0.8 * y["kwh"] and t["irradiance_kwh_m2"] >= 0.8 * y["irradiance_kwh_m2"]


def _pct(t: dict, y: dict) -> float:
    return round_half_up(100 * t["kwh"] / y["kwh"], 1)


def _yb(b: State, inv: str, d: str) -> dict:
    return b["h17b_yields"][f"{inv}|{d}"]


solar = Family(
    name="h17b_solar",
    templates=[
        "Compare {inverter}'s yield today with yesterday and raise a fault if it underperformed",
        "Is inverter {inverter} underperforming today? Open a fault ticket if so",
    ],
    fields={"inverter": _one_of(INVERTERS)},
    sample=sample_solar,
    plan=[
        Step("h17b_yield", lambda p, r: {"inverter": p["inverter"], "date": TODAY}, key="today"),
        Step("h17b_yield", lambda p, r: {"inverter": p["inverter"], "date": YESTERDAY}, key="yesterday"),
        Step(
            "h17b_open_fault",
            lambda p, r: {"inverter": p["inverter"], "percent_of_yesterday": _pct(r["today"], r["yesterday"])},
            when=lambda p, r: _solar_fault(r["today"], r["yesterday"]),
        ),
    ],
    expect=lambda p, b: (
        {
            "h17b_faults": [
                {
                    "inverter": p["inverter"],
                    "percent_of_yesterday": _pct(_yb(b, p["inverter"], TODAY), _yb(b, p["inverter"], YESTERDAY)),
                }
            ]
        }
        if _solar_fault(_yb(b, p["inverter"], TODAY), _yb(b, p["inverter"], YESTERDAY))
        else {}
    ),
    answer=lambda p, b: [
        "fault" if _solar_fault(_yb(b, p["inverter"], TODAY), _yb(b, p["inverter"], YESTERDAY)) else "no fault",
        _pct(_yb(b, p["inverter"], TODAY), _yb(b, p["inverter"], YESTERDAY)),
    ],
    summary=lambda p, r: (
        f"{p['inverter']} made {_pct(r['today'], r['yesterday'])}% of yesterday's yield with similar sun: "
        "fault ticket opened."
        if "h17b_open_fault" in r
        else f"{p['inverter']} made {_pct(r['today'], r['yesterday'])}% of yesterday's yield: no fault to raise."
    ),
)


# ======================================== 5-6. courier returns: "no pending returns" in words; collecting removes them
CUSTOMERS = ["Larkspur Ltd", "Quayside Books", "Nimbus Audio", "Oak & Ivy", "Pebble Toys", "Foxglove Tea"]
DEPOTS = ["Depot East", "Depot West"]


def _seed_returns(rng: random.Random, w: State) -> None:
    if "h17b_returns" in w:
        return
    n = 4400
    for d in DEPOTS:
        for c in CUSTOMERS:
            items = []
            for _ in range(rng.choice([0, 1, 2, 2, 3, 3, 4])):
                n += rng.randint(1, 7)
                items.append({"parcel": f"RT{n}", "lb": round(rng.uniform(0.6, 22.0), 1)})
            w.setdefault("h17b_returns", {})[f"{d}|{c}"] = {"depot": d, "customer": c, "parcels": items}


def _returns_text(s: State, a: dict) -> str:
    row = s.get("h17b_returns", {}).get(f"{a['depot']}|{a['customer']}")
    if row is None:
        raise ToolFail(f"no account for {a['customer']} at {a['depot']}")
    if not row["parcels"]:
        return f"{a['depot']}: no pending returns for {a['customer']}."
    parts = "; ".join(f"{x['parcel']} {x['lb']} lb" for x in row["parcels"])
    return f"{a['depot']}: pending returns for {a['customer']}: {parts}."


def _returns_r(text: str) -> list[float]:
    return [float(x) for x in re.findall(r"RT\d+ ([\d.]+) lb", text)]


def _kg_total(lbs: list[float]) -> float:
    return round_half_up(sum(lbs) * 0.45359237, 1)


def sample_returns(rng: random.Random, w: State, i: int) -> Params:
    _seed_returns(rng, w)
    d, c = rng.choice(DEPOTS), rng.choice(CUSTOMERS)
    row = w["h17b_returns"][f"{d}|{c}"]
    if i < 4 and not row["parcels"]:
        row["parcels"].append({"parcel": f"RT{rng.randint(5000, 5999)}", "lb": round(rng.uniform(1, 9), 1)})
    return {"depot": d, "customer": c, "wording": _wording(rng, i, 2)}


def _collect(s: State, a: dict) -> dict:
    row = s.get("h17b_returns", {}).get(f"{a['depot']}|{a['customer']}")
    if row is None or not row["parcels"]:
        raise ToolFail("nothing to collect")
    n = len(row["parcels"])
    row["parcels"] = []
    return {"collected": n, "status": "collected"}


def _returns_rows(p: Params, b: State) -> list[float]:
    return [x["lb"] for x in b["h17b_returns"][f"{p['depot']}|{p['customer']}"]["parcels"]]


returns = Family(
    name="h17b_returns",
    templates=[
        "Collect {customer}'s returns from {depot}",
        "Pick up the returned parcels for {customer} at {depot}",
    ],
    fields={"customer": _one_of(CUSTOMERS), "depot": _one_of(DEPOTS)},
    sample=sample_returns,
    plan=[
        Step("h17b_returns", lambda p, r: {"depot": p["depot"], "customer": p["customer"]}),
        Step(
            "h17b_collect_returns",
            lambda p, r: {"depot": p["depot"], "customer": p["customer"]},
            when=lambda p, r: bool(_returns_r(r["h17b_returns"])),
        ),
    ],
    expect=lambda p, b: (
        {
            "h17b_returns": {
                f"{p['depot']}|{p['customer']}": {**b["h17b_returns"][f"{p['depot']}|{p['customer']}"], "parcels": []}
            }
        }
        if _returns_rows(p, b)
        else {}
    ),
    answer=lambda p, b: (
        [len(_returns_rows(p, b)), _kg_total(_returns_rows(p, b))] if _returns_rows(p, b) else ["no pending returns"]
    ),
    summary=lambda p, r: (
        f"Collected {len(_returns_r(r['h17b_returns']))} returns for {p['customer']} at {p['depot']}, "
        f"{_kg_total(_returns_r(r['h17b_returns']))} kg in all."
        if "h17b_collect_returns" in r
        else f"Nothing collected: {p['depot']} has no pending returns for {p['customer']}."
    ),
)

pending = Family(
    name="h17b_pending",
    templates=[
        "How many returns are waiting for {customer} at {depot}?",
        "Any returned parcels for {customer} sitting at {depot}?",
    ],
    fields={"customer": _one_of(CUSTOMERS), "depot": _one_of(DEPOTS)},
    sample=sample_returns,
    plan=[Step("h17b_returns", lambda p, r: {"depot": p["depot"], "customer": p["customer"]})],
    expect=lambda p, b: {},
    answer=lambda p, b: [len(_returns_rows(p, b))] if _returns_rows(p, b) else ["no pending returns"],
    summary=lambda p, r: (
        f"{len(_returns_r(r['h17b_returns']))} returns wait for {p['customer']} at {p['depot']}."
        if _returns_r(r["h17b_returns"])
        else f"{p['depot']} has no pending returns for {p['customer']}."
    ),
)


# ======================================== 7. EV charge session: kWh x cents, minimum fee, idle fee after 30 minutes
SESSIONS = [f"CS-{n}" for n in range(90021, 90121, 3)]
TARIFFS = {
    "AC-22": {"cents_per_kwh": 39, "minimum_eur": 2.5, "idle_eur_per_10min": 1.2},
    "DC-150": {"cents_per_kwh": 59, "minimum_eur": 5.0, "idle_eur_per_10min": 2.0},
}


def sample_charge(rng: random.Random, w: State, i: int) -> Params:
    sid = _fresh(rng, w, "sessions", SESSIONS)
    point = rng.choice(list(TARIFFS))
    trap = _trap(i, rng)
    kind = rng.choice(["idle", "minimum"]) if trap else "plain"
    kwh = round(rng.uniform(0.8, 4.0), 2) if kind == "minimum" else round(rng.uniform(12, 68), 2)
    end = dt.datetime(2026, 12, 3, rng.randint(7, 18), rng.randint(0, 59))
    idle = rng.randint(41, 95) if kind == "idle" else rng.randint(2, 28)
    unplug = end + dt.timedelta(minutes=idle)
    w.setdefault("h17b_sessions", {})[sid] = {
        "session": sid,
        "point": point,
        "kwh": kwh,
        "charging_ended": end.strftime("%H:%M"),
        "unplugged": unplug.strftime("%H:%M"),
        "billed": False,
    }
    return {"session": sid, "wording": _wording(rng, i, 2)}


def _session_text(s: State, a: dict) -> str:
    row = s.get("h17b_sessions", {}).get(a["session"])
    if row is None:
        raise ToolFail(f"no session {a['session']}")
    billed = " Already billed." if row["billed"] else ""
    return (
        f"Session {a['session']} at charge point type {row['point']}: {row['kwh']} kWh delivered, charging ended "
        f"{row['charging_ended']}, cable unplugged {row['unplugged']}.{billed}"
    )


def _session_r(text: str) -> dict:
    m = re.search(r"type (\S+): ([\d.]+) kWh delivered, charging ended (\d\d:\d\d), cable unplugged (\d\d:\d\d)", text)
    if m is None:
        raise ValueError("session")
    return {
        "point": m.group(1),
        "kwh": float(m.group(2)),
        "charging_ended": m.group(3),
        "unplugged": m.group(4),
        "billed": "Already billed" in text,
    }


def _mins(hhmm: str) -> int:
    return int(hhmm[:2]) * 60 + int(hhmm[3:])


def _bill(row: dict, tariff: dict) -> tuple[float, float]:
    energy = max(round_half_up(row["kwh"] * tariff["cents_per_kwh"] / 100, 2), tariff["minimum_eur"])
    over = _mins(row["unplugged"]) - _mins(row["charging_ended"]) - 30
    idle = math.ceil(over / 10) * tariff["idle_eur_per_10min"] if over > 0 else 0.0
    return energy, round(idle, 2)


def _charge_answer(p: Params, b: State) -> list:
    row = b["h17b_sessions"][p["session"]]
    if row["billed"]:
        return ["already billed"]
    energy, idle = _bill(row, TARIFFS[row["point"]])
    return [round(energy + idle, 2), idle] if idle else [round(energy, 2), "no idle fee"]


def _bill_session(s: State, a: dict) -> dict:
    row = s.get("h17b_sessions", {}).get(a["session"])
    if row is None or row["billed"]:
        raise ToolFail(f"session {a['session']} cannot be billed")
    row["billed"] = True
    s.setdefault("h17b_bills", []).append(
        {"session": a["session"], "energy_eur": a["energy_eur"], "idle_eur": a["idle_eur"]}
    )
    return {"session": a["session"], "total_eur": round(a["energy_eur"] + a["idle_eur"], 2), "status": "billed"}


def _charge_expect(p: Params, b: State) -> dict:
    row = b["h17b_sessions"][p["session"]]
    if row["billed"]:
        return {}
    energy, idle = _bill(row, TARIFFS[row["point"]])
    return {
        "h17b_sessions": {p["session"]: {**row, "billed": True}},
        "h17b_bills": [{"session": p["session"], "energy_eur": energy, "idle_eur": idle}],
    }


def _charge_summary(p: Params, r: dict) -> str:
    row = _session_r(r["h17b_session"])
    if row["billed"]:
        return f"Session {p['session']} was already billed; nothing done."
    energy, idle = _bill(row, r["h17b_tariff"])
    if idle:
        return f"Billed {p['session']}: {energy + idle:.2f} EUR, of which {idle:.2f} EUR idle fee."
    return f"Billed {p['session']}: {energy:.2f} EUR for {row['kwh']} kWh, no idle fee."


charge = Family(
    name="h17b_charge",
    templates=[
        "Bill charging session {session}",
        "Work out and post the bill for EV session {session}",
    ],
    fields={"session": _one_of(SESSIONS)},
    sample=sample_charge,
    plan=[
        Step("h17b_session", lambda p, r: {"session": p["session"]}),
        Step(
            "h17b_tariff",
            lambda p, r: {"point": _session_r(r["h17b_session"])["point"]},
            when=lambda p, r: not _session_r(r["h17b_session"])["billed"],
        ),
        Step(
            "h17b_bill_session",
            lambda p, r: dict(
                zip(
                    ("session", "energy_eur", "idle_eur"),
                    (p["session"], *_bill(_session_r(r["h17b_session"]), r["h17b_tariff"])),
                    strict=True,
                )
            ),
            when=lambda p, r: not _session_r(r["h17b_session"])["billed"],
        ),
    ],
    expect=_charge_expect,
    answer=_charge_answer,
    summary=_charge_summary,
)


def _get(section: str, key: str, what: str) -> Callable[[State, dict], dict]:
    def run(s: State, a: dict) -> dict:
        row = s.get(section, {}).get(str(a[key]))
        if row is None:
            raise ToolFail(f"no {what} {a[key]}")
        return row

    return run


def _formulary(s: State, a: dict) -> dict:
    if a["drug"] not in DRUGS:
        raise ToolFail(f"no drug {a['drug']}")
    conc, mx = DRUGS[a["drug"]]
    return {"drug": a["drug"], "mg_per_ml": conc, "max_mg_per_kg": mx, "route": "oral or subcutaneous"}


def _yield(s: State, a: dict) -> dict:
    row = s.get("h17b_yields", {}).get(f"{a['inverter']}|{a['date']}")
    if row is None:
        raise ToolFail(f"no yield for {a['inverter']} on {a['date']}")
    return row


def _tariff(s: State, a: dict) -> dict:
    if a["point"] not in TARIFFS:
        raise ToolFail(f"no tariff for {a['point']}")
    return TARIFFS[a["point"]]


TOOLS = {
    t.name: t
    for t in [
        Tool("h17b_roster", "A climbing gym's active membership cards (plain text).", {"gym": str}, _roster_text),
        Tool("h17b_member", "A member's card: name, waiver date, visits.", {"card": str}, _member),
        Tool("h17b_check_in", "Check a member in at a gym (counts a visit).", {"card": str, "gym": str}, _check_in),
        Tool("h17b_patient", "A veterinary in-patient's record (plain text).", {"patient": str}, _patient_text),
        Tool("h17b_formulary", "A drug's concentration (mg/mL) and maximum dose (mg/kg).", {"drug": str}, _formulary),
        Tool(
            "h17b_administer",
            "Record a dose given to a patient (volume in mL).",
            {"patient": str, "drug": str, "ml": float},
            _administer,
        ),
        Tool("h17b_laundry_ticket", "A hotel laundry ticket (plain text).", {"ticket": str}, _ticket_text),
        Tool("h17b_guest", "The guest status of a hotel room.", {"room": str}, _get("h17b_guests", "room", "room")),
        Tool("h17b_laundry_prices", "The laundry price list (EUR per item, before VAT).", {}, lambda s, a: ITEMS),
        Tool(
            "h17b_charge_room",
            "Charge a laundry ticket to the guest's room bill (amount in EUR incl. VAT).",
            {"ticket": str, "amount": float},
            _charge_room,
        ),
        Tool(
            "h17b_yield",
            "A solar inverter's energy yield and irradiance on a day.",
            {"inverter": str, "date": str},
            _yield,
        ),
        Tool(
            "h17b_open_fault",
            "Open a fault ticket for an inverter.",
            {"inverter": str, "percent_of_yesterday": float},
            lambda s, a: (
                s.setdefault("h17b_faults", []).append(
                    {"inverter": a["inverter"], "percent_of_yesterday": a["percent_of_yesterday"]}
                ),
                {"inverter": a["inverter"], "status": "fault ticket opened"},
            )[1],
        ),
        Tool(
            "h17b_returns",
            "Returned parcels waiting at a depot for a customer (plain text).",
            {"depot": str, "customer": str},
            _returns_text,
        ),
        Tool(
            "h17b_collect_returns",
            "Collect every pending return of a customer at a depot (they leave the depot).",
            {"depot": str, "customer": str},
            _collect,
        ),
        Tool("h17b_session", "An EV charging session (plain text).", {"session": str}, _session_text),
        Tool("h17b_tariff", "The tariff of a charge point type.", {"point": str}, _tariff),
        Tool(
            "h17b_bill_session",
            "Bill a charging session: energy and idle fee in EUR.",
            {"session": str, "energy_eur": float, "idle_eur": float},
            _bill_session,
        ),
    ]
}

FAMILIES = [climb, vet, laundry, solar, returns, pending, charge]
