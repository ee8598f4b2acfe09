"""Probe families for counted identifiers in a write's acknowledgement (rule 1's noise), in domains
no other set uses. Same interface as the public `families.py`; it needs none of its tools (tools prefixed `ct_`):

    .venv/bin/python /work/shared/bench/run_bench.py --llmos "$PWD/.venv/bin/llmos" \
        --families bench/families_counters.py --goals 10 --seed 7

Each family writes, reads nothing of the write's short acknowledgement, then makes a second write
with a constant argument. Only the first may replay the second write once enough runs showed the
acknowledgement to be a counter; in the other two the acknowledgement decides the constant:

- ct_sample   a lab registers a sample ("ACC-40001", "ACC-40002", ...: always counted up), then tells
              the freezer team "stored": replays once noise_min_runs runs showed the counter
- ct_visa     a consulate submits a form; the lane is counted up too ("Q-101", "Q-102", ...) until a
              later goal gets "HOLD-106": another text around the number, and that form goes to the
              "review" tray, not "standard" (a wrong replay files it as standard)
- ct_box      a bank opens a deposit box ("BX-2001", "BX-2002", ...) until a later goal gets a recycled
              box with a lower number: its keys go by "inspection" courier, not "standard"
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path
from typing import Any

try:
    import families as fam
except ImportError:  # loaded outside the bench processes
    _bench = os.environ.get("LLMOS_BENCH_DIR") or str(Path(__file__).resolve().parents[2] / "shared" / "bench")
    if _bench not in sys.path:
        sys.path.insert(0, _bench)
    import families as fam

Family, Field, Step, Tool = fam.Family, fam.Field, fam.Step, fam.Tool
CAPWORD = fam.CAPWORD
State = dict[str, Any]
Params = dict[str, Any]

CLIENTS = ["Amara", "Bodhi", "Cyrus", "Delia", "Emeka", "Farah", "Galen", "Hedda", "Ilse", "Joaquin", "Kenji"]
FIRST = 5  # goals before a family may break the pattern


def _append(section: str, keys: list[str]):
    def run(s: State, a: dict) -> dict:
        out = s.setdefault(section, [])
        out.append({k: a[k] for k in keys})
        return {"ok": True}

    return run


def _register(s: State, a: dict) -> dict:
    out = s.setdefault("samples", [])
    out.append(a["sample"])
    return {"registered": True, "accession": f"ACC-{40000 + len(out)}"}


def _submit(s: State, a: dict) -> dict:
    out = s.setdefault("forms", [])
    out.append(a["form"])
    held = s["tables"].get("held", {}).get(a["form"], False)
    return {"submitted": True, "lane": f"{'HOLD' if held else 'Q'}-{100 + len(out)}"}


def _open_box(s: State, a: dict) -> dict:
    out = s.setdefault("boxes", [])
    out.append(a["client"])
    recycled = s["tables"].get("recycled", {}).get(a["client"])
    return {"opened": True, "box": f"BX-{recycled if recycled else 2000 + len(out)}"}


TOOLS: dict[str, Tool] = {
    t.name: t
    for t in [
        Tool("ct_register_sample", "Register a lab sample; returns its accession number.", {"sample": str}, _register),
        Tool(
            "ct_notify_freezer",
            "Tell the freezer team what happened to a sample.",
            {"sample": str, "change": str},
            _append("freezer", ["sample", "change"]),
        ),
        Tool("ct_submit_form", "Submit a visa form; returns the lane it was queued in.", {"form": str}, _submit),
        Tool(
            "ct_file_form",
            "File a submitted visa form in a tray: 'standard', or 'review' for a form queued in a HOLD lane.",
            {"form": str, "tray": str},
            _append("trays", ["form", "tray"]),
        ),
        Tool("ct_open_box", "Open a deposit box for a client; returns the box.", {"client": str}, _open_box),
        Tool(
            "ct_send_keys",
            "Send a client the keys of their box: courier 'standard', or 'inspection' for a recycled box "
            "(a box number below 2000).",
            {"client": str, "courier": str},
            _append("keys", ["client", "courier"]),
        ),
    ]
}


def sample_sample(rng: random.Random, w: State, i: int) -> Params:
    return {"sample": f"S{rng.randint(100, 999)}"}


sample = Family(
    name="ct_sample",
    templates=["Register sample {sample} and tell the freezer team"],
    fields={"sample": Field(r"S\d+")},
    sample=sample_sample,
    plan=[
        Step("ct_register_sample", lambda p, r: {"sample": p["sample"]}),
        Step("ct_notify_freezer", lambda p, r: {"sample": p["sample"], "change": "stored"}),
    ],
    expect=lambda p, b: {"samples": [p["sample"]], "freezer": [{"sample": p["sample"], "change": "stored"}]},
)


def sample_visa(rng: random.Random, w: State, i: int) -> Params:
    form = f"VF{rng.randint(100, 999)}"
    if i >= FIRST and i % 2 == 0:  # every other later goal: a held form
        w["tables"].setdefault("held", {})[form] = True
    return {"form": form}


def _tray(p: Params, r: dict) -> str:
    return "review" if str(r["ct_submit_form"]["lane"]).startswith("HOLD") else "standard"


visa = Family(
    name="ct_visa",
    templates=["Submit visa form {form} and file it"],
    fields={"form": Field(r"VF\d+")},
    sample=sample_visa,
    plan=[
        Step("ct_submit_form", lambda p, r: {"form": p["form"]}),
        Step("ct_file_form", lambda p, r: {"form": p["form"], "tray": _tray(p, r)}),
    ],
    expect=lambda p, b: {
        "forms": [p["form"]],
        "trays": [{"form": p["form"], "tray": "review" if b["tables"].get("held", {}).get(p["form"]) else "standard"}],
    },
)


def sample_box(rng: random.Random, w: State, i: int) -> Params:
    client = CLIENTS[i % len(CLIENTS)]
    if i >= FIRST and i % 2 == 1:  # every other later goal: a recycled box
        w["tables"].setdefault("recycled", {})[client] = rng.randint(100, 1999)
    return {"client": client}


def _courier(p: Params, r: dict) -> str:
    return "inspection" if int(str(r["ct_open_box"]["box"]).split("-")[1]) < 2000 else "standard"


def _want_courier(p: Params, b: State) -> str:
    return "inspection" if b["tables"].get("recycled", {}).get(p["client"]) else "standard"


box = Family(
    name="ct_box",
    templates=["Open a deposit box for {client} and send the keys"],
    fields={"client": CAPWORD},
    sample=sample_box,
    plan=[
        Step("ct_open_box", lambda p, r: {"client": p["client"]}),
        Step("ct_send_keys", lambda p, r: {"client": p["client"], "courier": _courier(p, r)}),
    ],
    expect=lambda p, b: {"boxes": [p["client"]], "keys": [{"client": p["client"], "courier": _want_courier(p, b)}]},
)

FAMILIES: list[Family] = [sample, visa, box]
