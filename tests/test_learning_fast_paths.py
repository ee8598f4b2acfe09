"""Storing runs faster never changes what is stored: each fast path of the observe path agrees with the
plain computation it replaced, written out here (tokens reused across goals, candidates' goal positions
memoised, a search that stops once its answer is known, identifier keys judged once)."""

from __future__ import annotations

import random
import re
from typing import Any

import pytest
from learning_corpus import corpus

from llmos.config import LearningConfig
from llmos.learning import _envelope_checks, _seen_derived, _shortcuts, _value_kinds, goals, spans
from llmos.learning import explain as ex
from llmos.learning.engine import LearningEngine
from llmos.learning.goals import Token
from llmos.learning.plans import Plan
from llmos.storage.db import Database
from llmos.trace import ToolCallRecord, Trace


def _plain_tokenize(goal: str) -> list[tuple[str, str]]:
    """`goals.tokenize` as it was: every group tested in turn, a new Token per word."""
    tokens: list[Token] = []
    for m in goals._TOKEN_RE.finditer(goal):
        if m.group("sq") is not None:
            tokens.append(Token("quoted", m.group("sq")))
        elif m.group("dq") is not None:
            tokens.append(Token("quoted", m.group("dq")))
        elif m.group("word") is not None:
            w = m.group("word")
            tokens.append(Token("number" if goals._NUMBER_RE.fullmatch(w) else "word", w))
        else:
            tokens.append(Token("punct", m.group("punct")))
    return [(t.kind, t.text) for t in goals._number_words(tokens)]


def test_tokens_reused_across_goals_are_the_plain_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(4)
    pieces = [*"ab AB 09'\"-._:@+/,!?é€\t", "one", "three", "twenty-one", "12.5", "one of", "Please", ", thanks"]
    goals_ = ["Move 'x y' and \"\" '' to B-7, 12.5 three boxes one of them!", "Add one seat", "one"]
    goals_ += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 30))) for _ in range(3000)]
    monkeypatch.setattr(goals, "_MAX_KNOWN", 50)  # the reused tokens are forgotten now and then
    for goal in goals_ * 2:
        assert [(t.kind, t.text) for t in goals.tokenize(goal)] == _plain_tokenize(goal), goal
    assert goals.tokenize("Add 3 units")[1] is goals.tokenize("Take 3 units")[1]  # one object, immutable


def _plain_unused(plan: Plan) -> list[int]:
    used: set[int] = set()
    for step in plan.steps:
        for leaf in step.leaves:
            for c in ex.awake(leaf.cands):
                used |= {r[1] for r in ex.refs(c) if r[0] == "tok"}
    return sorted(set(plan.slots) - used)


def _plain_span_slots(plan: Plan) -> set[int]:
    out: set[int] = set()
    last = len(plan.skeleton) - 1
    for pos in plan.slots:
        owner = spans.possessive_slot(plan, pos)
        if (pos > 0 and pos - 1 in plan.slots) or (pos < last and pos + 1 in plan.slots and not owner):
            continue
        several = " " in "".join(plan.slots[pos].values)
        if several and plan.skeleton[pos].kind == "word" and spans._consumed_whole(plan, pos):
            out.add(pos)
    return out


def _move(wine: str, rack: int) -> Trace:  # a value of several words: a slot that takes a phrase
    t = Trace(goal=f"Move {wine} to rack {rack}")
    t.tool_calls = [ToolCallRecord("a", "move_bottles", {"wine": wine, "rack": rack}, '{"ok": true}', turn=1)]
    t.finish("success", "moved")
    return t


@pytest.fixture(scope="module")
def plans(tmp_path_factory: pytest.TempPathFactory) -> list[Plan]:
    engine = LearningEngine(Database(tmp_path_factory.mktemp("fast") / "llmos.db"), LearningConfig())
    moves = [_move(w, n) for w, n in [("Rioja Reserva", 4), ("Pinot Noir", 7), ("Merlot Grand", 2), ("Cava", 9)]]
    engine.observe_many(corpus(0) + moves)
    return engine.plans()


def test_the_plans_fast_paths_agree_with_the_plain_computations(plans: list[Plan]) -> None:
    assert len(plans) > 25
    assert any(_plain_unused(p) for p in plans) and any(not _plain_unused(p) for p in plans)
    assert any(spans.span_slots(p) for p in plans)  # the corpus has values of several words
    for p in plans:
        assert _envelope_checks.unused_slots(p) == _plain_unused(p), p.id
        assert spans.span_slots(p) == _plain_span_slots(p), p.id
        for step in p.steps:
            for leaf in step.leaves:
                for c in leaf.cands:
                    plain = {r[1] for r in ex.refs(c) if r[0] == "tok"}
                    assert ex.token_positions(c) == plain
                    assert ex.token_positions(c) == plain  # memoised
                    with _shortcuts.off():
                        assert ex.token_positions(c) == plain


def test_identifier_keys_judged_once_are_judged_as_before() -> None:
    def plain(path: tuple[Any, ...]) -> bool:
        key = path[-1] if path else None
        return isinstance(key, str) and bool(
            _value_kinds._ID_KEYS.search(key) or _value_kinds._CAMEL_ID_KEY.search(key)
        )

    keys: list[Any] = ["id", "ticket_id", "zip", "customerId", "paid", "valid", "ID", "quantity", 3, "", "uuid"]
    for key in keys * 2:
        assert _value_kinds.id_key(("a", key)) == plain(("a", key)), key
    assert _value_kinds.id_key(()) is False


def test_goal_dates_are_found_with_or_without_the_dash_test() -> None:
    tokens = goals.tokenize_goal("Renew 2026-01-10 cert 20260110 by 2026-04-15T10:30 for order-7")
    dates = _seen_derived._dates([], tokens, [])
    assert [label for label, _d, _p in dates] == ["goal#0", "goal#1"]
    plain = [m.group(0) for t in tokens for m in re.finditer(_seen_derived._DATE_RE, t.text)]
    assert plain == ["2026-01-10", "2026-04-15T10:30"]
