"""Property tests of the valence dynamics, the latent mode and the cognitive kernel (pure functions)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmos.config import SentienceConfig
from llmos.exceptions import ConfigError
from llmos.sentience.dynamics import (
    DEFAULT_TRIGGERS,
    TRIGGERS,
    apply_trigger,
    build_triggers,
    decay_step,
    relax,
)
from llmos.sentience.modes import LatentMode, build_thresholds, derive_mode
from llmos.sentience.policy import GUARDED_MODES, derive_policy, suggest_mode
from llmos.sentience.valence import DIMENSIONS, Valence, ValenceParams, homeostatic_cost

unit = st.floats(min_value=-1.0, max_value=1.0, allow_nan=False)
valences = st.builds(Valence, safety=unit, curiosity=unit, energy=unit, self_confidence=unit)
magnitudes = st.floats(min_value=0.0, max_value=50.0, allow_nan=False)
fires = st.lists(st.tuples(st.sampled_from(TRIGGERS), magnitudes), max_size=60)

P = ValenceParams()


def cfg(**kw: object) -> SentienceConfig:
    return SentienceConfig.model_validate(kw)


@given(valences, fires)
def test_values_stay_in_range_under_any_trigger_sequence(v: Valence, seq: list[tuple[str, float]]) -> None:
    for name, m in seq:
        v = apply_trigger(v, DEFAULT_TRIGGERS[name], P, m)
        assert all(-1.0 <= x <= 1.0 for x in v.as_dict().values())
    assert 0.0 <= homeostatic_cost(v, P.setpoints) <= 16.0


@given(
    valences,
    fires,
    st.dictionaries(st.sampled_from(DIMENSIONS), st.floats(-20, 20), max_size=4),
    st.dictionaries(st.sampled_from(DIMENSIONS), st.floats(0, 1), max_size=4),
)
def test_range_holds_with_any_configured_effects(
    v: Valence, seq: list[tuple[str, float]], effects: dict[str, float], sens: dict[str, float]
) -> None:
    params = ValenceParams.from_config(cfg(sensitivity=sens))
    triggers = build_triggers({name: effects for name in TRIGGERS})
    for name, m in seq:
        v = apply_trigger(v, triggers[name], params, m)
        assert all(-1.0 <= x <= 1.0 for x in v.as_dict().values())


@given(valences)
def test_decay_converges_to_setpoints_monotonically(v: Valence) -> None:
    cost = homeostatic_cost(v, P.setpoints)
    for _ in range(3000):
        v = decay_step(v, P)
        new = homeostatic_cost(v, P.setpoints)
        assert new <= cost + 1e-12
        cost = new
    for d in DIMENSIONS:
        assert v.get(d) == pytest.approx(P.setpoints[d], abs=1e-6)


@given(valences, st.floats(0, 1e6), st.floats(0, 1e6))
def test_time_relaxation_composes_exactly(v: Valence, a: float, b: float) -> None:
    once = relax(v, a + b, P)
    twice = relax(relax(v, a, P), b, P)
    for d in DIMENSIONS:
        assert once.get(d) == pytest.approx(twice.get(d), abs=1e-9)


@given(valences, st.floats(1, 1e5))
def test_energy_recovers_with_its_half_life_and_nothing_else_moves_by_default(v: Valence, half: float) -> None:
    params = ValenceParams.from_config(cfg(energy_half_life_s=half))
    later = relax(v, half, params)
    expected = params.setpoints["energy"] + (v.energy - params.setpoints["energy"]) / 2
    assert later.energy == pytest.approx(expected, abs=1e-9)
    for d in ("safety", "curiosity", "self_confidence"):
        assert later.get(d) == v.get(d)
    assert relax(v, 1e9, params).energy == pytest.approx(params.setpoints["energy"], abs=1e-9)


def test_configured_half_lives_move_other_dimensions() -> None:
    params = ValenceParams.from_config(cfg(half_life_s={"safety": 100.0}))
    assert relax(Valence(safety=-0.5), 100, params).safety == pytest.approx(0.0)


def _reference_mode(v: Valence) -> LatentMode:
    if v.energy < -0.5 or v.safety < -0.5:
        return LatentMode.RECOVERY
    if v.safety < 0:
        return LatentMode.CAUTIOUS
    if v.curiosity > 0.3 and v.self_confidence > 0.1:
        return LatentMode.AUTO_CREATIVE
    if v.curiosity < -0.3 or v.self_confidence < -0.2:
        return LatentMode.AUTO_CONTAINED
    return LatentMode.BALANCED


@given(valences)
def test_mode_follows_the_rules_first_match_wins(v: Valence) -> None:
    mode = derive_mode(v)
    assert mode is _reference_mode(v)
    if v.energy < -0.5 or v.safety < -0.5:
        assert mode is LatentMode.RECOVERY  # recovery beats everything


@pytest.mark.parametrize(
    ("values", "mode"),
    [
        ({"energy": -0.6, "curiosity": 0.9, "self_confidence": 0.9}, LatentMode.RECOVERY),
        ({"safety": -0.51}, LatentMode.RECOVERY),
        ({"safety": -0.1, "curiosity": 0.9, "self_confidence": 0.9}, LatentMode.CAUTIOUS),
        ({"curiosity": 0.31, "self_confidence": 0.11}, LatentMode.AUTO_CREATIVE),
        ({"curiosity": 0.31, "self_confidence": -0.3}, LatentMode.AUTO_CONTAINED),
        ({"curiosity": -0.31}, LatentMode.AUTO_CONTAINED),
        ({}, LatentMode.BALANCED),
    ],
)
def test_mode_examples(values: dict[str, float], mode: LatentMode) -> None:
    assert derive_mode(Valence().replace(**values)) is mode


def test_thresholds_are_configurable_and_validated() -> None:
    t = build_thresholds({"cautious_safety": 0.6})
    assert derive_mode(Valence(), t) is LatentMode.CAUTIOUS  # default safety 0.5 < 0.6
    with pytest.raises(ConfigError, match=r"sentience\.thresholds\.nope"):
        build_thresholds({"nope": 1.0})


@given(valences)
def test_guarded_modes_never_loosen(v: Valence) -> None:
    mode = derive_mode(v)
    p = derive_policy(v, mode)
    if mode in GUARDED_MODES:
        assert p.follower_threshold_delta >= 0 and p.mixed_threshold_delta >= 0
        assert p.orchestration_threshold_delta >= 0 and p.min_support_delta >= 0
        assert p.prefer_crystallized and p.confirm_destructive and p.prefer_dry_run and not p.confirm_shell
        assert p.block_destructive == (mode is LatentMode.RECOVERY) and not p.confirm_writes
        assert not p.allow_self_modification and not p.allow_exploration
        if v.safety < 0:  # low safety: more evidence, no merely similar plan
            assert p.min_support_delta >= 1 and not p.allow_mixed and p.require_well_supported
        else:  # RECOVERY on energy alone: cheap paths, the usual replay evidence
            assert mode is LatentMode.RECOVERY and p.prefer_cheap_modes
            assert p.min_support_delta == 0 and p.allow_mixed and not p.require_well_supported
            assert p.follower_threshold_delta == 0 and p.mixed_threshold_delta == 0


def test_recovery_on_energy_alone_keeps_replay_and_blocks_destruction() -> None:
    """Spending drained energy, safety is fine: replay (the cheap path) is not made harder."""
    tired = Valence(energy=-0.8, safety=0.4)
    assert derive_mode(tired) is LatentMode.RECOVERY
    p = derive_policy(tired, LatentMode.RECOVERY)
    assert p.allow_mixed and p.min_support_delta == 0 and not p.require_well_supported
    assert p.block_destructive and not p.allow_self_modification and not p.allow_exploration
    assert any("energy" in r for r in p.reasons)
    unsafe = derive_policy(tired.replace(safety=-0.1), LatentMode.RECOVERY)
    assert not unsafe.allow_mixed and unsafe.min_support_delta == 2 and unsafe.require_well_supported
    # the threshold in use decides what "low safety" is
    strict = derive_policy(tired, LatentMode.RECOVERY, {"cautious_safety": 0.6})
    assert not strict.allow_mixed and strict.require_well_supported


@given(valences, st.floats(0.0, 2.0))
def test_lowering_safety_never_loosens_the_policy(v: Valence, drop: float) -> None:
    lower = v.replace(safety=v.safety - drop)
    a, b = derive_policy(v, derive_mode(v)), derive_policy(lower, derive_mode(lower))
    if derive_mode(v) in GUARDED_MODES or derive_mode(lower) in GUARDED_MODES:
        assert derive_mode(lower) in GUARDED_MODES
        assert b.follower_threshold_delta >= a.follower_threshold_delta or derive_mode(v) not in GUARDED_MODES
        assert b.mixed_threshold_delta >= a.mixed_threshold_delta or derive_mode(v) not in GUARDED_MODES
        assert b.follower_threshold_delta >= 0 and b.mixed_threshold_delta >= 0
    for flag in (
        "confirm_writes",
        "confirm_shell",
        "confirm_destructive",
        "block_destructive",
        "require_well_supported",
        "prefer_dry_run",
    ):
        assert getattr(b, flag) >= getattr(a, flag)
    for flag in ("allow_mixed", "allow_self_modification", "allow_exploration"):
        assert getattr(b, flag) <= getattr(a, flag)
    assert b.exploration_budget_multiplier <= a.exploration_budget_multiplier


@given(valences, st.floats(0, 1), st.integers(0, 10), st.booleans())
def test_guarded_suggestion_never_uses_a_merely_similar_plan(
    v: Valence, confidence: float, support: int, crystallized: bool
) -> None:
    p = derive_policy(v, derive_mode(v))
    s = suggest_mode(p, confidence=confidence, support=support, crystallized=crystallized)
    if p.mode in GUARDED_MODES and v.safety < 0:
        assert s.mode != "mixed"
        if s.mode == "follower":
            assert confidence >= 0.92 and support >= 3


def test_setpoints_from_config_are_used_and_validated() -> None:
    params = ValenceParams.from_config(cfg(setpoints={"safety": 0.9}, decay={"safety": 0.5}))
    assert params.setpoint_valence().safety == 0.9
    assert decay_step(Valence(safety=0.1), params).safety == pytest.approx(0.5)
    with pytest.raises(ConfigError, match=r"sentience\.setpoints\.mood"):
        ValenceParams.from_config(cfg(setpoints={"mood": 0.1}))
    with pytest.raises(ConfigError, match="outside"):
        ValenceParams.from_config(cfg(setpoints={"safety": 2.0}))
    with pytest.raises(ConfigError, match=r"sentience\.triggers\.bogus"):
        build_triggers({"bogus": {"safety": 1.0}})
    with pytest.raises(ConfigError, match=r"sentience\.triggers\.task_success\.mood"):
        build_triggers({"task_success": {"mood": 1.0}})


def test_trigger_effects_scale_with_sensitivity_and_overrides() -> None:
    zero_decay = ValenceParams.from_config(cfg(decay=dict.fromkeys(DIMENSIONS, 0.0)))
    v = apply_trigger(Valence(), DEFAULT_TRIGGERS["safety_violation"], zero_decay)
    assert v.safety == pytest.approx(0.5 - 3.0 * 0.15)
    custom = build_triggers({"task_success": {"curiosity": 2.0}})["task_success"]
    v = apply_trigger(Valence(), custom, zero_decay)
    assert v.curiosity == pytest.approx(0.24) and v.self_confidence == pytest.approx(0.35)
    rep = apply_trigger(Valence(), DEFAULT_TRIGGERS["repetition"], zero_decay, 2.0)
    assert rep.curiosity == pytest.approx(-0.24)  # the magnitude scales curiosity...
    assert rep.self_confidence == pytest.approx(0.33)  # ...not the confidence bonus
    high = apply_trigger(Valence(), DEFAULT_TRIGGERS["high_cost"], zero_decay, 3.0)
    assert high.energy == pytest.approx(0.7 - 3 * 0.08)


@settings(max_examples=50)
@given(st.floats(allow_nan=True, allow_infinity=True))
def test_valence_is_always_finite_and_bounded(x: float) -> None:
    v = Valence(safety=x, curiosity=x, energy=x, self_confidence=x)
    assert all(math.isfinite(val) and -1 <= val <= 1 for val in v.as_dict().values())
