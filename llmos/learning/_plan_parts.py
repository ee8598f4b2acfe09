"""The parts of a plan: its slots, its steps and their argument leaves (plain data). Re-exported by
`llmos.learning.plans`; the private interior of that module."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from llmos.learning import explain as ex


@dataclass
class Slot:
    pos: int
    name: str
    shapes: list[str] = field(default_factory=list)
    values: list[str] = field(default_factory=list)  # a few observed values, for display
    span: list[float] = field(default_factory=list)  # [min, max] of a numeric slot's values (all evidence)


@dataclass
class Leaf:
    """One argument leaf (JSON path inside the arguments) and the explanations that fit all evidence."""

    path: ex.Path
    cands: list[ex.Cand]
    type: str  # int | float | number | str | bool | null | mixed


@dataclass
class PlanStep:
    name: str
    group: int
    arguments: dict[str, Any]  # the arguments of the latest supporting trace (structure for replay)
    leaves: list[Leaf]
    result_shapes: list[Any] = field(default_factory=list)
    const_results: dict[str, Any] = field(default_factory=dict)  # json(path) -> value equal in all evidence
    echo_paths: list[str] = field(default_factory=list)  # result paths that repeat one of the call's arguments
    ranges: dict[str, list[float]] = field(default_factory=dict)  # json(path) -> [min, max] of numbers
    lengths: dict[str, int] = field(default_factory=dict)  # json(path) -> length of a list, equal in all evidence
    categories: dict[str, list[str]] = field(default_factory=dict)  # json(path) -> the few short texts seen
    seen: dict[str, Any] = field(default_factory=dict)  # json(path)|kind -> what the evidence saw (_seen.py)
    # the same over the runs the answer template fits, once it started again (`_seen_fit`; else `seen`)
    fit_seen: dict[str, Any] = field(default_factory=dict)
