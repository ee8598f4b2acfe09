"""The `[INTERNAL_STATE]` block the agent loop adds to the system prompt (never in replay)."""

from __future__ import annotations

from llmos.sentience.modes import LatentMode
from llmos.sentience.policy import Policy
from llmos.sentience.valence import DIMENSIONS, Valence

GUIDANCE: dict[LatentMode, str] = {
    LatentMode.BALANCED: "Work normally: follow proven approaches; try new ones when clearly better.",
    LatentMode.AUTO_CREATIVE: (
        "Curious and confident: consider alternative approaches and new tools, "
        "and note reusable patterns; stay within the goal and the budget."
    ),
    LatentMode.AUTO_CONTAINED: (
        "This work is routine: use the shortest proven approach and existing tools; "
        "do not explore or elaborate beyond what the goal needs."
    ),
    LatentMode.CAUTIOUS: (
        "Recent actions were risky or denied: prefer read-only steps, check before changing anything, "
        "explain any write or shell command you need, and never run destructive operations."
    ),
    LatentMode.RECOVERY: (
        "Recovering from failures or overload: do the minimum that completes the goal safely, "
        "with as few tool calls as possible; prefer read-only and dry-run steps; stop and report if unsure."
    ),
}


def render_prompt_block(v: Valence, mode: LatentMode, policy: Policy) -> str:
    values = " ".join(f"{d}={v.get(d):+.2f}" for d in DIMENSIONS)
    lines = [
        "[INTERNAL_STATE]",
        f"valence: {values}",
        f"latent_mode: {mode.value}",
        f"guidance: {GUIDANCE[mode]}",
    ]
    rules = []
    if policy.confirm_writes and policy.confirm_shell:
        rules.append("file writes and shell commands need confirmation")
    elif policy.confirm_writes:
        rules.append("file writes need confirmation")
    elif policy.confirm_shell:
        rules.append("shell commands need confirmation")
    if policy.block_destructive:
        rules.append("destructive operations are blocked")
    elif policy.confirm_destructive:
        rules.append("destructive operations need confirmation")
    if policy.prefer_dry_run:
        rules.append("prefer dry runs")
    if rules:
        lines.append("constraints: " + "; ".join(rules) + ".")
    lines.append("[/INTERNAL_STATE]")
    return "\n".join(lines)
