"""Scheduled goals: `llmos schedule add|list|remove`, slots claimed once, and two `llmos serve`
processes on one workspace database firing each slot exactly once."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from runtime_support import answer, llmos_cli, one_json, quiet_config
from server_support import cli_server
from typer.testing import CliRunner

from llmos.cli import app
from llmos.config import load_config
from llmos.cron import check_cron, next_slot, previous_slot
from llmos.exceptions import UserError
from llmos.models.base import ModelRequest, ModelResponse
from llmos.ops.scheduler import Scheduler
from llmos.runtime import LLMOS
from llmos.storage.db import Database
from llmos.storage.factory import open_database
from llmos.storage.schedules import ScheduleStore
from llmos.storage.traces import TraceStore

# ---------------------------------------------------------------- cron


def test_cron_expressions_are_checked_with_a_message_naming_what_is_wrong() -> None:
    assert check_cron("  */5  * * * * ") == "*/5 * * * *"
    assert check_cron("@daily") == "@daily"
    with pytest.raises(UserError, match="hour field '25'"):
        check_cron("0 25 * * *")
    with pytest.raises(UserError, match="3 field"):
        check_cron("* * *")
    with pytest.raises(UserError, match="empty"):
        check_cron("   ")
    # 2026-01-01T00:07:30Z: the 5-minute slots around it, in UTC and in a zone an hour ahead
    now = 1767226050
    assert previous_slot("*/5 * * * *", "UTC", now) == 1767225900  # 00:05
    assert next_slot("*/5 * * * *", "UTC", now) == 1767226200  # 00:10
    assert previous_slot("0 1 * * *", "Europe/Paris", now) == 1767225600  # 01:00 in Paris = 00:00Z
    assert previous_slot("* * * * * *", "UTC", now) == now  # seconds: `now` itself is a slot


# ---------------------------------------------------------------- the store


def test_a_slot_is_claimed_by_exactly_one_of_many_concurrent_claimants(tmp_path: Path) -> None:
    dbs = [Database(tmp_path / "llmos.db") for _ in range(4)]  # four connections, as four servers
    try:
        stores = [ScheduleStore(db) for db in dbs]
        sched = stores[0].add("* * * * *", "say hi")
        wins: list[tuple[int, int]] = []
        lock = threading.Lock()

        def claim(i: int) -> None:
            for slot in range(100, 120):
                if stores[i].claim(sched.id, slot, f"server-{i}"):
                    with lock:
                        wins.append((i, slot))

        threads = [threading.Thread(target=claim, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(slot for _, slot in wins) == list(range(100, 120))  # every slot once, none twice
        stores[1].record(sched.id, 105, run_id="run_x", status="success")
        fire = next(f for f in stores[2].fires(sched.id) if f.slot == 105)
        assert (fire.run_id, fire.status) == ("run_x", "success")
        assert stores[3].remove(sched.id) and stores[0].fires(sched.id) == []
        assert not stores[0].claim(sched.id, 200, "late")  # a removed schedule is never claimed
    finally:
        for db in dbs:
            db.close()


# ---------------------------------------------------------------- the scheduler


async def test_the_latest_missed_slot_fires_once_with_the_schedule_in_its_trace(tmp_path: Path) -> None:
    async with LLMOS(workspace=tmp_path, config=quiet_config(), model=answer("hello")) as rt:
        assert rt.db is not None
        store = ScheduleStore(rt.db)
        sched = store.add("*/5 * * * *", "say hello")
        store.db.connection().execute("UPDATE schedules SET created_at = ? WHERE id = ?", (1767220000, sched.id))
        scheduler = Scheduler(rt, tick_s=60)
        now = 1767226050.0  # 00:07:30Z: slots 23:30 ... 00:05 were missed since created_at
        fired = await scheduler.tick(now)
        assert fired == [(sched.id, 1767225900)]  # only the latest, 00:05
        assert await scheduler.tick(now + 10) == []  # same slot: nothing
        await scheduler.close()
        fires = store.fires(sched.id)
        assert [(f.slot, f.status) for f in fires] == [(1767225900, "success")]
        trace = rt.traces.require(fires[0].run_id or "")
        assert trace.metadata["schedule"] == {
            "id": sched.id,
            "slot": 1767225900,
            "slot_at": "2026-01-01T00:05:00Z",
            "cron": "*/5 * * * *",
        }
        assert trace.output == "hello"
        # a second server (another scheduler) on the same database sees the slot taken
        other = Scheduler(rt, tick_s=60)
        assert await other.tick(now + 20) == []
        # a schedule created after the latest slot waits for the next one
        late = store.add("*/5 * * * *", "later")
        store.db.connection().execute("UPDATE schedules SET created_at = ? WHERE id = ?", (now, late.id))
        assert await other.tick(now + 30) == []
        assert await other.tick(1767226200.0) == [(sched.id, 1767226200), (late.id, 1767226200)]
        await other.close()


# ---------------------------------------------------------------- the CLI


def _cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    return result.exit_code, result.stdout, result.stderr


def test_schedule_add_list_remove_through_the_cli(tmp_path: Path) -> None:
    ws = str(tmp_path / "ws")
    assert _cli("init", ws)[0] == 0
    code, out, err = _cli("schedule", "add", "0 9 * * 1-5", "Summarise the logs", "-w", ws, "--json")
    assert code == 0, err
    sched = one_json(out)
    assert sched["cron"] == "0 9 * * 1-5" and sched["goal"] == "Summarise the logs" and sched["next_at"].endswith("Z")

    code, out, _ = _cli("schedule", "list", "-w", ws, "--json")
    rows = one_json(out)["schedules"]
    assert code == 0 and [r["id"] for r in rows] == [sched["id"]] and rows[0]["last_fire"] is None
    code, out, _ = _cli("schedule", "list", "-w", ws)
    assert code == 0 and sched["id"] in out and "Summarise the logs" in out

    code, out, err = _cli("schedule", "add", "* * * * *", "x", "--agent", "nobody", "-w", ws)
    assert code == 2 and "unknown agent 'nobody'" in err
    code, out, err = _cli("schedule", "add", "* * * * *", "x", "--tz", "Mars/Base", "-w", ws)
    assert code == 2 and "unknown time zone 'Mars/Base'" in err

    code, out, _ = _cli("schedule", "remove", sched["id"], "-w", ws)
    assert code == 0 and sched["id"] in out
    assert one_json(_cli("schedule", "list", "-w", ws, "--json")[1]) == {"schedules": []}
    code, _, err = _cli("schedule", "remove", sched["id"], "-w", ws)
    assert code == 2 and "no schedule with id" in err


def test_a_bad_cron_expression_exits_2_naming_the_field(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    assert _cli("init", str(ws))[0] == 0
    bad = llmos_cli("schedule", "add", "0 9 * * mon-fry", "x", "-w", str(ws))  # the real command, a real exit code
    assert bad.returncode == 2 and bad.stdout == ""
    assert "invalid cron expression '0 9 * * mon-fry'" in bad.stderr and "day of week field 'mon-fry'" in bad.stderr
    assert _cli("schedule", "list", "-w", str(ws), "--json")[1].strip() == '{"schedules": []}'  # nothing stored


@pytest.mark.slow
def test_two_servers_on_one_database_fire_each_slot_exactly_once(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    assert llmos_cli("init", str(ws)).returncode == 0
    with (ws / "llmos.toml").open("a") as f:
        f.write("\n[server]\nschedule_tick_s = 0.05\n")
    added = llmos_cli("schedule", "add", "* * * * * *", "Say hello", "-w", str(ws), "--json")  # every second
    assert added.returncode == 0, added.stderr
    sched_id = one_json(added.stdout)["id"]
    fires, traces = _two_servers_firing(ws, ws, sched_id, wait_s=30)
    finished = [f for f in fires if f.run_id]
    assert len(finished) >= 4, json.dumps([f.to_dict() for f in fires])
    slots = [t.metadata["schedule"]["slot"] for t in traces]
    assert len(slots) == len(set(slots)), f"a slot fired twice: {sorted(slots)}"  # exactly once
    assert {f.run_id for f in finished} <= {t.id for t in traces}
    assert all(t.metadata["schedule"]["id"] == sched_id for t in traces)
    assert all(t.status in ("success", "cancelled") for t in traces if t.ended_at)  # cancelled: at shutdown
    owners = {f.owner for f in fires}
    assert len(owners) <= 2


async def test_a_slot_due_while_the_previous_run_still_runs_here_is_not_claimed_here(tmp_path: Path) -> None:
    release = asyncio.Event()

    class Held:
        provider, name = "test", "held"

        async def request(self, request: ModelRequest) -> ModelResponse:
            await release.wait()
            response: ModelResponse = await answer("done").request(request)
            return response

    async with LLMOS(workspace=tmp_path, config=quiet_config(), model=Held()) as rt:  # type: ignore[arg-type]
        assert rt.db is not None
        store = ScheduleStore(rt.db)
        sched = store.add("*/5 * * * *", "a long job")
        store.db.connection().execute("UPDATE schedules SET created_at = ? WHERE id = ?", (1767220000, sched.id))
        scheduler = Scheduler(rt, tick_s=60)
        assert await scheduler.tick(1767226050.0) == [(sched.id, 1767225900)]
        assert await scheduler.tick(1767226210.0) == []  # 00:10 is due, 00:05 still runs here
        release.set()
        await scheduler.close()
        assert [f.slot for f in store.fires(sched.id)] == [1767225900]  # 00:10 was left (to another server)
        assert await scheduler.tick(1767226510.0) == [(sched.id, 1767226500)]  # the next one fires again
        await scheduler.close()


@pytest.mark.slow
def test_two_servers_on_one_postgresql_fire_each_slot_exactly_once(tmp_path: Path, pg_url: str) -> None:
    """The same on PostgreSQL: two workspace folders (one per server), one `[storage] url`."""
    folders = [tmp_path / "a", tmp_path / "b"]
    for ws in folders:
        assert llmos_cli("init", str(ws)).returncode == 0
        with (ws / "llmos.toml").open("a") as f:
            f.write(f'\n[server]\nschedule_tick_s = 0.05\n\n[storage]\nurl = "{pg_url}"\n')
    added = llmos_cli("schedule", "add", "* * * * * *", "Say hello", "-w", str(folders[0]), "--json")
    assert added.returncode == 0, added.stderr
    sched_id = one_json(added.stdout)["id"]
    listed = llmos_cli("schedule", "list", "-w", str(folders[1]), "--json")  # the other folder sees it
    assert sched_id in listed.stdout, listed.stdout + listed.stderr
    fires, traces = _two_servers_firing(folders[0], folders[1], sched_id, wait_s=60)
    finished = [f for f in fires if f.run_id]
    assert len(finished) >= 4, json.dumps([f.to_dict() for f in fires])
    slots = [t.metadata["schedule"]["slot"] for t in traces]
    assert len(slots) == len(set(slots)), f"a slot fired twice: {sorted(slots)}"  # exactly once
    assert {f.run_id for f in finished} <= {t.id for t in traces}
    assert len({f.slot for f in fires}) == len(fires)


def _two_servers_firing(first: Path, second: Path, sched_id: str, *, wait_s: float) -> tuple[list[Any], list[Any]]:
    """Serve `first` and `second` (one database) until 4 slots of `sched_id` ran (or `wait_s`), stop
    both cleanly; then the schedule's fires and the scheduled runs' traces, read through the factory."""
    with cli_server(first) as a, cli_server(second) as b:
        assert a.url and b.url, a.log + b.log
        db = open_database(first, load_config(first))
        try:
            store = ScheduleStore(db)
            deadline = time.monotonic() + wait_s
            while time.monotonic() < deadline and len([f for f in store.fires(sched_id) if f.run_id]) < 4:
                time.sleep(0.2)
        finally:
            db.close()
        a.proc.terminate()
        b.proc.terminate()
        assert a.proc.wait(30) == 0 and b.proc.wait(30) == 0, a.log + b.log
    db = open_database(first, load_config(first))
    try:
        fires = ScheduleStore(db).fires(sched_id, limit=1000)
        traces = [t for t in TraceStore(db).list(limit=1000) if "schedule" in t.metadata]
    finally:
        db.close()
    return fires, traces
