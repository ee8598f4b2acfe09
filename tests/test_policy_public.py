"""The shell policy on other agent tools' public test strings (tests/policy_corpus_public.py) and on
the probes written after the fixes. Nothing here executes a command: the policy only parses."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmos.config import SecurityConfig
from llmos.kernel.policy import SecurityPolicy
from llmos.kernel.policy.heredocs import quoted_delimiters, substitutions
from llmos.kernel.policy.paths import landing
from tests.policy_corpus_public import PUBLIC, PUBLIC_PROBES

CASES = [(c, e) for c, e, _ in PUBLIC] + PUBLIC_PROBES


@pytest.fixture(scope="module")
def policy(tmp_path_factory: pytest.TempPathFactory) -> SecurityPolicy:
    ws = tmp_path_factory.mktemp("public") / "ws"
    (ws / ".llmos").mkdir(parents=True)
    (ws / ".llmos" / "llmos.db").write_text("")
    (ws / "llmos.toml").write_text("")
    return SecurityPolicy(ws, SecurityConfig())


@pytest.mark.parametrize(("command", "expected"), CASES, ids=[repr(c)[:60] for c, _ in CASES])
def test_public_corpus(policy: SecurityPolicy, command: str, expected: str) -> None:
    d = policy.check("run_command", {"command": command})
    if expected == "ask":
        assert d.decision in ("ask", "deny"), (d.rule, d.reason)
    else:
        assert d.decision == expected, (d.rule, d.reason)
    assert d.reason


def test_every_public_case_names_its_source() -> None:
    for command, expected, source in PUBLIC:
        assert expected in ("deny", "ask", "allow"), command
        assert "/" in source.split(" ")[0] and " " in source, source  # owner/repo path


def test_the_corpora_keep_both_directions() -> None:
    sources = {s.split(" ")[0] for _, _, s in PUBLIC}
    assert len(sources) >= 4
    for name in sources:
        verdicts = {e for c, e, s in PUBLIC if s.startswith(name)}
        assert verdicts & {"deny", "ask"}, name


def test_a_blocked_public_case_says_which_rule(policy: SecurityPolicy) -> None:
    d = policy.check("run_command", {"command": "vault kv destroy -versions=1-3 secret/myapp/config"})
    assert (d.decision, d.rule) == ("ask", "shell.cloud_delete")
    d = policy.check("run_command", {"command": "osascript -e 'do shell script \"rm -rf /Users/x/Documents\"'"})
    assert d.decision == "deny" and "rm -rf /Users/x/Documents" in d.reason


def test_here_document_substitutions() -> None:
    assert substitutions("a $(rm -rf ~) b `git reset --hard` \\$(not) $((1+2))") == ["rm -rf ~", "git reset --hard"]
    assert substitutions("$(( 1 + $(id) ))") == ["id"]
    assert quoted_delimiters("cat <<'EOF'\nx\nEOF\ncat <<\\DOC\ny\nDOC") == {"EOF", "DOC"}
    assert quoted_delimiters("cat <<'EOF'\nx\nEOF\ncat <<EOF\n$(id)\nEOF") == set()  # unquoted too: read


def test_landing_in_a_directory() -> None:
    assert landing("./", ["src/a.py"], False) == ["./a.py"]
    assert landing("/tmp", ["a", "b/"], False) == ["/tmp/a", "/tmp/b"]
    assert landing("out", ["a"], True) == ["out/a"]
    assert landing("copy.txt", ["a"], False) == ["copy.txt"]
    assert landing("/etc/", ["."], False) == ["/etc/"]


def test_cp_into_the_workspace_root_is_ordinary(policy: SecurityPolicy, tmp_path: Path) -> None:
    assert policy.check("run_command", {"command": "cp -r ../shared/docs ."}).decision == "allow"
    assert policy.check("run_command", {"command": "cp ../other/llmos.toml ./"}).rule == "shell.control_plane"
