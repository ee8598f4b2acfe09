"""Probe families, helper fixA (issue 9): two wordings of one question, a count and a yes/no.

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `l2_`.

Written after fixA's rule (a listing stands in for an answer only on results like those of the runs
that taught it) and not shaped on it: five read-only questions, each asked in two wordings, one asking
how many and one asking whether any. The results are sometimes empty ("no ... " in words, or an empty
JSON list) and sometimes a list of one to four items; the model states the count when there are items
and says there are none otherwise. The wording of each goal is drawn at random after the first two
goals, and the lists change between goals (the same key can be asked again and find another list).
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

Family, Field, Step, Tool, ToolFail = fam.Family, fam.Field, fam.Step, fam.Tool, fam.ToolFail
State = dict[str, Any]
Params = dict[str, Any]

READ = {"readOnlyHint": True}
NAMES = ["l2_holds", "l2_kennel", "l2_alarms", "l2_invoices", "l2_defects"]
ANNOTATIONS: dict[str, dict[str, bool]] = {name: READ for name in NAMES}


def _annotate_in_tools_server() -> None:
    """Inside the shared tools server only: give the tools of ANNOTATIONS their MCP hints."""
    main = sys.modules.get("__main__")
    if Path(str(getattr(main, "__file__", ""))).name != "tools_server.py":
        return
    try:
        from mcp.server.mcpserver import MCPServer as Server
    except ImportError:
        from mcp.server.fastmcp import FastMCP as Server
    from mcp.types import ToolAnnotations

    if getattr(Server.add_tool, "_l2_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._l2_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()


def _one_of(names: list[str]) -> Any:
    import re

    return Field("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


def _make(
    name: str,
    keys: list[str],
    key_field: str,
    templates: list[str],
    item: Any,
    text: Any,
    none_text: str,
    some: str,
    none: str,
    as_json: bool,
) -> tuple[Family, Tool]:
    def tool(s: State, a: dict) -> Any:
        row = s.get(name, {}).get(a[key_field])
        if row is None:
            raise ToolFail(f"unknown {key_field} {a[key_field]}")
        if as_json:
            return {key_field: a[key_field], "items": row}
        if not row:
            return none_text.format(k=a[key_field])
        return f"{a[key_field]}: " + "; ".join(text(x) for x in row) + "."

    def sample(rng: random.Random, w: State, i: int) -> Params:
        table = w.setdefault(name, {})
        k = rng.choice(keys)
        n = rng.choice([0, 0, 1, 2, 2, 3, 4]) if i >= 2 else [0, 2][i]
        table[k] = [item(rng) for _ in range(n)]
        return {key_field: k, "wording": i % 2 if i < 2 else rng.randrange(2)}

    def rows(p: Params, b: State) -> list:
        return list(b[name][p[key_field]])

    def summary(p: Params, r: dict) -> str:
        got = r[name]
        n = len(got["items"]) if isinstance(got, dict) else (0 if got.startswith("No ") else got.count(";") + 1)
        return some.format(n=n, k=p[key_field]) if n else none.format(k=p[key_field])

    family = Family(
        name=name,
        templates=templates,
        fields={key_field: _one_of(keys)},
        sample=sample,
        plan=[Step(name, lambda p, r: {key_field: p[key_field]})],
        expect=lambda p, b: {},
        answer=lambda p, b: [len(rows(p, b))] if rows(p, b) else ["no"],
        summary=summary,
    )
    return family, Tool(name, f"Pending items for a {key_field}.", {key_field: str}, tool)


def _holds_item(rng: random.Random) -> str:
    return f"'{rng.choice(['Dune', 'Emma', 'Ulysses', 'Beloved', 'Middlemarch'])}' until 2026-12-{rng.randint(10, 28)}"


def _kennel_item(rng: random.Random) -> dict:
    return {"dog": rng.choice(["Rufus", "Pip", "Luna", "Bo", "Maple"]), "since": f"2026-11-{rng.randint(10, 28)}"}


def _alarm_item(rng: random.Random) -> str:
    return f"fridge F{rng.randint(10, 99)} at {rng.randint(9, 14)}.{rng.randint(0, 9)} C"


def _invoice_item(rng: random.Random) -> dict:
    return {"invoice": f"INV-{rng.randint(3000, 3999)}", "eur": round(rng.uniform(40, 900), 2)}


def _defect_item(rng: random.Random) -> str:
    return f"DF{rng.randint(100, 999)} {rng.choice(['cabin light', 'seat 14C recline', 'galley oven', 'lav door'])}"


BRANCHES = ["Harbour Branch", "Hill Branch", "Central Library"]
KENNELS = ["Kennel Block A", "Kennel Block B"]
WARDS = ["Ward 7", "Ward 9", "Ward 12"]
CLIENTS = ["Orchid Dental", "Brook Joinery", "Tally Farms"]
AIRCRAFT = ["G-EZTB", "G-EZUF", "G-EZWX"]

_SPECS = [
    _make(
        "l2_holds",
        BRANCHES,
        "branch",
        [
            "How many holds are waiting for collection at {branch}?",
            "Is anything on hold waiting to be collected at {branch}?",
        ],
        _holds_item,
        lambda x: x,
        "No holds awaiting collection at {k}.",
        "{n} holds are waiting at {k}.",
        "Nothing is waiting for collection at {k}.",
        False,
    ),
    _make(
        "l2_kennel",
        KENNELS,
        "block",
        ["How many dogs are ready for pickup in {block}?", "Are there dogs ready to go home in {block}?"],
        _kennel_item,
        str,
        "",
        "{n} dogs are ready for pickup in {k}.",
        "No dog is ready for pickup in {k}.",
        True,
    ),
    _make(
        "l2_alarms",
        WARDS,
        "ward",
        ["How many fridge alarms are open on {ward}?", "Any fridge alarms still open on {ward}?"],
        _alarm_item,
        lambda x: x,
        "No open fridge alarms on {k}.",
        "{n} fridge alarms are open on {k}.",
        "{k} has no open fridge alarms.",
        False,
    ),
    _make(
        "l2_invoices",
        CLIENTS,
        "client",
        ["How many invoices of {client} are overdue?", "Does {client} have overdue invoices?"],
        _invoice_item,
        str,
        "",
        "{k} has {n} overdue invoices.",
        "{k} has no overdue invoices.",
        True,
    ),
    _make(
        "l2_defects",
        AIRCRAFT,
        "aircraft",
        ["How many deferred defects does {aircraft} carry?", "Is {aircraft} carrying any deferred defects?"],
        _defect_item,
        lambda x: x,
        "No deferred defects on {k}.",
        "{k} carries {n} deferred defects.",
        "{k} carries no deferred defects.",
        False,
    ),
]

TOOLS: dict[str, Tool] = {t.name: t for _f, t in _SPECS}
FAMILIES = [f for f, _t in _SPECS]
