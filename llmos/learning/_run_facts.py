"""One stored run's facts, made once and shared by rule 1's recorders (`_seen.record` and what it calls).

Storing a run hands it to many recorders: the values by path and by role, the implied quantities
(`_seen_derived`, `_seen_products`, `_seen_pairs`), the goal values' presence (`_seen_mentions`), two
reads' words (`_seen_joint`). Each used to re-derive what it needed from the run: the goal's numbers
and dates once per step, a result's records (its numeric leaves by record) once per kind of quantity
(products, triples, ratios, differences), the calls' argument leaves once for the masks and once for
the sources. A `RunFacts` is made once per run (`of(env, tokens, args)`: kept on the run's `Env`, whose
results do not change while it is stored) and passed down; every fact is filled on first use by the
very function that computed it before, so each reader gets the same value as before, computed once.

A fact is a function of the run's goal tokens, the calls' arguments and one step's result values;
`StepFacts` holds one result's (`RunFacts.step`), made for the values `_seen.scalars` lists. Neither refers
back to what holds it: no reference cycle, so both are freed with the run's `Env` (`_bulk`).
"""

from __future__ import annotations

import operator
from typing import Any

from llmos.learning import _seen_derived, _seen_pairs, _seen_products
from llmos.learning import _seen_mentions as _mentions
from llmos.learning import explain as ex
from llmos.learning.goals import Token

Values = list[tuple[ex.Path, Any]]


class RunFacts:
    """The facts of one run (`tokens`: its goal tokens; `args`: its calls' arguments, by step)."""

    __slots__ = ("_arg_leaves", "_dates", "_goal_sources", "_numbers", "arg_texts", "args", "masks", "tokens")

    def __init__(self, tokens: list[Token], args: list[Any]) -> None:
        self.tokens = tokens
        self.args = args
        self._numbers: list[tuple[str, float, int]] | None = None
        self._dates: list[Any] | None = None
        self._goal_sources: _mentions.Sources | None = None
        self._arg_leaves: dict[int, Values] = {}
        self.masks: dict[tuple[int, ...], list[str]] = {}  # rule 1's masks, by the steps they mask (`_seen.record`)
        self.arg_texts: _mentions.ArgValues = {}  # the calls' argument texts (`_seen_mentions.sources`)

    def same_run(self, tokens: list[Token], args: list[Any]) -> bool:
        """Whether these facts are of a run with these very tokens and arguments (objects, not equal values)."""
        return self.tokens is tokens and len(self.args) == len(args) and all(map(operator.is_, self.args, args))

    def goal_numbers(self) -> list[tuple[str, float, int]]:
        """`_seen_pairs.goal_numbers(tokens)` (callers only read it)."""
        if self._numbers is None:
            self._numbers = _seen_pairs.goal_numbers(self.tokens)
        return self._numbers

    def goal_dates(self) -> list[Any]:
        """`_seen_derived.goal_dates(tokens)` (callers only read it)."""
        if self._dates is None:
            self._dates = _seen_derived.goal_dates(self.tokens)
        return self._dates

    def goal_sources(self) -> _mentions.Sources:
        """`_seen_mentions.goal_sources(tokens)` (callers copy it before adding to it)."""
        if self._goal_sources is None:
            self._goal_sources = _mentions.goal_sources(self.tokens)
        return self._goal_sources

    def arg_leaves(self, k: int) -> Values:
        """`explain.leaves` of call k's arguments (callers only read it)."""
        got = self._arg_leaves.get(k)
        if got is None:
            got = self._arg_leaves[k] = ex.leaf_list(self.args[k])
        return got

    def step(self, values: Values) -> StepFacts:
        """A step's result facts, for its `values` (`_seen.scalars`). Not kept here: a step's facts point
        at the run's, and a reference back would make a cycle that only the garbage collector frees (the
        batch's young collection scanned ten times as much: `_bulk`)."""
        return StepFacts(self, values)


class StepFacts:
    """The facts of one step's result: its `values` (`_seen.scalars`), each other fact on first use."""

    __slots__ = ("_groups", "run", "values")

    def __init__(self, run: RunFacts, values: Values) -> None:
        self.run = run
        self.values = values
        self._groups: _seen_products.Groups | None = None

    def groups(self) -> _seen_products.Groups:
        """`_seen_products.record_groups(values)`: each record's numeric leaves (callers only read it)."""
        if self._groups is None:
            self._groups = _seen_products.record_groups(self.values)
        return self._groups


def of(env: ex.Env | None, tokens: list[Token], args: list[Any]) -> RunFacts:
    """The run's facts, kept on its `env` (made once per run; a new object for other tokens or arguments)."""
    if env is None:
        return RunFacts(tokens, args)
    hit = env.memo.get("run_facts")
    if hit is not None and isinstance(hit[1], RunFacts) and hit[0] is env.parsed and hit[1].same_run(tokens, args):
        return hit[1]
    made = RunFacts(tokens, args)
    env.memo["run_facts"] = (env.parsed, made)
    return made
