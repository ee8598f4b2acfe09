"""The valence vector: four bounded dimensions, their set-points, and the parameters that move them.

Each dimension lives in [-1, 1]. The set-point is where homeostasis pulls it back to; the
homeostatic cost is the squared distance from the set-points (0 means "content").
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from llmos.exceptions import ConfigError

if TYPE_CHECKING:
    from llmos.config import SentienceConfig

DIMENSIONS: tuple[str, ...] = ("safety", "curiosity", "energy", "self_confidence")

DEFAULT_SETPOINTS: dict[str, float] = {"safety": 0.5, "curiosity": 0.0, "energy": 0.7, "self_confidence": 0.3}
DEFAULT_SENSITIVITY: dict[str, float] = {
    "safety": 0.15,
    "curiosity": 0.12,
    "energy": 0.08,
    "self_confidence": 0.10,
}
DEFAULT_DECAY: dict[str, float] = {"safety": 0.02, "curiosity": 0.03, "energy": 0.01, "self_confidence": 0.02}


def clamp(x: float, lo: float = -1.0, hi: float = 1.0) -> float:
    if math.isnan(x):
        return 0.0
    return lo if x < lo else hi if x > hi else x


@dataclass(frozen=True)
class Valence:
    """A point in valence space. Values are clamped to [-1, 1] on construction."""

    safety: float = DEFAULT_SETPOINTS["safety"]
    curiosity: float = DEFAULT_SETPOINTS["curiosity"]
    energy: float = DEFAULT_SETPOINTS["energy"]
    self_confidence: float = DEFAULT_SETPOINTS["self_confidence"]

    def __post_init__(self) -> None:
        for d in DIMENSIONS:
            object.__setattr__(self, d, clamp(float(getattr(self, d))))

    def get(self, dim: str) -> float:
        if dim not in DIMENSIONS:
            raise KeyError(dim)
        return float(getattr(self, dim))

    def as_dict(self) -> dict[str, float]:
        return {d: float(getattr(self, d)) for d in DIMENSIONS}

    def rounded(self, digits: int = 4) -> dict[str, float]:
        return {d: round(v, digits) for d, v in self.as_dict().items()}

    @classmethod
    def from_dict(cls, values: dict[str, float]) -> Valence:
        return cls(**{d: float(values[d]) for d in DIMENSIONS if d in values})

    def replace(self, **values: float) -> Valence:
        merged = self.as_dict()
        merged.update(values)
        return Valence.from_dict(merged)


def _check_dims(section: str, values: dict[str, float], lo: float, hi: float) -> dict[str, float]:
    for k, v in values.items():
        if k not in DIMENSIONS:
            raise ConfigError(f"sentience.{section}.{k}: unknown dimension (choose from {', '.join(DIMENSIONS)})")
        if not (lo <= float(v) <= hi) or math.isnan(float(v)):
            raise ConfigError(f"sentience.{section}.{k}: {v} is outside [{lo}, {hi}]")
    return {k: float(v) for k, v in values.items()}


@dataclass(frozen=True)
class ValenceParams:
    """Set-points, sensitivities, per-update decay and time half-lives, validated."""

    setpoints: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_SETPOINTS))
    sensitivity: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_SENSITIVITY))
    decay: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_DECAY))
    half_life_s: dict[str, float] = field(default_factory=lambda: {"energy": 1800.0})

    @classmethod
    def from_config(cls, cfg: SentienceConfig) -> ValenceParams:
        setpoints = {**DEFAULT_SETPOINTS, **_check_dims("setpoints", cfg.setpoints, -1.0, 1.0)}
        sensitivity = {**DEFAULT_SENSITIVITY, **_check_dims("sensitivity", cfg.sensitivity, 0.0, 1.0)}
        decay = {**DEFAULT_DECAY, **_check_dims("decay", cfg.decay, 0.0, 1.0)}
        half = {"energy": float(cfg.energy_half_life_s)}
        for k, v in _check_dims("half_life_s", dict(cfg.half_life_s), 0.0, math.inf).items():
            if v <= 0:
                raise ConfigError(f"sentience.half_life_s.{k}: must be > 0 seconds, got {v}")
            half[k] = v
        return cls(setpoints, sensitivity, decay, half)

    def setpoint_valence(self) -> Valence:
        return Valence.from_dict(self.setpoints)


def homeostatic_cost(v: Valence, setpoints: dict[str, float]) -> float:
    """Sum of squared deviations from the set-points (0 = at rest; at most 16)."""
    return sum((v.get(d) - setpoints[d]) ** 2 for d in DIMENSIONS)
