"""The verdict types of the security policy and the rule classes they come from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Verdict = Literal["allow", "deny", "ask"]


def words(*lines: str) -> frozenset[str]:
    """A set of names written as whitespace-separated lines."""
    return frozenset(w for line in lines for w in line.split())


def patterns(*lines: str) -> tuple[str, ...]:
    """An ordered tuple of names or glob patterns written as whitespace-separated lines."""
    return tuple(w for line in lines for w in line.split())


# Rule classes that nothing in the configuration can override (extra_allow never applies):
# the catastrophic classes, plus credential access, read-only mode and unparseable commands.
NON_OVERRIDABLE = words(
    "shell.root_deletion shell.disk_wipe shell.fork_bomb shell.reverse_shell shell.download_exec",
    "shell.obfuscated_exec shell.privilege_escalation shell.credential_write shell.credential_read",
    "shell.parse_error shell.read_only file.credential file.read_only file.invalid",
    "shell.control_plane file.control_plane shell.exfiltration shell.destructive_code shell.deferred_exec",
    "shell.disable_protection shell.odd_host",
)

# The order in which deny findings are reported when a command has several.
_RANK = patterns(
    "shell.parse_error shell.root_deletion shell.disk_wipe shell.fork_bomb shell.reverse_shell",
    "shell.download_exec shell.obfuscated_exec shell.destructive_code shell.exfiltration",
    "shell.credential_write shell.credential_read shell.control_plane shell.deferred_exec",
    "shell.disable_protection shell.privilege_escalation shell.git_destructive shell.system_control",
    "shell.read_only",
)


@dataclass(frozen=True)
class PolicyDecision:
    """What the policy says about one tool call: allow, deny or ask (a person must confirm)."""

    decision: Verdict
    reason: str
    rule: str

    @property
    def allowed(self) -> bool:
        return self.decision == "allow"


@dataclass(frozen=True)
class Finding:
    """One problem found in a tool call; `subject` is the normalised command it came from."""

    decision: Literal["deny", "ask"]
    rule: str
    reason: str
    subject: str = ""

    @property
    def overridable(self) -> bool:
        return self.rule not in NON_OVERRIDABLE


def rank(f: Finding) -> tuple[int, int]:
    """Sort key: denies before asks, the most severe class first."""
    order = _RANK.index(f.rule) if f.rule in _RANK else len(_RANK)
    return (0 if f.decision == "deny" else 1, order)
