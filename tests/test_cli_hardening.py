"""Issue 11 (CLI part): one JSON object on every failure, readable messages, no stray workspaces,
export formats, size limits."""

from __future__ import annotations

from pathlib import Path

import pytest
from runtime_support import llmos_cli, one_json
from typer.testing import CliRunner

from llmos._text import plural
from llmos.cli import app
from llmos.cli._export import export_format
from llmos.exceptions import UserError
from llmos.limits import MAX_GOAL_CHARS

runner = CliRunner()


def _failed_json(ws: Path, *args: str, goal: str = "Say hi") -> tuple[dict[str, object], str]:
    proc = llmos_cli("run", goal, "-w", str(ws), "--json", *args)
    assert proc.returncode == 2, proc.stderr
    data = one_json(proc.stdout)
    assert data["success"] is False and data["status"] == "error"
    assert isinstance(data["error"], str) and data["error"]
    assert "error:" in proc.stderr  # a person sees it too
    return data, proc.stderr


def test_run_json_unknown_mode(tmp_path: Path) -> None:
    data, _ = _failed_json(tmp_path, "--model", "test", "--mode", "bogus")
    assert "unknown mode 'bogus'" in str(data["error"])


def test_run_json_missing_key_keeps_brackets(tmp_path: Path) -> None:
    data, err = _failed_json(tmp_path, "--model", "anthropic:claude-sonnet-4-5")
    assert "ANTHROPIC_API_KEY" in str(data["error"])
    # rich markup must not eat `[model] api_key_env`-like words in the message
    assert "[model]" in str(data["error"]) and "[model]" in err.replace("\n", " ")


def test_run_json_bad_config(tmp_path: Path) -> None:
    (tmp_path / "llmos.toml").write_text('[budget]\ntotal_usd = "lots"\n')
    data, _ = _failed_json(tmp_path, "--model", "test")
    assert "total_usd" in str(data["error"])


def test_run_json_goal_too_long(tmp_path: Path) -> None:
    data, _ = _failed_json(tmp_path, "--model", "test", goal="x" * (MAX_GOAL_CHARS + 1))
    assert "too long" in str(data["error"]) and "MAX_GOAL_CHARS" in str(data["error"])
    assert not (tmp_path / ".llmos").exists()  # refused before anything was opened


def test_serve_help_shows_brackets() -> None:
    res = runner.invoke(app, ["serve", "--help"], env={"COLUMNS": "200"})
    assert res.exit_code == 0
    assert "(default: [server] host)" in res.output and "(default: [server] port)" in res.output


@pytest.mark.parametrize(
    "args",
    [
        ["stats"],
        ["budget"],
        ["traces", "list"],
        ["traces", "show", "run_x"],
        ["plans", "list"],
        ["state"],
        ["state", "history"],
        ["tools", "list"],
        ["evolve", "list"],
    ],
)
def test_read_only_commands_never_create_a_workspace(tmp_path: Path, args: list[str]) -> None:
    typo = tmp_path / "typo-ws"
    res = runner.invoke(app, [*args, "-w", str(typo)], env={"COLUMNS": "200"})
    assert res.exit_code == 2, res.output
    assert not typo.exists()
    assert "does not exist" in res.output and str(typo) in res.output.replace("\n", "")


def test_read_only_command_refuses_a_plain_directory(tmp_path: Path) -> None:
    res = runner.invoke(app, ["stats", "-w", str(tmp_path)], env={"COLUMNS": "200"})
    assert res.exit_code == 2 and "not an LLM OS workspace" in res.output
    assert not (tmp_path / ".llmos").exists()


def test_export_format_from_suffix(tmp_path: Path) -> None:
    assert export_format(Path("a.json")) == "json"
    assert export_format(Path("a.MD")) == "markdown"
    assert export_format(Path("a.html")) == "html"
    with pytest.raises(UserError, match=r"\.html"):
        export_format(Path("a.pdf"))


def test_traces_export_html_json_md_and_refusal(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    goal = "Say hi <script>alert(1)</script> [bold]x[/bold]"
    proc = llmos_cli("run", goal, "-w", str(ws), "--model", "test", "--json")
    run_id = one_json(proc.stdout)["run_id"]
    for name in ("t.html", "t.json", "t.md"):
        res = runner.invoke(app, ["traces", "export", run_id, "-o", str(tmp_path / name), "-w", str(ws)])
        assert res.exit_code == 0, res.output
    page = (tmp_path / "t.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "<h1>" in page and "</html>" in page
    assert "<script>" not in page and "&lt;script&gt;" in page  # goals are text, never markup
    assert (tmp_path / "t.json").read_text().lstrip().startswith("{")
    assert (tmp_path / "t.md").read_text().startswith("# Run ")
    res = runner.invoke(app, ["traces", "export", run_id, "-o", str(tmp_path / "t.pdf"), "-w", str(ws)])
    assert res.exit_code == 2 and "suffix" in res.output and not (tmp_path / "t.pdf").exists()
    # the human rendering of a run shows the goal's brackets and a singular count
    human = llmos_cli("run", "Say hi [bold]x[/bold]", "-w", str(ws), "--model", "test")
    assert "1 model call ·" in human.stdout


def test_plural() -> None:
    assert plural(1, "model call") == "1 model call"
    assert plural(2, "model call") == "2 model calls"
    assert plural(1, "byte") == "1 byte" and plural(0, "byte") == "0 bytes"
    assert plural(2, "entry", "entries") == "2 entries"
