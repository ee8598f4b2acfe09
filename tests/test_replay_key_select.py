"""Rule 2 for a value that picks which field an argument is read from.

A hotel deposit is the nightly rate of the booked room type: `rates[room]`. When every supporting run
booked a "double", the explanation `rates.double` fits the evidence as well as `rates[room]`; a
replay for a suite must not charge the double rate. The room type was the same in every supporting
run and names the key the amount was read through, so a replay whose room type differs stops, and
the model charges the right rate.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from llmos.models.base import ModelRequest, ToolCall, ToolResult
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.tools.base import tool

ROOMS = {"B-101": "double", "B-102": "double", "B-103": "double", "B-104": "double", "B-105": "suite"}
HOTELS = {"Harbour": 118.0, "Linden": 96.5, "Crown": 142.25, "Maris": 109.0, "Opal": 131.75}
CHARGED: list[dict[str, Any]] = []


def front_desk_model(request: ModelRequest) -> Any:
    goal = next(m.text for m in request.messages if m.role == "user" and "Take the deposit" in m.text)
    ref, hotel = re.findall(r"Take the deposit for booking (\S+) at (\w+)", goal)[-1]
    results = [json.loads(b.content) for m in request.messages for b in m.content if isinstance(b, ToolResult)]
    if not results:
        return [ToolCall("", "guest_booking", {"ref": ref}), ToolCall("", "hotel_rates", {"hotel": hotel})]
    if len(results) == 2:
        booking = next(r for r in results if "room" in r)
        rates = next(r for r in results if "rates" in r)["rates"]
        return ToolCall("", "charge_deposit", {"ref": ref, "room": booking["room"], "amount": rates[booking["room"]]})
    return f"Deposit of {results[-1]['amount']} taken for {ref}."


@tool
def guest_booking(ref: str) -> dict[str, Any]:
    """A booking's room type and nights."""
    return {"ref": ref, "room": ROOMS[ref], "nights": 2}


@tool
def hotel_rates(hotel: str) -> dict[str, Any]:
    """A hotel's nightly rates by room type."""
    double = HOTELS[hotel]
    return {"hotel": hotel, "rates": {"double": double, "suite": round(double * 2.5, 2)}}


@tool
def charge_deposit(ref: str, room: str, amount: float) -> dict[str, Any]:
    """Charge a booking's deposit."""
    CHARGED.append({"ref": ref, "room": room, "amount": amount})
    return {"ref": ref, "amount": amount}


async def test_a_value_that_named_the_key_an_argument_was_read_through_must_stay_the_same(tmp_path: Path) -> None:
    CHARGED.clear()
    model = TestModel(script=front_desk_model)
    async with LLMOS(workspace=tmp_path, model=model, tools=[guest_booking, hotel_rates, charge_deposit]) as os:
        outs = [
            await os.execute(f"Take the deposit for booking {ref} at {hotel}")
            for ref, hotel in zip(ROOMS, HOTELS, strict=True)
        ]
    assert all(o.success for o in outs), [o.to_dict() for o in outs]
    assert any(o.mode == "follower" and o.llm_calls == 0 for o in outs[:-1]), [o.mode for o in outs]
    want = [
        {"ref": ref, "room": room, "amount": HOTELS[hotel] if room == "double" else round(HOTELS[hotel] * 2.5, 2)}
        for (ref, room), hotel in zip(ROOMS.items(), HOTELS, strict=True)
    ]
    assert want == CHARGED, (CHARGED, [o.mode for o in outs])
    suite = outs[-1]
    assert suite.llm_calls >= 1 and "suite" in str((suite.mode_reason or {}).get("fallback")), suite.mode_reason
