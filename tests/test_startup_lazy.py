"""Start-up stays light (issue 11/12): `llmos run` imports no sub-command group, a group loads when
used or listed, and bm25s comes without scipy. Checked on the modules a fresh interpreter loads,
never on timings (bench/startup.py measures those)."""

from __future__ import annotations

import json
import subprocess
import sys

from typer.testing import CliRunner

from llmos.cli import app
from llmos.cli._lazy import GROUPS


def _fresh(code: str) -> str:
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    return proc.stdout


def test_importing_the_cli_loads_no_group_module() -> None:
    out = _fresh(
        "import json, sys\n"
        "import llmos.cli\n"
        "from llmos.cli._lazy import GROUPS\n"
        "print(json.dumps(sorted({m for m, _ in GROUPS.values()} & set(sys.modules))))\n"
    )
    assert json.loads(out) == []


def test_every_group_is_listed_and_runs() -> None:
    runner = CliRunner()
    listed = runner.invoke(app, ["--help"], terminal_width=200)
    assert listed.exit_code == 0, listed.output
    for name in ("traces", "policy", "tools", "agents", "state", "plans", "evolve", "memory", "sessions", "mcp"):
        assert name in GROUPS
        assert f" {name} " in listed.output, name
    sub = runner.invoke(app, ["sessions", "--help"])
    assert sub.exit_code == 0 and "Conversations" in sub.output


def test_a_typo_still_suggests_a_group() -> None:
    result = CliRunner().invoke(app, ["tool"])
    assert result.exit_code != 0
    assert "Did you mean 'tools'" in result.output


def test_bm25s_is_imported_without_scipy() -> None:
    out = _fresh(
        "import json, sys\n"
        "from llmos.ranking._bm25 import import_bm25s\n"
        "bm25s = import_bm25s()\n"
        "print(json.dumps(['scipy.sparse' in sys.modules, bm25s.BM25 is not None]))\n"
    )
    assert json.loads(out) == [False, True]


def test_tool_search_ranks_after_the_light_import() -> None:
    from llmos.tools._search_rank import Doc, Ranker

    docs = [Doc("write_file", "Write text to a file"), Doc("list_dir", "List a directory")]
    ranked = Ranker(docs).rank("write a file", 2)
    assert ranked and ranked[0][0] == 0
