"""Issue 11, money: a small per-run cap no longer refuses a cheap run; output is lowered to what the
budget can pay; an under-counted input is still charged in full; reservations of a killed process
are settled at the next start."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from fakes.llm_server import FakeLLMServer, llm_server, text
from runtime_support import quiet_config

from llmos.config import BudgetConfig
from llmos.kernel._owner import machine
from llmos.kernel.economy import Ledger, estimate_input_tokens, worst_case_input_tokens
from llmos.models.base import Message, ModelRequest
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.storage.db import Database

__all__ = ["llm_server"]

REPO = Path(__file__).resolve().parents[1]


def _ledger(rt: LLMOS) -> list[Any]:
    assert rt.db is not None
    return rt.db.connection().execute("SELECT * FROM ledger ORDER BY id").fetchall()


async def test_a_cheap_run_fits_a_small_per_run_cap(tmp_path: Path) -> None:
    # priced like claude-sonnet ($3 / $15 per M): 4096 output tokens alone would be $0.061 > $0.05
    cfg = quiet_config(budget={"per_run_usd": 0.05, "total_usd": 10.0})
    assert cfg.model.max_tokens == 4096
    model = TestModel(script=[{"tool": "add", "args": {"a": 1, "b": 2}}, "3"])
    from llmos.tools.base import tool

    @tool
    def add(a: int, b: int) -> int:
        """Add two integers."""
        return a + b

    async with LLMOS(tmp_path, config=cfg, model=model, tools=[add]) as rt:
        result = await rt.execute("add 1 and 2")
        trace = rt.traces.require(result.run_id)
        rows = _ledger(rt)
    assert result.success, result.error
    assert 0 < result.cost_usd < 0.05 and result.llm_calls == 2
    lowered = [e for e in trace.events if e["kind"] == "max_tokens_lowered"]
    assert lowered and all(e["granted"] < 4096 for e in lowered)
    for row in rows:  # every reservation covered its call, and stayed within the cap
        assert row["status"] == "charged" and row["cost_usd"] <= row["reserved_usd"] <= 0.05


async def test_lowered_output_never_overspends(tmp_path: Path) -> None:
    """A model that would write far more than the budget pays is stopped at the lowered max_tokens."""
    cfg = quiet_config(budget={"per_run_usd": 0.03, "total_usd": 10.0})
    model = TestModel(script=["word " * 20_000])  # ~25k output tokens if nothing stopped it
    async with LLMOS(tmp_path, config=cfg, model=model) as rt:
        result = await rt.execute("write a lot")
        balance = rt.ledger.balance()
    assert result.cost_usd <= 0.03 and balance.spent_usd <= 0.03 and balance.reserved_usd == 0
    assert result.status == "failed" and "max_tokens" in (result.error or "")


async def test_refusal_names_the_knob(tmp_path: Path) -> None:
    cfg = quiet_config(budget={"per_run_usd": 0.001, "total_usd": 10.0})
    async with LLMOS(tmp_path, config=cfg, model=TestModel(script=["hi"])) as rt:
        result = await rt.execute("hello")
    assert result.status == "budget_exceeded" and result.llm_calls == 0
    assert "[budget] per_run_usd" in (result.error or "")


class _Undercounting(TestModel):
    """Claims every request is 1 token long: its reservations are too small."""

    async def count_tokens(self, request: ModelRequest) -> int:
        return 1


async def test_an_undercounted_reservation_is_still_charged_in_full(tmp_path: Path) -> None:
    cfg = quiet_config(budget={"per_run_usd": None, "total_usd": 10.0})
    model = _Undercounting(script=lambda r: "ok " * 6000)  # uses all of max_tokens: no output headroom
    async with LLMOS(tmp_path, config=cfg, model=model) as rt:
        first = await rt.execute("hello " * 3000)
        second = await rt.execute("hello " * 3000)
        t1 = rt.traces.require(first.run_id)
        t2 = rt.traces.require(second.run_id)
        rows = _ledger(rt)
        balance = rt.ledger.balance()
    assert [e["kind"] for e in t1.events if e["kind"] == "reservation_overrun"] == ["reservation_overrun"]
    assert rows[0]["cost_usd"] > rows[0]["reserved_usd"]  # charged what it cost, not what was reserved
    assert balance.spent_usd == pytest.approx(first.cost_usd + second.cost_usd, abs=1e-8)
    # the count fell short once: this runtime reserves that model's byte bound from then on
    assert not [e for e in t2.events if e["kind"] == "reservation_overrun"]
    assert rows[1]["cost_usd"] <= rows[1]["reserved_usd"]


async def test_estimate_prefers_the_count_but_never_exceeds_the_bound() -> None:
    request = ModelRequest(messages=[Message.user("hello there " * 100)], system="sys", max_tokens=100)
    bound = worst_case_input_tokens(request)
    counted = await estimate_input_tokens(TestModel(), request)
    assert counted < bound
    exact = await TestModel().count_tokens(request)
    assert exact <= counted  # the margin is on the safe side
    assert await estimate_input_tokens(object(), request) == bound  # a model that cannot count


async def test_anthropic_count_tokens_against_the_loopback_fake(
    llm_server: FakeLLMServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", llm_server.url)
    llm_server.push(text("hi", input_tokens=900, output_tokens=5))
    cfg = quiet_config(budget={"per_run_usd": 0.05, "total_usd": 10.0})
    async with LLMOS(tmp_path, config=cfg, model="anthropic:claude-sonnet-4-5") as rt:
        result = await rt.execute("Say hi")
        rows = _ledger(rt)
    assert result.success, result.error
    assert llm_server.count_requests == 1
    assert rows[0]["reserved_usd"] <= 0.05 and rows[0]["status"] == "charged"


def test_reservations_of_a_killed_process_are_settled_at_the_next_start(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import sys, time
        sys.path.insert(0, {str(REPO)!r})
        from pathlib import Path
        from llmos.config import BudgetConfig
        from llmos.kernel.economy import Ledger
        from llmos.storage.db import Database
        ledger = Ledger(Database.for_workspace(Path({str(tmp_path)!r})), BudgetConfig(total_usd=1.0))
        ledger.reserve("run_killed", "test", "test", 0.25)
        print("reserved", flush=True)
        time.sleep(60)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "reserved"
        db = Database.for_workspace(tmp_path)
        ledger = Ledger(db, BudgetConfig(total_usd=1.0))
        mine = ledger.reserve("run_alive", "test", "test", 0.1)  # this process is alive: never touched
        assert ledger.settle_abandoned() == 0  # the owner still runs
        assert ledger.balance().reserved_usd == pytest.approx(0.35)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        assert ledger.settle_abandoned() == 1
        balance = ledger.balance()
        row = db.connection().execute("SELECT * FROM ledger WHERE run_id='run_killed'").fetchone()
        assert row["status"] == "charged" and row["abandoned"] == 1 and row["cost_usd"] == pytest.approx(0.25)
        assert balance.reserved_usd == pytest.approx(0.1) and balance.spent_usd == pytest.approx(0.25)
        ledger.release(mine)
        db.close()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        if proc.stdout is not None:
            proc.stdout.close()


async def test_the_runtime_settles_abandoned_reservations_when_it_starts(tmp_path: Path) -> None:
    db = Database.for_workspace(tmp_path)
    ledger = Ledger(db, BudgetConfig(total_usd=1.0))
    rid = ledger.reserve("run_old", "test", "test", 0.2)
    with db.transaction() as conn:  # as if a process that no longer exists had made it
        conn.execute("UPDATE ledger SET owner = ? WHERE id = ?", (f"{machine()}:999999999:1", rid))
    db.close()
    async with LLMOS(tmp_path, config=quiet_config(), model=TestModel(script=["hi"])) as rt:
        balance = rt.ledger.balance()
    assert balance.reserved_usd == 0 and balance.spent_usd == pytest.approx(0.2)
