"""A loop's listing answers as every plan it was learned from would (`loops/_answer.judged_by_every_plan`).

The loop's plan for a live list took its example answer from the first plan only: lists of two books
whose answers stated no figure ("None of them is overdue."), lists of three whose answers stated a count
("1 overdue: ..."). A list of four with two overdue books was answered by a listing of the readings,
which leaves out the count the answers of three-book lists stated (`families_loops3.py` l3_freezers)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_learning_world import PREFIX, Calls, Family, Harness, World, nothing, run_ok

from llmos.learning.risk import registry_risk

BOOKS = [f"B{n}" for n in range(7101, 7131)]


class LibraryWorld(World):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.state.update(books={b: {"book": b, "state": "on loan", "days_left": 9} for b in BOOKS})

    def apply(self, state: dict[str, Any], name: str, a: dict[str, Any]) -> Any:
        if name == "book_loan":
            return dict(state["books"][a["book"]])
        return super().apply(state, name, a)

    def registry(self) -> Any:
        reg = super().registry()
        self.register(reg, {"book_loan": ["book"]})
        tool = reg.get(PREFIX + "book_loan")
        assert tool is not None
        tool.metadata["annotations"] = {"readOnlyHint": True}
        return reg


def listed(items: list[str]) -> str:
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else items[0]


async def solve_overdue(p: dict[str, Any], calls: Calls) -> str:
    late = []
    for b in p["books"]:
        (r,) = await calls([("book_loan", {"book": b})])
        if r["state"] == "overdue":
            late.append(b)
    return "None of them is overdue." if not late else f"{len(late)} overdue: {', '.join(late)}."


OVERDUE = Family("overdue", "Which of the books {books_text} are overdue?", solve_overdue, nothing)


def harness(tmp: Path) -> Harness:
    h = Harness(tmp)
    h.world = LibraryWorld()
    h.registry = h.world.registry()
    h.engine.risk_of = registry_risk(h.registry)
    return h


def params(books: list[str]) -> dict[str, Any]:
    return {"books": books, "books_text": listed(books)}


async def test_a_loop_listing_never_leaves_out_a_figure_another_lengths_answers_stated(tmp_path: Path) -> None:
    h = harness(tmp_path)
    books = h.world.state["books"]
    for k in range(4):  # the plan of two-book lists has more support: the loop's first plan, its example
        await run_ok(h, OVERDUE, params(BOOKS[2 * k : 2 * k + 2]))
    for k in range(3):
        three = BOOKS[8 + 3 * k : 11 + 3 * k]
        books[three[k]].update(state="overdue", days_left=-4)
        await run_ok(h, OVERDUE, params(three))
    live = BOOKS[20:24]
    for b in live[1:3]:
        books[b].update(state="overdue", days_left=-3)
    out = await h.run(OVERDUE, params(live))
    said = str(out.trace.output or "")
    assert out.correct and said == "2 overdue: B7122, B7123.", (out.decision.mode, out.decision.plan_id, said)


def test_a_plan_whose_answer_was_contradicted_leaves_the_loops_listing_to_the_model() -> None:
    """One plan of the loop holds runs that did not teach its answer (`fit_runs`): the segment's records
    join every run of every plan, so no result of the live list is one like those of the runs that taught
    the answer: a read-only loop's listing stops (`_seen_answer.listing_problem`)."""
    from llmos.learning import explain as ex
    from llmos.learning._seen_answer import listing_problem
    from llmos.learning.loops._answer import judged_by_every_plan
    from llmos.learning.plans import Plan, PlanStep

    def plan(pid: str, fit_runs: int) -> Plan:
        p = Plan(id=pid, agent="a", skeleton=[], slots={}, steps=[PlanStep("book_loan", 0, {}, [])])
        p.fit_runs, p.example = fit_runs, {"goal": "g", "answer": "Done."}
        return p

    text = '{"book": "B7101", "state": "on loan"}'
    env = ex.Env(tokens=[], texts=[text], parsed=[ex.parse_result(text)])
    risk = lambda name: "read_only"  # noqa: E731
    live = plan("loop:a+b", 0)  # no template: a listing
    judged_by_every_plan(live, [plan("a", 0), plan("b", 0)])
    assert listing_problem(live, env, [{"book": "B7101"}], risk) is None
    judged_by_every_plan(live, [plan("a", 0), plan("b", 2)])
    assert listing_problem(live, env, [{"book": "B7101"}], risk) is not None
