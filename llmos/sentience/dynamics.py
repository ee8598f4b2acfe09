"""How the valence moves: triggers (events with effects) and homeostasis (the pull back to set-points).

A trigger's effect is given in sensitivity units per dimension: the actual change of dimension `d`
is `effect[d] * magnitude * sensitivity[d]`, clamped to [-1, 1]. After each trigger every dimension
moves a fraction `decay[d]` of the way back to its set-point.

Between updates, dimensions with a half-life relax toward their set-point with elapsed time, in
closed form: `s + (v - s) * 2 ** (-dt / half_life)`. Because this composes exactly
(relax(relax(v, a), b) == relax(v, a + b)), the state at a moment does not depend on how often it
was read, and reading never needs to write.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

from llmos.exceptions import ConfigError
from llmos.sentience.valence import DIMENSIONS, Valence, ValenceParams, clamp

if TYPE_CHECKING:
    from collections.abc import Mapping

MAX_MAGNITUDE = 10.0


@dataclass(frozen=True)
class TriggerSpec:
    """Effects in sensitivity units; `scaled` names the dimensions the magnitude multiplies (None: all)."""

    effects: Mapping[str, float]
    scaled: frozenset[str] | None = None
    description: str = ""


def _spec(description: str, scaled: tuple[str, ...] | None = None, **effects: float) -> TriggerSpec:
    return TriggerSpec(MappingProxyType(effects), frozenset(scaled) if scaled else None, description)


DEFAULT_TRIGGERS: Mapping[str, TriggerSpec] = MappingProxyType(
    {
        # a success costs little energy: at the default decay, sustained successful work settles
        # energy near -0.05 (BALANCED), not in RECOVERY; failures and cost drain it further
        "task_success": _spec("a run succeeded", self_confidence=0.5, energy=-0.1, safety=0.2),
        "task_failure": _spec("a run failed", self_confidence=-1.0, safety=-0.3, energy=-0.5),
        "repetition": _spec(
            "the goal repeats an earlier one (grows with the count)",
            ("curiosity",),
            curiosity=-1.0,
            self_confidence=0.3,
        ),
        "novel_task": _spec("a goal unlike any before", curiosity=1.0, self_confidence=-0.3),
        "safety_violation": _spec("a tool call was denied", safety=-3.0, self_confidence=-1.0, energy=-0.5),
        "near_miss": _spec("a risky call needed confirmation", safety=-1.5, self_confidence=-0.3),
        "high_cost": _spec("a run was expensive (scaled by dollars)", energy=-1.0),
        "positive_feedback": _spec("the user rated a run good", self_confidence=1.0, safety=0.3, energy=0.3),
        "negative_feedback": _spec("the user rated a run bad", self_confidence=-1.0, safety=-0.5),
        "tool_discovery": _spec("new tools became available", curiosity=1.0, self_confidence=0.2),
        "self_modification_success": _spec(
            "a self-modification worked", self_confidence=0.8, curiosity=0.5, energy=-0.3
        ),
        "self_modification_failure": _spec(
            "a self-modification failed", self_confidence=-0.8, safety=-0.5, energy=-0.3
        ),
        "timeout": _spec("a run timed out", energy=-1.0, self_confidence=-0.5),
        # an unreachable model server, an HTTP 5xx, a crashed MCP server: nothing the agent did;
        # not a safety event and no loss of confidence, only a little energy
        "infrastructure_failure": _spec("the model server or another service failed", energy=-0.1),
        "external_interruption": _spec("a run was cancelled from outside", energy=-0.3, safety=-0.3),
    }
)

TRIGGERS: tuple[str, ...] = tuple(DEFAULT_TRIGGERS)


def repetition_magnitude(count: int) -> float:
    """How hard a repetition bites: 0.3 for the first repeat, growing by 0.1 per repeat, capped at 2."""
    return min(0.3 + 0.1 * max(0, count - 1), 2.0)


def build_triggers(overrides: Mapping[str, Mapping[str, float]]) -> dict[str, TriggerSpec]:
    """Default triggers with `[sentience.triggers.NAME] dimension = delta` overrides applied."""
    out = dict(DEFAULT_TRIGGERS)
    for name, effects in overrides.items():
        if name not in DEFAULT_TRIGGERS:
            raise ConfigError(f"sentience.triggers.{name}: unknown trigger (choose from {', '.join(TRIGGERS)})")
        merged = dict(DEFAULT_TRIGGERS[name].effects)
        for dim, delta in effects.items():
            if dim not in DIMENSIONS:
                raise ConfigError(
                    f"sentience.triggers.{name}.{dim}: unknown dimension (choose from {', '.join(DIMENSIONS)})"
                )
            if not math.isfinite(float(delta)) or abs(float(delta)) > 20:
                raise ConfigError(f"sentience.triggers.{name}.{dim}: {delta} must be a number in [-20, 20]")
            merged[dim] = float(delta)
        base = DEFAULT_TRIGGERS[name]
        out[name] = TriggerSpec(MappingProxyType(merged), base.scaled, base.description)
    return out


def relax(v: Valence, dt: float, params: ValenceParams) -> Valence:
    """The state `dt` seconds later with no events: exponential approach to the set-points."""
    if dt <= 0 or not params.half_life_s:
        return v
    values = v.as_dict()
    for dim, half in params.half_life_s.items():
        s = params.setpoints[dim]
        values[dim] = s + (values[dim] - s) * math.pow(2.0, -dt / half)
    return Valence.from_dict(values)


def decay_step(v: Valence, params: ValenceParams) -> Valence:
    """One homeostatic step: every dimension moves `decay[d]` of the way to its set-point."""
    values = v.as_dict()
    for d in DIMENSIONS:
        s = params.setpoints[d]
        values[d] = values[d] + params.decay[d] * (s - values[d])
    return Valence.from_dict(values)


def apply_trigger(v: Valence, spec: TriggerSpec, params: ValenceParams, magnitude: float = 1.0) -> Valence:
    """The effect of one trigger, then one homeostatic step."""
    if not math.isfinite(magnitude):
        raise ValueError(f"trigger magnitude must be finite, got {magnitude}")
    magnitude = clamp(magnitude, 0.0, MAX_MAGNITUDE)
    values = v.as_dict()
    for dim, effect in spec.effects.items():
        m = magnitude if spec.scaled is None or dim in spec.scaled else 1.0
        values[dim] = clamp(values[dim] + effect * m * params.sensitivity[dim])
    return decay_step(Valence.from_dict(values), params)
