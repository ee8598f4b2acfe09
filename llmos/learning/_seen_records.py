"""Rule 1's records of what the supporting runs' results showed, and how one more run widens them.

The form is `_seen`'s (json(path)|kind -> record): a number [lo, hi, last, increasing, runs]; a text
{"n": runs, "d": 1 while every run showed a new template, "t": {template: [number record, ...]}}.
The private interior of `llmos.learning._seen`, which re-exports these names.
"""

from __future__ import annotations

from typing import Any

MAX_TEMPLATES = 16  # per text path; more distinct templates than this: only noise can explain them

Seen = dict[str, Any]


def _num_new(v: float) -> list[Any]:
    return [v, v, v, 1, 1]


def _num_add(rec: list[Any], v: float) -> list[Any]:
    lo, hi, last, inc, n = rec
    return [min(lo, v), max(hi, v), v, int(bool(inc) and v > last), n + 1]


def fresh(obs: dict[str, tuple[str, Any]]) -> Seen:
    out: Seen = {}
    for key, (kind, v) in obs.items():
        if kind == "n":
            out[key] = _num_new(v)
        else:
            tmpl, nums = v
            out[key] = {"n": 1, "d": 1, "t": {tmpl: [_num_new(x) for x in nums]}}
    return out


def merge(kept: Seen, obs: dict[str, tuple[str, Any]]) -> Seen:
    """The records widened by one more run. A path of a kind this run did not show keeps its record
    (the live check still needs it); a kind never seen before starts a record."""
    out: Seen = dict(kept)  # the keys in their order, each record this run showed replaced below
    for key, got in obs.items():  # a new key comes after the kept ones, in the run's order
        rec = kept.get(key)
        if rec is None:
            out[key] = fresh({key: got})[key]
        elif got[0] == "n":
            lo, hi, last, inc, n = rec  # `_num_add`, inline (every number of every run)
            v = got[1]
            out[key] = [min(lo, v), max(hi, v), v, int(bool(inc) and v > last), n + 1]
        else:
            out[key] = _text_add(rec, *got[1])
    return out


def _text_add(rec: dict[str, Any], tmpl: str, nums: list[float]) -> dict[str, Any]:
    tmpls: dict[str, list[Any]] = dict(rec["t"])
    new = tmpl not in tmpls
    if new:
        if len(tmpls) < MAX_TEMPLATES:
            tmpls[tmpl] = [_num_new(x) for x in nums]
    else:
        old = tmpls[tmpl]
        tmpls[tmpl] = [_num_add(r, x) for r, x in zip(old, nums, strict=True)]
    return {"n": rec["n"] + 1, "d": int(bool(rec["d"]) and new), "t": tmpls}


def _number_ok(rec: list[Any], v: float, noise_runs: int) -> tuple[bool, bool]:
    """(inside, by noise)."""
    lo, hi, _last, inc, n = rec
    if lo - 1e-9 <= v <= hi + 1e-9:
        return True, False
    if inc and n >= noise_runs and v >= lo:
        return True, True
    return False, False
