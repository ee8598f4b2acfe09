"""SentienceHook: the policy applied to every tool call, in every execution mode.

- destructive operations are denied while `policy.block_destructive` holds (RECOVERY), and ask for
  confirmation while `policy.confirm_destructive` holds (CAUTIOUS, low safety);
- shell commands (`kind == "shell"`) ask for confirmation while `policy.confirm_shell` holds;
- file writes (`kind == "file_write"`) ask while `policy.confirm_writes` holds.

Every reason names the latent mode and how to leave it (`llmos state reset`), so a run that is
refused never leaves the user guessing. Ordinary shell commands are never refused by the state.

Disabled sentience (or a neutral policy) allows everything: the hook returns None.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from llmos.kernel.hooks import Hook, HookDecision, ToolUseEvent

if TYPE_CHECKING:
    from llmos.kernel.context import RunContext
    from llmos.sentience.service import Sentience

_DESTRUCTIVE_SHELL = re.compile(
    r"""(
        \brm\s+(?:-[^\s]*[rRf]|--recursive|--force)    # rm -r / -f / -rf
      | \brmdir\b | \bshred\b | \bwipefs\b | \bmkfs(?:\.\w+)?\b | \bfdisk\b
      | \bdd\b[^|;&]*\bof=                             # dd onto a file or device
      | >\s*/dev/(?:sd|nvme|hd|vd)                     # redirect onto a disk
      | \bchmod\s+-R\b | \bchown\s+-R\b
      | \bgit\s+(?:reset\s+--hard|clean\s+-[^\s]*f|push\s+(?:[^|;&]*\s)?(?:--force|-f)\b)
      | \bfind\b[^|;&]*\s-delete\b
      | \btruncate\s+-s\s*0\b
      | \b(?:drop|truncate)\s+(?:table|database|schema)\b
      | \bdelete\s+from\s+\w+\s*(?:;|$)                # DELETE without WHERE
      | :\(\)\s*\{\s*:\s*\|\s*:\s*&\s*\}\s*;\s*:       # fork bomb
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_DESTRUCTIVE_TOOL = re.compile(r"(?:^|[_.:-])(?:delete|remove|rm|rmdir|unlink|purge|wipe|destroy|drop)(?:$|[_.:-])")


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)


def destructive_reason(event: ToolUseEvent) -> str | None:
    """Why this call is destructive, or None. Looks at shell text and at delete-like tool names."""
    if _DESTRUCTIVE_TOOL.search(event.tool.lower()) and event.kind in ("file_write", "shell", "function"):
        return f"tool {event.tool!r} deletes data"
    if event.kind == "shell" or event.tool in ("bash", "shell", "run_command", "sh"):
        for text in _strings(event.arguments):
            m = _DESTRUCTIVE_SHELL.search(text)
            if m:
                return f"destructive command ({m.group(0).strip()!r})"
    return None


POLICY_MARK = "while latent mode"  # in every reason this hook gives (so its own asks are not near misses)
RESET_HINT = "`llmos state reset -w WORKSPACE` returns the internal state to BALANCED"


class SentienceHook(Hook):
    """Applies `Sentience.policy()` before every tool call."""

    name = "sentience"

    def __init__(self, sentience: Sentience) -> None:
        self.sentience = sentience

    async def pre_tool_use(self, ctx: RunContext, event: ToolUseEvent) -> HookDecision | None:
        return self.decide(event)

    def decide(self, event: ToolUseEvent) -> HookDecision | None:
        """The verdict without a run context (also used by tests and `llmos state`)."""
        if not self.sentience.enabled:
            return None
        policy = self.sentience.policy()
        if policy.neutral:
            return None
        why = f"{POLICY_MARK} {policy.mode}"
        if policy.block_destructive or policy.confirm_destructive:
            reason = destructive_reason(event)
            if reason and policy.block_destructive:
                return HookDecision.deny(f"{reason}: blocked {why} (safety is low); {RESET_HINT}")
            if reason:
                return HookDecision.ask(f"{reason}: destructive operations need confirmation {why}; {RESET_HINT}")
        if event.kind == "shell" and policy.confirm_shell:
            return HookDecision.ask(f"shell commands need confirmation {why}; {RESET_HINT}")
        if event.kind == "file_write" and policy.confirm_writes:
            return HookDecision.ask(f"file writes need confirmation {why}; {RESET_HINT}")
        return None
