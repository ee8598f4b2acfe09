"""The shipped test model never claims success for work it did not do (issue 9, rule 7): a goal that
names a file, an absolute or home path or a command, for which no tool call was made, ends in an
honest give-up, and the run fails; `llmos run --json` says so."""

from __future__ import annotations

from pathlib import Path

import pytest
from runtime_support import llmos_cli, one_json

from llmos.models._testagent import names_work, summary


@pytest.mark.parametrize(
    "goal",
    [
        "read the file /etc/hostname",
        "show what is in ~/notes",
        "list the directory /srv/data/",
        "summarise ../shared/report.md",
        "count the lines of `wc -l` output",
    ],
)
def test_a_goal_naming_work_with_no_call_made_is_a_give_up(goal: str) -> None:
    assert names_work(goal)
    assert summary(goal, []).startswith("I could not do this:")


@pytest.mark.parametrize("goal", ["Say hi", "what is 10/2", "and/or, which one?", "hello there"])
def test_a_message_with_nothing_to_act_on_is_a_reply(goal: str) -> None:
    assert not names_work(goal)
    assert not summary(goal, []).startswith("I could not")


def test_llmos_run_json_fails_honestly_on_an_absolute_path_no_tool_fits(tmp_path: Path) -> None:
    (tmp_path / "llmos.toml").write_text("")
    proc = llmos_cli("run", "read the file /etc/hostname", "-w", str(tmp_path), "--model", "test", "--json")
    data = one_json(proc.stdout)
    assert proc.returncode != 0
    assert data["success"] is False and data["status"] == "failed"
    assert "gave up" in data["error"] and "no tool fits" in data["output"]
    ok = llmos_cli("run", "Say hi", "-w", str(tmp_path), "--model", "test", "--json")
    assert ok.returncode == 0 and one_json(ok.stdout)["success"] is True
