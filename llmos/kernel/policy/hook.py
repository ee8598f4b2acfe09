"""The security policy as a PreToolUse hook, for every tool call in every mode."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from llmos.config import SecurityConfig
from llmos.kernel.hooks import Hook, HookDecision, ToolUseEvent
from llmos.kernel.policy.rules import DEFAULT_ALLOW, SecurityPolicy

if TYPE_CHECKING:
    from llmos.kernel.context import RunContext


class SecurityHook(Hook):
    """Asks the `SecurityPolicy` about each tool call; records every non-trivial decision in the trace."""

    name = "security"

    def __init__(self, policy: SecurityPolicy) -> None:
        self.policy = policy

    @classmethod
    def for_workspace(cls, workspace: Path | str, config: SecurityConfig | None = None) -> SecurityHook:
        return cls(SecurityPolicy(Path(workspace), config))

    async def pre_tool_use(self, ctx: RunContext, event: ToolUseEvent) -> HookDecision:
        d = self.policy.check(event.tool, event.arguments, event.kind or None)
        if d.decision != "allow" or d.rule != DEFAULT_ALLOW:
            ctx.trace.event(
                "policy",
                tool=event.tool,
                decision=d.decision,
                reason=d.reason,
                rule=d.rule,
                source=event.source,
            )
        return HookDecision(d.decision, d.reason)
