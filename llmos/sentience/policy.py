"""The cognitive kernel: from latent mode and valence to a concrete policy the runtime obeys.

What reads what:
- mode selection: `follower_threshold_delta`, `mixed_threshold_delta`, `min_support_delta`,
  `allow_mixed`, `require_well_supported`, `prefer_crystallized`, `prefer_cheap_modes`
  (`suggest_mode` below is the reference reading);
- mode selection also: `prefer_crystallized` waives the policy's extra evidence for a plan that has
  a crystallized tool (`execution/crystal_first.py`);
- orchestration (`execution/orchestration/`): `orchestration_threshold_delta` (positive: decompose
  less often), `prefer_cheap_modes` (combine without a model call), `prefer_safe_modes` (one subtask
  at a time), `allow_exploration` and `allow_self_modification` (a plan may not create agents);
- budgets: `exploration_budget_multiplier`;
- the SentienceHook: `confirm_destructive`, `block_destructive`, `confirm_writes`, `confirm_shell`;
- evolution: `allow_self_modification`.

Safety only tightens: in CAUTIOUS and RECOVERY every threshold delta is >= 0; when safety is low (below
`cautious_safety`) mixed mode is off and a replay needs a well-supported plan; lowering safety never loosens
any field.

RECOVERY entered on energy alone (spending, timeouts; safety not low) is not a safety event: its remedy is
cheaper work, and replay is the cheap path. It keeps the safety measures of RECOVERY (destructive operations
blocked, no exploration or self-modification) but asks no more replay evidence than BALANCED: the replay
rules decide what is safe to replay, and being tired does not change them.

The state never locks a user out: an "ask" with nobody there to answer (a server run, a script) is a
denial, so a mode only ever adds friction to destructive operations: CAUTIOUS asks before them,
RECOVERY blocks them. Ordinary writes, shell commands and tool calls are never gated by the state
(unannotated MCP tools count as writes: gating writes would gate every call).
`confirm_shell` (every shell command asks) is never set by a mode; it stays for configurations and
callers that want it. Every verdict of the hook names the mode and `llmos state reset`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from llmos.sentience.modes import MODE_THRESHOLDS, LatentMode
from llmos.sentience.valence import Valence

GUARDED_MODES = (LatentMode.CAUTIOUS, LatentMode.RECOVERY)


@dataclass(frozen=True)
class Policy:
    mode: str = LatentMode.BALANCED.value
    prefer_cheap_modes: bool = False
    prefer_safe_modes: bool = False
    allow_exploration: bool = True
    allow_self_modification: bool = True
    follower_threshold_delta: float = 0.0
    mixed_threshold_delta: float = 0.0
    orchestration_threshold_delta: float = 0.0
    min_support_delta: int = 0
    allow_mixed: bool = True
    require_well_supported: bool = False
    prefer_crystallized: bool = False
    confirm_writes: bool = False
    confirm_shell: bool = False
    confirm_destructive: bool = False
    block_destructive: bool = False
    prefer_dry_run: bool = False
    exploration_budget_multiplier: float = 1.0
    reasons: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["reasons"] = list(self.reasons)
        return d

    @property
    def neutral(self) -> bool:
        return self == NEUTRAL_POLICY


NEUTRAL_POLICY = Policy(mode="DISABLED")


def _r(x: float) -> float:
    return round(x, 4)


def _depleted(deficit: float) -> tuple[str, dict[str, Any]]:
    """RECOVERY on energy alone: spend less (replay, crystallized tools), risk nothing, evidence as usual."""
    reason = (
        "recovering energy: cheap proven paths preferred, usual replay evidence; no exploration or "
        "self-modification; destructive operations blocked"
    )
    return reason, {
        "prefer_cheap_modes": True,
        "prefer_safe_modes": True,
        "allow_exploration": False,
        "allow_self_modification": False,
        "follower_threshold_delta": 0.05 * deficit,
        "mixed_threshold_delta": 0.05 * deficit,
        "orchestration_threshold_delta": 0.2,
        "prefer_crystallized": True,
        "confirm_destructive": True,
        "block_destructive": True,
        "prefer_dry_run": True,
        "exploration_budget_multiplier": 0.5,
    }


def derive_policy(v: Valence, mode: LatentMode, thresholds: Mapping[str, float] | None = None) -> Policy:
    """The policy for a latent mode, modulated by the valence (`thresholds`: the mode thresholds in use)."""
    deficit = max(0.0, -v.safety)  # how far below zero safety is, 0..1
    safety_low = v.safety < {**MODE_THRESHOLDS, **(thresholds or {})}["cautious_safety"]
    reasons: list[str] = []
    p: dict[str, Any] = {"mode": mode.value}
    if mode is LatentMode.RECOVERY and not safety_low:
        reason, fields = _depleted(deficit)
        reasons.append(reason)
        p.update(fields)
    elif mode is LatentMode.RECOVERY:
        reasons.append(
            "recovering: cheap, safe, proven paths only; no exploration or self-modification; "
            "destructive operations blocked"
        )
        p.update(
            prefer_cheap_modes=True,
            prefer_safe_modes=True,
            allow_exploration=False,
            allow_self_modification=False,
            follower_threshold_delta=0.05 + 0.05 * deficit,
            mixed_threshold_delta=0.10 + 0.05 * deficit,
            orchestration_threshold_delta=0.2,
            min_support_delta=2,
            allow_mixed=False,
            require_well_supported=True,
            prefer_crystallized=True,
            confirm_destructive=True,
            block_destructive=True,
            prefer_dry_run=True,
            exploration_budget_multiplier=0.5,
        )
    elif mode is LatentMode.CAUTIOUS:
        reasons.append("cautious: more evidence before replaying, destructive operations need confirmation")
        p.update(
            prefer_safe_modes=True,
            allow_exploration=False,
            allow_self_modification=False,
            follower_threshold_delta=0.03 + 0.05 * deficit,
            mixed_threshold_delta=0.05 + 0.05 * deficit,
            orchestration_threshold_delta=0.1,
            min_support_delta=1,
            allow_mixed=False,
            require_well_supported=True,
            prefer_crystallized=True,
            confirm_destructive=True,
            prefer_dry_run=True,
            exploration_budget_multiplier=0.75,
        )
    elif mode is LatentMode.AUTO_CREATIVE:
        reasons.append("creative: explore more, replay a little less eagerly")
        p.update(
            allow_exploration=True,
            follower_threshold_delta=0.02,
            orchestration_threshold_delta=-0.05,
            exploration_budget_multiplier=1.0 + 0.5 * max(0.0, v.curiosity),
        )
    elif mode is LatentMode.AUTO_CONTAINED:
        reasons.append("contained: stick to proven plans and crystallized tools, spend little")
        p.update(
            prefer_cheap_modes=True,
            allow_exploration=False,
            prefer_crystallized=True,
            follower_threshold_delta=-0.02,
            orchestration_threshold_delta=0.05,
            exploration_budget_multiplier=0.75,
        )
    else:
        reasons.append("balanced: default behaviour")
    if v.energy < 0.2 and not p.get("prefer_cheap_modes"):
        reasons.append(f"low energy ({v.energy:+.2f}): prefer cheap modes")
        p["prefer_cheap_modes"] = True
    if v.safety < 0.25 and not p.get("confirm_destructive"):
        reasons.append(f"safety below 0.25 ({v.safety:+.2f}): destructive operations need confirmation")
        p["confirm_destructive"] = True
    if mode in GUARDED_MODES:  # never loosen under low safety
        for key in ("follower_threshold_delta", "mixed_threshold_delta", "orchestration_threshold_delta"):
            p[key] = max(0.0, p[key])
    for key in (
        "follower_threshold_delta",
        "mixed_threshold_delta",
        "orchestration_threshold_delta",
        "exploration_budget_multiplier",
    ):
        if key in p:
            p[key] = _r(p[key])
    return Policy(**p, reasons=tuple(reasons))


@dataclass(frozen=True)
class ModeSuggestion:
    mode: str  # crystallized | follower | mixed | learner
    reason: str
    follower_threshold: float
    mixed_threshold: float
    min_support: int


def suggest_mode(
    policy: Policy,
    *,
    confidence: float,
    support: int,
    crystallized: bool = False,
    follower_threshold: float = 0.92,
    mixed_threshold: float = 0.75,
    min_support: int = 2,
) -> ModeSuggestion:
    """The reference reading of a policy by mode selection (the runtime's selector does the same).

    `confidence` is the best matching plan's similarity, `support` its successful runs,
    `crystallized` whether a crystallized tool covers the goal.
    """
    ft = min(1.0, follower_threshold + policy.follower_threshold_delta)
    mt = min(1.0, mixed_threshold + policy.mixed_threshold_delta)
    need = min_support + policy.min_support_delta
    if crystallized and (policy.prefer_crystallized or confidence >= ft):
        return ModeSuggestion("crystallized", "a crystallized tool covers this goal", ft, mt, need)
    if confidence >= ft and support >= need:
        return ModeSuggestion("follower", f"confidence {confidence:.2f} >= {ft:.2f} with {support} runs", ft, mt, need)
    if confidence >= ft and policy.require_well_supported:
        return ModeSuggestion("learner", f"plan has {support} runs, policy needs {need}", ft, mt, need)
    if confidence >= mt and policy.allow_mixed:
        return ModeSuggestion("mixed", f"confidence {confidence:.2f} >= {mt:.2f}", ft, mt, need)
    why = "mixed mode disabled by policy" if confidence >= mt else f"confidence {confidence:.2f} < {mt:.2f}"
    return ModeSuggestion("learner", why, ft, mt, need)
