"""Code mode vs direct tool calls: context tokens per run, with a scripted test model.

    PYTHONPATH=. .venv/bin/python bench/code_mode_bench.py

Data-heavy task: 200 order records served 20 per page by `list_orders(page)` (10 pages); the goal
is the sum of the paid orders' amounts. Direct: the model calls one page per turn (it needs each
page's next_page) and adds up what it read. Code mode: the model writes one `run_code` program
that pages, filters and sums; only the printed total enters its context.
Mixed task: the same data, then the profile of the customer with the highest paid total
(`get_customer`, a direct call in both variants).

Both variants run through a real runtime (hooks, trace, bubblewrap sandbox). Context tokens are
the test model's input tokens summed over the run's model calls (ceil(JSON chars of the request
/ 4), what a provider bills as input); the answer of each variant is checked to be identical.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import tempfile
from pathlib import Path
from typing import Any

from llmos.config import ConfigBuilder
from llmos.models.base import Message, ModelRequest, ToolCall, ToolResult
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.tools.base import Tool, tool

PAGE = 20
rng = random.Random(7)
CUSTOMERS = [f"cus_{i:03d}" for i in range(25)]
RECORDS = [
    {
        "id": f"ord_{i:04d}",
        "customer": rng.choice(CUSTOMERS),
        "status": rng.choice(["paid", "paid", "paid", "refunded", "pending"]),
        "amount_cents": rng.randrange(500, 50_000),
        "currency": "eur",
        "created_at": f"2026-11-{1 + i % 28:02d}T{i % 24:02d}:15:00Z",
        "items": [{"sku": f"SKU-{rng.randrange(1000)}", "qty": rng.randrange(1, 4)} for _ in range(2)],
        "shipping": {"country": rng.choice(["FR", "DE", "ES", "IT"]), "method": "standard"},
    }
    for i in range(200)
]


def tools() -> list[Tool]:
    @tool
    def list_orders(page: int = 1) -> dict[str, Any]:
        """List the shop's orders, 20 per page; next_page is null on the last page.

        Args:
            page: the page number, from 1
        """
        start = (page - 1) * PAGE
        more = start + PAGE < len(RECORDS)
        return {"page": page, "orders": RECORDS[start : start + PAGE], "next_page": page + 1 if more else None}

    @tool
    def get_customer(customer_id: str) -> dict[str, Any]:
        """A customer's profile.

        Args:
            customer_id: the customer id, like cus_007
        """
        return {"id": customer_id, "name": f"Customer {customer_id[-3:]}", "tier": "gold", "email": f"{customer_id}@x"}

    return [list_orders, get_customer]


def _results(request: ModelRequest) -> list[str]:
    return [b.content for m in request.messages for b in m.content if isinstance(b, ToolResult)]


def _paid(orders: list[dict[str, Any]]) -> dict[str, int]:
    by: dict[str, int] = {}
    for o in orders:
        if o["status"] == "paid":
            by[o["customer"]] = by.get(o["customer"], 0) + o["amount_cents"]
    return by


def direct_model(mixed: bool) -> TestModel:
    """Reads every page itself, then computes the answer from what it read."""
    n = [0]

    def respond(request: ModelRequest) -> Any:
        results = _results(request)
        pages = [json.loads(r) for r in results if r.startswith("{") and '"orders"' in r]
        n[0] += 1
        if not pages or pages[-1]["next_page"]:
            page = pages[-1]["next_page"] if pages else 1
            return ToolCall(f"c{n[0]}", "list_orders", {"page": page})
        by = _paid([o for p in pages for o in p["orders"]])
        if not mixed:
            return f"Paid total: {sum(by.values())} cents"
        top = max(by, key=lambda c: by[c])
        if not any('"tier"' in r for r in results):
            return ToolCall(f"c{n[0]}", "get_customer", {"customer_id": top})
        profile = json.loads(results[-1])
        return f"Top customer: {profile['name']} ({top}), {by[top]} cents"

    return TestModel(script=respond)


PROGRAM = """
by, page = {}, 1
while page:
    data = await list_orders(page=page)
    for o in data["orders"]:
        if o["status"] == "paid":
            by[o["customer"]] = by.get(o["customer"], 0) + o["amount_cents"]
    page = data["next_page"]
"""


def code_model(mixed: bool) -> TestModel:
    """Writes one program; reads only its printed output."""
    n = [0]

    def respond(request: ModelRequest) -> Any:
        results = _results(request)
        n[0] += 1
        if not results:
            tail = "top = max(by, key=by.get)\nprint(top, by[top])" if mixed else "print(sum(by.values()))"
            return ToolCall(f"c{n[0]}", "run_code", {"code": PROGRAM + tail})
        if not mixed:
            return f"Paid total: {int(results[-1])} cents"
        if len(results) == 1:
            top, _ = results[0].split()
            return ToolCall(f"c{n[0]}", "get_customer", {"customer_id": top})
        top, cents = results[0].split()
        return f"Top customer: {json.loads(results[-1])['name']} ({top}), {cents} cents"

    return TestModel(script=respond)


async def run(model: TestModel, code_mode: str) -> tuple[str, int, int, int]:
    b = ConfigBuilder("testing")
    b.set("learning", enabled=False)
    b.set("sentience", enabled=False)
    b.set("tools", builtin=False, output_limit=100_000)
    b.set("execution", code_mode=code_mode)
    b.set("budget", total_usd=100.0, per_run_usd=50.0)
    b.set("sandbox", backend="bwrap", wall_s=60.0)
    with tempfile.TemporaryDirectory() as ws:
        async with LLMOS(workspace=Path(ws), config=b.build(), model=model, tools=tools()) as rt:
            result = await rt.execute("orders report", mode="learner")
    assert result.success, result.error
    context_chars = sum(len(b.content) for b in _all_results(model))
    return result.output, result.input_tokens, result.llm_calls, context_chars


def _all_results(model: TestModel) -> list[ToolResult]:
    last: list[Message] = model.requests[-1].messages
    return [b for m in last for b in m.content if isinstance(b, ToolResult)]


async def main() -> None:
    print(f"{len(RECORDS)} records, {len(RECORDS) // PAGE} pages, {len(json.dumps(RECORDS))} JSON chars in all")
    print(f"{'task':8} {'variant':9} {'model calls':>11} {'input tokens':>13} {'tool-result chars':>18}  answer")
    for mixed in (False, True):
        task = "mixed" if mixed else "sum"
        direct = await run(direct_model(mixed), "off")
        code = await run(code_model(mixed), "on")
        for label, r in (("direct", direct), ("code", code)):
            print(f"{task:8} {label:9} {r[2]:11d} {r[1]:13d} {r[3]:18d}  {r[0]}")
        saving = 1 - code[1] / direct[1]
        same = direct[0] == code[0]
        print(f"{task:8} code mode uses {saving:.1%} fewer input tokens; identical answer: {same}")
        assert same, (direct[0], code[0])
    assert re.match(r"Paid total: \d+", direct[0]) is None  # the mixed answer names the customer


if __name__ == "__main__":
    asyncio.run(main())
