"""Bash arrays, positional parameters and function arguments build commands the policy must see
(tests/policy_corpus_arrays.py: the family, held-out probes paired with their plain command, and
ordinary uses that must stay allowed). The policy only parses; nothing is executed."""

from __future__ import annotations

import pytest

from llmos.config import SecurityConfig
from llmos.kernel.policy import SecurityPolicy
from tests.policy_corpus_arrays import ARRAY_FAMILY, BENIGN_ARRAYS, HELD_OUT_ARRAYS


@pytest.fixture(scope="module")
def policy(tmp_path_factory: pytest.TempPathFactory) -> SecurityPolicy:
    ws = tmp_path_factory.mktemp("arrays") / "ws"
    ws.mkdir()
    return SecurityPolicy(ws, SecurityConfig())


@pytest.mark.parametrize(("command", "decision", "rule"), ARRAY_FAMILY, ids=[c for c, _, _ in ARRAY_FAMILY])
def test_the_family(policy: SecurityPolicy, command: str, decision: str, rule: str) -> None:
    d = policy.check("run_command", {"command": command})
    assert (d.decision, d.rule) == (decision, rule), d.reason


@pytest.mark.parametrize(("probe", "plain"), HELD_OUT_ARRAYS, ids=[p for p, _ in HELD_OUT_ARRAYS])
def test_held_out_probes_are_blocked_like_the_plain_command(policy: SecurityPolicy, probe: str, plain: str) -> None:
    built = policy.check("run_command", {"command": probe})
    direct = policy.check("run_command", {"command": plain})
    assert direct.decision != "allow", f"the plain command {plain!r} is not blocked: {direct.reason}"
    if direct.decision == "deny":
        assert built.decision == "deny", built.reason
    else:
        assert built.decision != "allow", built.reason


@pytest.mark.parametrize("command", BENIGN_ARRAYS)
def test_ordinary_uses_stay_allowed(policy: SecurityPolicy, command: str) -> None:
    d = policy.check("run_command", {"command": command})
    assert d.decision == "allow", d.reason


@pytest.mark.parametrize(
    "command",
    [
        # what is not followed exactly is unknown, so asked about (never allowed)
        'a=(x rm -rf /); unset "a[0]"; "${a[@]}"',
        'mapfile -t a < <(printf "%s\\n" rm -rf /); "${a[@]}"',
        'i=1; a=(ls rm); "${a[$i]}" -rf',
    ],
)
def test_untracked_arrays_are_not_allowed(policy: SecurityPolicy, command: str) -> None:
    assert policy.check("run_command", {"command": command}).decision != "allow"


def test_pseudo_command_names_are_reserved(policy: SecurityPolicy) -> None:
    d = policy.check("run_command", {"command": "__llmos_array_set__ a rm -rf /"})
    assert d.decision == "deny" and "reserved" in d.reason


def test_array_words_are_expanded_like_any_word(policy: SecurityPolicy) -> None:
    d = policy.check("run_command", {"command": 'r=r; a=("${r}m" -rf /); "${a[@]}"'})
    assert (d.decision, d.rule) == ("deny", "shell.root_deletion")
