"""Probe families for rule 1's noise on plain-text lists (issue 9, helper present), written after
the rule "noise may not drop a goal value's presence" and not shaped on it: each list differs in
every run (it grows, a revision number and a clerk change), so it is noise once four runs show it,
and the decision reads something other than whether the goal's value is on the list.

Same interface as the public `families.py` (TOOLS and FAMILIES); tool names are prefixed `pr_`.

    .venv/bin/python /work/shared/bench/run_bench.py --llmos /tmp/llmos_wrap_NAME.sh \
        --python "$PWD/.venv/bin/python" --families bench/families_presence.py --goals 8 --seed 7

- pr_board `Ship pallet {pallet} if it is cleared`: the pallet is on the customs board in every run;
  its status word ("cleared" / "held") decides, and both words are on every board (other pallets).
- pr_roster `Put {name} on the waitlist for {course}`: declined when the name is already enrolled (a
  name earlier rosters showed).
- pr_batch `Destroy batch {batch} if it failed QA`: the QA list names a sub-batch of the goal's
  ("B41233-2": the goal's token inside another) instead of it.
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
CAPWORDS = fam.CAPWORDS
State = dict[str, Any]
Params = dict[str, Any]

READ = {"readOnlyHint": True}
WRITE = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False}

ANNOTATIONS: dict[str, dict[str, bool]] = {
    "pr_customs_board": READ,
    "pr_ship_pallet": WRITE,
    "pr_course_roster": READ,
    "pr_add_waitlist": WRITE,
    "pr_qa_failures": READ,
    "pr_destroy_batch": WRITE,
}


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

    if getattr(Server.add_tool, "_pr_annotated", False):
        return
    original = Server.add_tool

    def add_tool(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hints = ANNOTATIONS.get(str(kwargs.get("name") or getattr(fn, "__name__", "")))
        if hints is not None and kwargs.get("annotations") is None:
            kwargs["annotations"] = ToolAnnotations(**hints)
        return original(self, fn, *args, **kwargs)

    add_tool._pr_annotated = True  # type: ignore[attr-defined]
    Server.add_tool = add_tool  # type: ignore[method-assign]


_annotate_in_tools_server()

CLERKS = ["Ana", "Ben", "Cleo"]


def _trap(i: int, rng: random.Random) -> bool:
    """Never for the first four goals, then at random."""
    return i >= 4 and rng.random() < 0.5


def _fresh(rng: random.Random, w: State, table: str, make) -> str:
    key = make(rng)
    while key in w.get(table, {}):
        key = make(rng)
    w.setdefault(table, {})[key] = 1
    return key


def _rev(s: State, section: str) -> tuple[int, str]:
    """A revision and a clerk that change as the list grows (a read changes nothing)."""
    n = len(s.get(section, []))
    return 100 + n, CLERKS[n % len(CLERKS)]


def _append(section: str, *keys: str):
    def run(s: State, a: dict) -> dict:
        out = s.setdefault(section, [])
        out.append({k: a[k] for k in keys})
        return {"status": "ok", "ref": f"{section[3:6].upper()}-{7000 + len(out)}"}

    return run


# ======================================== 1. customs board: the status word next to the goal's pallet
def _board(s: State, a: dict) -> str:
    n, clerk = _rev(s, "pr_board")
    rows = ", ".join(f"{p} {st}" for p, st in s.get("pr_board", []))
    return f"Customs board rev {n} (clerk {clerk}): {rows}."


def sample_board(rng: random.Random, w: State, i: int) -> Params:
    pallet = _fresh(rng, w, "pr_pallets", lambda r: f"P{r.randint(10000, 99999)}")
    board = w.setdefault("pr_board", [])
    for st in ("cleared", "held"):  # both words on every board, next to other pallets
        board.append((_fresh(rng, w, "pr_pallets", lambda r: f"P{r.randint(10000, 99999)}"), st))
    board.append((pallet, "held" if _trap(i, rng) else "cleared"))
    rng.shuffle(board)
    return {"pallet": pallet}


def _cleared(p: Params, b: State) -> bool:
    return (p["pallet"], "cleared") in [tuple(x) for x in b["pr_board"]]


board = Family(
    name="pr_board",
    templates=["Ship pallet {pallet} if it is cleared"],
    fields={"pallet": Field(r"P\d{5}")},
    sample=sample_board,
    plan=[
        Step("pr_customs_board", lambda p, r: {"pallet": p["pallet"]}),
        Step(
            "pr_ship_pallet",
            lambda p, r: {"pallet": p["pallet"]},
            when=lambda p, r: f"{p['pallet']} cleared" in r["pr_customs_board"],
        ),
    ],
    expect=lambda p, b: {"pr_shipped": [{"pallet": p["pallet"]}]} if _cleared(p, b) else {},
    answer=lambda p, b: ["shipped"] if _cleared(p, b) else ["held"],
    summary=lambda p, r: (
        f"Pallet {p['pallet']} shipped."
        if "pr_ship_pallet" in r
        else f"Pallet {p['pallet']} is held at customs; not shipped."
    ),
)


# ======================================== 2. course roster: already enrolled (a name other runs showed)
NAMES = ["Amara", "Bastian", "Carmen", "Dmitri", "Elif", "Farid", "Greta", "Hiroshi", "Ines", "Jonas", "Kalani"]
COURSES = ["Pottery", "Welding", "Astronomy"]


def _roster(s: State, a: dict) -> str:
    n, clerk = _rev(s, "pr_waitlist")
    enrolled = s.get("pr_enrolled", {}).get(a["course"], [])
    return f"Course {a['course']} roster rev {n} (clerk {clerk}): enrolled {', '.join(enrolled) or 'nobody'}."


def sample_roster(rng: random.Random, w: State, i: int) -> Params:
    course = COURSES[i % 3] if i < 3 else rng.choice(COURSES)
    enrolled = w.setdefault("pr_enrolled", {}).setdefault(course, [])
    if _trap(i, rng) and enrolled:
        return {"name": rng.choice(enrolled), "course": course}  # a name earlier rosters showed
    others = [x for x in NAMES if x not in enrolled]
    name = rng.choice(others)
    enrolled.append(rng.choice([x for x in others if x != name]))  # the roster grows
    return {"name": name, "course": course}


def _is_enrolled(p: Params, b: State) -> bool:
    return p["name"] in b.get("pr_enrolled", {}).get(p["course"], [])


roster = Family(
    name="pr_roster",
    templates=["Put {name} on the waitlist for {course}"],
    fields={"name": CAPWORDS, "course": CAPWORDS},
    sample=sample_roster,
    plan=[
        Step("pr_course_roster", lambda p, r: {"course": p["course"]}),
        Step(
            "pr_add_waitlist",
            lambda p, r: {"name": p["name"], "course": p["course"]},
            when=lambda p, r: (
                f" {p['name']}," not in r["pr_course_roster"] and f" {p['name']}." not in r["pr_course_roster"]
            ),
        ),
    ],
    expect=lambda p, b: {} if _is_enrolled(p, b) else {"pr_waitlist": [{"name": p["name"], "course": p["course"]}]},
    answer=lambda p, b: ["already enrolled"] if _is_enrolled(p, b) else ["waitlist"],
    summary=lambda p, r: (
        f"{p['name']} is on the waitlist for {p['course']}."
        if "pr_add_waitlist" in r
        else f"{p['name']} is already enrolled in {p['course']}; no waitlist entry."
    ),
)


# ======================================== 3. QA failures: a sub-batch of the goal's batch
def _qa(s: State, a: dict) -> str:
    n, clerk = _rev(s, "pr_failed")
    return f"QA failures rev {n} (clerk {clerk}): {', '.join(s.get('pr_failed', []))}."


def sample_batch(rng: random.Random, w: State, i: int) -> Params:
    batch = _fresh(rng, w, "pr_batches", lambda r: f"B{r.randint(10000, 99999)}")
    failed = w.setdefault("pr_failed", [])
    failed.append(f"{_fresh(rng, w, 'pr_batches', lambda r: f'B{r.randint(10000, 99999)}')}-{rng.randint(1, 3)}")
    failed.append(f"{batch}-{rng.randint(1, 3)}" if _trap(i, rng) else batch)
    return {"batch": batch}


def _failed(p: Params, b: State) -> bool:
    return p["batch"] in b.get("pr_failed", [])


batch = Family(
    name="pr_batch",
    templates=["Destroy batch {batch} if it failed QA"],
    fields={"batch": Field(r"B\d{5}")},
    sample=sample_batch,
    plan=[
        Step("pr_qa_failures", lambda p, r: {"batch": p["batch"]}),
        Step(
            "pr_destroy_batch",
            lambda p, r: {"batch": p["batch"]},
            when=lambda p, r: f" {p['batch']}," in r["pr_qa_failures"] or f" {p['batch']}." in r["pr_qa_failures"],
        ),
    ],
    expect=lambda p, b: {"pr_destroyed": [{"batch": p["batch"]}]} if _failed(p, b) else {},
    answer=lambda p, b: ["destroyed"] if _failed(p, b) else ["not on the QA failures"],
    summary=lambda p, r: (
        f"Batch {p['batch']} destroyed."
        if "pr_destroy_batch" in r
        else f"Batch {p['batch']} is not on the QA failures list; kept."
    ),
)


TOOLS = {
    t.name: t
    for t in [
        Tool("pr_customs_board", "The customs board of the yard (plain text).", {"pallet": str}, _board),
        Tool("pr_ship_pallet", "Ship a pallet.", {"pallet": str}, _append("pr_shipped", "pallet")),
        Tool("pr_course_roster", "A course's roster (plain text).", {"course": str}, _roster),
        Tool(
            "pr_add_waitlist",
            "Put a person on a course's waitlist.",
            {"name": str, "course": str},
            _append("pr_waitlist", "name", "course"),
        ),
        Tool("pr_qa_failures", "The batches that failed QA (plain text).", {"batch": str}, _qa),
        Tool("pr_destroy_batch", "Destroy a batch.", {"batch": str}, _append("pr_destroyed", "batch")),
    ]
}

FAMILIES = [board, roster, batch]
