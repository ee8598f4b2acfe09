"""The latent mode: a coarse reading of the valence that the cognitive kernel turns into policy.

Rules, first match wins (thresholds configurable under `[sentience.thresholds]`):

    RECOVERY        energy < recovery_energy (-0.5) or safety < recovery_safety (-0.5)
    CAUTIOUS        safety < cautious_safety (0.0)
    AUTO_CREATIVE   curiosity > creative_curiosity (0.3) and self_confidence > creative_confidence (0.1)
    AUTO_CONTAINED  curiosity < contained_curiosity (-0.3) or self_confidence < contained_confidence (-0.2)
    BALANCED        otherwise
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from enum import StrEnum

from llmos.exceptions import ConfigError
from llmos.sentience.valence import Valence


class LatentMode(StrEnum):
    RECOVERY = "RECOVERY"
    CAUTIOUS = "CAUTIOUS"
    AUTO_CREATIVE = "AUTO_CREATIVE"
    AUTO_CONTAINED = "AUTO_CONTAINED"
    BALANCED = "BALANCED"


MODE_THRESHOLDS: dict[str, float] = {
    "recovery_energy": -0.5,
    "recovery_safety": -0.5,
    "cautious_safety": 0.0,
    "creative_curiosity": 0.3,
    "creative_confidence": 0.1,
    "contained_curiosity": -0.3,
    "contained_confidence": -0.2,
}

# Thresholds of the opportunity detector and the trigger mapping (same config table).
OTHER_THRESHOLDS: dict[str, float] = {
    "high_cost_usd": 0.10,  # a run above this fires high_cost (magnitude = cost / this, capped)
    "boredom_curiosity": -0.4,  # curiosity below this is reported as boredom
    "crystallize_min_repeats": 5,  # successful runs of one goal pattern before suggesting a tool
    "tool_failure_rate": 0.3,  # a tool failing at least this often...
    "tool_min_calls": 3,  # ...over at least this many calls is reported
    "agent_cost_share": 0.6,  # one agent spending this share of the cost is reported
    "agent_min_runs": 3,
    "fallback_min": 2,  # replay fallbacks of one plan before suggesting a demotion
    "cooldown_s": 3600.0,  # between two actions on the same opportunity
    "trace_window": 200,  # recent traces the detector looks at
}

DEFAULT_THRESHOLDS: dict[str, float] = {**MODE_THRESHOLDS, **OTHER_THRESHOLDS}


def build_thresholds(overrides: Mapping[str, float]) -> dict[str, float]:
    out = dict(DEFAULT_THRESHOLDS)
    for k, v in overrides.items():
        if k not in DEFAULT_THRESHOLDS:
            raise ConfigError(
                f"sentience.thresholds.{k}: unknown threshold (choose from {', '.join(DEFAULT_THRESHOLDS)})"
            )
        if not math.isfinite(float(v)):
            raise ConfigError(f"sentience.thresholds.{k}: must be a finite number, got {v}")
        out[k] = float(v)
    return out


def derive_mode(v: Valence, thresholds: Mapping[str, float] | None = None) -> LatentMode:
    t = {**MODE_THRESHOLDS, **(thresholds or {})}
    if v.energy < t["recovery_energy"] or v.safety < t["recovery_safety"]:
        return LatentMode.RECOVERY
    if v.safety < t["cautious_safety"]:
        return LatentMode.CAUTIOUS
    if v.curiosity > t["creative_curiosity"] and v.self_confidence > t["creative_confidence"]:
        return LatentMode.AUTO_CREATIVE
    if v.curiosity < t["contained_curiosity"] or v.self_confidence < t["contained_confidence"]:
        return LatentMode.AUTO_CONTAINED
    return LatentMode.BALANCED
