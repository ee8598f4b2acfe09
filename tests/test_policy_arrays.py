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
        'i=1; a=(ls rm); "${a[$i]}" -rf',
        'a=(rm -rf / x); unset a[3]; "${a[@]}"',  # unquoted: bash may glob it to a file `a3`
        'a=(x rm -rf /); unset "a[$i]"; "${a[@]}"',
        'mapfile -t a < <(echo rm; echo -rf; echo /); "${a[@]}"',  # a list: only its last output is known
        'mapfile -t a < <(printf "%.2s\\n" rmxx -rf /); "${a[@]}"',  # not a plain %s
        'mapfile a < <(printf "%s\\n" rm -rf /); "${a[@]}"',  # no -t: each element ends with a newline
        'set -- x rm -rf /; shift $n; "$@"',
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


@pytest.mark.parametrize(
    ("command", "rule"),
    [
        ('a=(x rm -rf /); unset "a[0]"; "${a[@]}"', "shell.root_deletion"),
        ('mapfile -t a < <(printf "%s\\n" rm -rf /); "${a[@]}"', "shell.root_deletion"),
        ('readarray -t a < <(printf "%s\\n" rm -rf /); "${a[@]}"', "shell.root_deletion"),
        ('run() { "$@"; }; run rm -rf /', "shell.root_deletion"),
        ('function run { "$@"; }; run rm -rf /', "shell.root_deletion"),
    ],
)
def test_the_last_ask_cases_get_the_real_verdict(policy: SecurityPolicy, command: str, rule: str) -> None:
    d = policy.check("run_command", {"command": command})
    assert (d.decision, d.rule) == ("deny", rule), d.reason
    assert "and 1 more problem" not in d.reason  # no leftover "unknown command" from the definition


def test_a_sparse_array_expands_to_its_set_elements(policy: SecurityPolicy) -> None:
    """`unset 'a[2]'` keeps the other indexes: "${a[@]}" skips it, "${a[2]}" is empty."""
    removed = 'a=(rm -rf / build); unset "a[2]"; '
    assert policy.check("run_command", {"command": removed + '"${a[@]}"'}).decision == "allow"
    assert policy.check("run_command", {"command": removed + 'rm -rf "${a[3]}"'}).decision == "allow"
    assert policy.check("run_command", {"command": removed + 'a+=(/); "${a[@]}"'}).decision == "deny"
    assert policy.check("run_command", {"command": 'a=(x); a[3]=y; echo "${a[@]}"'}).decision == "allow"
