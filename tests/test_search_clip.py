"""A `tool_search` result cut at `[tools] output_limit` keeps whole entries (whole tool names), so the
tools it found are still offered; any JSON listing is cut between entries, a plain text anywhere."""

from __future__ import annotations

import json
from pathlib import Path

from runtime_support import quiet_config

from llmos.kernel._clip import clip, listed_names
from llmos.kernel.context import RunContext
from llmos.kernel.hooks import HookChain
from llmos.kernel.loop import LoopOptions, run_loop
from llmos.models.base import Message
from llmos.models.pricing import Pricing
from llmos.models.testmodel import TestModel
from llmos.tools.base import Tool, function_tool, tool
from llmos.tools.registry import ToolRegistry
from llmos.tools.search import PARTIAL_NOTE, ToolSearch
from llmos.trace import Trace

LONG = "Book a meeting room in one of the offices; " * 12  # about 500 characters, as MAX_DESCRIPTION allows


def _listing(n: int, note: str = "") -> str:
    items = [{"name": f"book_room_{i}", "description": LONG} for i in range(n)]
    return json.dumps(items, ensure_ascii=False) + note


def test_a_listing_is_cut_between_entries_and_still_parses() -> None:
    text = _listing(5)
    cut = clip(text, 1200)
    head, _, note = cut.partition("\n… [truncated")
    kept = json.loads(head)
    assert 0 < len(kept) < 5 and kept == json.loads(text)[: len(kept)]
    assert len(head) <= 1200 and "more entr" in note
    assert listed_names(cut) == {f"book_room_{i}" for i in range(len(kept))}


def test_when_no_whole_entry_fits_the_names_are_kept() -> None:
    cut = clip(_listing(5, "\n" + PARTIAL_NOTE), 200)
    assert listed_names(cut) == {f"book_room_{i}" for i in range(5)}
    assert "the descriptions" in cut and len(cut.partition("\n… [truncated")[0]) <= 200


def test_plain_text_and_short_results_are_cut_as_before() -> None:
    assert clip("x" * 50, 100) == "x" * 50
    assert clip("x" * 150, 100) == "x" * 100 + "\n… [truncated: 50 more characters]"
    assert clip("[not json" + "x" * 200, 100).endswith("more characters]")
    assert listed_names("[not json") == set() and listed_names("plain") == set()


async def test_tools_found_by_a_search_cut_at_output_limit_are_offered(tmp_path: Path) -> None:
    found: list[Tool] = []
    for i in range(5):

        async def book(room: str, i: int = i) -> str:
            return f"booked {room} ({i})"

        found.append(function_tool(book, name=f"book_room_{i}", description=LONG))

    @tool
    def add(a: int, b: int) -> int:
        """Add two numbers."""
        return a + b

    model = TestModel(
        script=[
            {"tool": "tool_search", "args": {"query": "book meeting room"}},
            {"tool": "book_room_0", "args": {"room": "Fjord"}},
            "Room Fjord is booked.",
        ]
    )
    registry = ToolRegistry([add, *found])
    registry.register(ToolSearch(registry).search_tool(lambda names: None))
    config = quiet_config(tools={"output_limit": 300})
    ctx = RunContext(Trace(goal="g"), tmp_path, registry, HookChain(), config)
    opts = LoopOptions(model=model, pricing=Pricing(), tools=["add"], tool_search=True)
    outcome = await run_loop(ctx, opts, [Message.user("book the Fjord meeting room")])
    search = ctx.trace.tool_calls[0]
    assert search.name == "tool_search" and search.result_chars and search.result_chars > 300  # it was cut
    assert outcome.status == "success", outcome
    offered = [{t.name for t in r.tools} for r in model.requests]
    assert "book_room_0" not in offered[0] and "book_room_0" in offered[1]
    assert ctx.trace.tool_calls[1].result == "booked Fjord (0)"
