"""Round k9 of the shell policy (tests/policy_corpus_runners.py): code fed to an interpreter by a
here-string, a process substitution, a variable or a file; programs that run their arguments.
Nothing here executes a command: the policy only parses and analyses text."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmos.config import SecurityConfig
from llmos.kernel.policy import SecurityPolicy
from tests.policy_corpus_runners import BENIGN_FED, FED


@pytest.fixture(scope="module")
def policy(tmp_path_factory: pytest.TempPathFactory) -> SecurityPolicy:
    ws: Path = tmp_path_factory.mktemp("runners") / "ws"
    (ws / ".llmos").mkdir(parents=True)
    (ws / ".llmos" / "llmos.db").write_text("")
    (ws / "llmos.toml").write_text("")
    return SecurityPolicy(ws, SecurityConfig())


@pytest.mark.parametrize(("command", "decision", "rule"), FED, ids=[repr(c)[:60] for c, _, _ in FED])
def test_code_fed_to_an_interpreter_keeps_its_origin(
    policy: SecurityPolicy, command: str, decision: str, rule: str
) -> None:
    d = policy.check("run_command", {"command": command})
    assert (d.decision, d.rule) == (decision, rule), d.reason


@pytest.mark.parametrize("command", BENIGN_FED, ids=[repr(c)[:60] for c in BENIGN_FED])
def test_ordinary_here_strings_and_substitutions_are_allowed(policy: SecurityPolicy, command: str) -> None:
    d = policy.check("run_command", {"command": command})
    assert d.decision == "allow", (d.rule, d.reason)
