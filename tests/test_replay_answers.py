"""Rule 5: a FOLLOWER or CRYSTALLIZED answer states only values of THIS run (issue 9).

The repros of the issue: the README's `add` tool answered "Add 4 and 4" with the sum of an earlier
run, `Read the file r3.txt` answered another file's text, and a crystallized tool contained an
earlier answer. Plain-text results count as results.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from llmos.learning import answers
from llmos.learning import explain as ex
from llmos.learning.goals import tokenize
from llmos.models.base import ModelRequest, ToolCall, ToolResult
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.tools.base import tool


@tool
def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


def env(goal: str, *results: str) -> ex.Env:
    return ex.Env(tokenize(goal), list(results), [ex.parse_result(r) for r in results])


def learned(*runs: tuple[str, str, list[str]]) -> list[ex.Cand]:
    parts: list[ex.Cand] = []
    for goal, answer, results in runs:
        parts = answers.learn(parts, answer, env(goal, *results))
    return parts


# ---------------------------------------------------------------- the template, unit by unit
def test_a_plain_text_result_is_a_value_of_the_run() -> None:
    parts = learned(
        ("Read the file r1.txt", "The file says: apple", ["apple"]),
        ("Read the file r2.txt", "The file says: banana", ["banana"]),
    )
    assert answers.usable(parts)
    live = env("Read the file r3.txt", "cherry pie\n")
    assert answers.render(parts, live) == "The file says: cherry pie"


def test_one_run_is_not_enough_and_a_misfit_starts_again() -> None:
    one = learned(("Add 2 and 3", "2 + 3 = 5", ["5"]))
    assert not answers.usable(one)
    assert answers.render(one, env("Add 4 and 4", "8")) is None
    # the second run words its answer differently: the count starts again from that run
    two = learned(("Add 2 and 3", "2 + 3 = 5", ["5"]), ("Add 50 and 51", "The sum is 101", ["101"]))
    assert not answers.usable(two)
    assert answers.final_answer(two, ["add"], env("Add 4 and 4", "8")) == "Done.\n- add: 8"


def test_a_paraphrased_result_is_never_phrasing() -> None:
    # both supporting runs read the same memo text and paraphrased it: the words are not constant
    # phrasing, they are the result's, and the next memo says something else
    parts = learned(
        ("Read the memo alpha", "It says the budget was approved.", ["Budget approved for Q3"]),
        ("Read the memo beta", "It says the budget was approved.", ["Budget approved for Q3"]),
    )
    assert parts[0][0] == "untraced" and "'approved'" in parts[0][1]
    out = answers.final_answer(parts, ["read_memo"], env("Read the memo gamma", "Canteen closed on Friday"))
    assert out == "Done.\n- read_memo: Canteen closed on Friday"


def test_a_value_with_two_explanations_that_disagree_live_is_not_said() -> None:
    # in both runs the quantity and the goal's number were equal: two explanations of one hole
    parts = learned(
        ("Check 5 units of A-1", "There are 5 units.", ['{"quantity": 5}']),
        ("Check 7 units of B-2", "There are 7 units.", ['{"quantity": 7}']),
    )
    assert answers.usable(parts)
    assert answers.render(parts, env("Check 9 units of C-3", '{"quantity": 9}')) == "There are 9 units."
    assert answers.render(parts, env("Check 9 units of C-3", '{"quantity": 4}')) is None
    listing = answers.final_answer(parts, ["check"], env("Check 9 units of C-3", '{"quantity": 4}'))
    assert listing == 'Done.\n- check: {"quantity": 4}'


def test_an_argument_the_run_computed_is_a_value_of_the_run() -> None:
    # ceil(kids / 6) packs: stated by the answer, in no result (the result is an order id)
    def run(goal: str, packs: int, order: int) -> tuple[str, ex.Env, list[Any]]:
        return f"Ordered {packs} packs (order {order}).", env(goal, f'{{"order_id": {order}}}'), [{"packs": packs}]

    parts: list[ex.Cand] = []
    for goal, packs, order in (("Order packs for 23 kids", 4, 17), ("Order packs for 31 kids", 6, 18)):
        answer, e, args = run(goal, packs, order)
        parts = answers.learn(parts, answer, e, args)
    assert answers.usable(parts)
    _, live, _ = run("Order packs for 25 kids", 5, 19)
    assert answers.render(parts, live, [{"packs": 5}]) == "Ordered 5 packs (order 19)."
    assert answers.listing(["order"], live, [{"packs": 5}]) == 'Done.\n- order({"packs": 5}): {"order_id": 19}'


def test_numbers_are_not_found_inside_other_numbers() -> None:
    parts = answers.template_of("Saved 12.5 and 125 and 12", env("Save 12", '{"v": 12.5, "w": 125}'))
    holes = [p for p in parts if p[0] == "hole"]
    assert len(holes) == 3
    lits = [p[1] for p in parts if p[0] == "lit"]
    assert lits == ["Saved ", " and ", " and "]


# ---------------------------------------------------------------- the repros, end to end
async def test_readme_add_tool_follower_states_this_runs_sum(tmp_path: Path) -> None:
    async with LLMOS(workspace=tmp_path, model="test", tools=[add]) as os:
        for goal in ("Add 2 and 3", "Add 50 and 51", "Add 7 and 9", "Add 6 and 1", "Add 8 and 2"):
            r = await os.execute(goal)
            assert r.success, r.to_dict()
        out = await os.execute("Add 4 and 4")
        assert out.mode == "follower" and out.llm_calls == 0, out.to_dict()
        assert out.tool_calls[0]["result"] == "8"
        # "1 tool call" was the same in every supporting answer: no evidence of what it counts, not said
        assert out.output == 'Done.\n- add({"a": 4, "b": 4}): 8', out.output


async def test_read_file_follower_states_this_files_text(tmp_path: Path) -> None:
    texts = {f"r{i}.txt": "banana" for i in range(1, 7)} | {"r9.txt": "cherry pie"}
    for name, text in texts.items():
        (tmp_path / name).write_text(text)
    async with LLMOS(workspace=tmp_path, model="test") as os:
        for i in range(1, 7):  # every supporting run read the same text
            assert (await os.execute(f"Read the file r{i}.txt")).success
        out = await os.execute("Read the file r9.txt")
        assert out.mode in ("follower", "crystallized") and out.llm_calls == 0, out.to_dict()
        assert "cherry pie" in out.output and "banana" not in out.output and "apple" not in out.output


MEMOS = {
    "alpha": "Hiro says the coffee budget is 324 euros this quarter.",
    "beta": "From 15 May the recycling desk opens at 9:30; Hiro is in charge.",
    "gamma": "Please stop using the old coffee form. Farid has a new one.",
}


def memo_model(request: ModelRequest) -> Any:
    goal = next(m.text for m in request.messages if m.role == "user" and "memo" in m.text)
    name = goal.split("'")[-2]
    results = [b for m in request.messages for b in m.content if isinstance(b, ToolResult)]
    if not results:
        return ToolCall("", "read_memo", {"name": name})
    return f"The memo '{name}' says: {results[-1].content}"


def memo_tools(memos: dict[str, str]) -> list[Any]:
    @tool
    def read_memo(name: str) -> str:
        """Read a memo by name; returns its text as plain text."""
        return memos[name]

    return [read_memo]


async def test_crystallized_tool_holds_no_earlier_answer(tmp_path: Path) -> None:
    memos = {f"m{i}": f"Memo number {i}: {text}" for i, text in enumerate(MEMOS.values())}
    memos |= {f"x{i}": text for i, text in enumerate(["Lunch moved to noon.", "Ship the beta on Friday."] * 5)}
    overrides = {"evolution": {"min_uses": 3}}
    model = TestModel(script=memo_model)
    async with LLMOS(workspace=tmp_path, model=model, tools=memo_tools(memos), overrides=overrides) as os:
        outs = [await os.execute(f"What does the memo '{name}' say?") for name in memos]
        assert all(o.success for o in outs)
        cryst = [o for o in outs if o.mode == "crystallized"]
        assert cryst, [o.mode for o in outs]
        for name, out in zip(memos, outs, strict=True):
            assert out.output == f"The memo '{name}' says: {memos[name]}", (out.mode, out.output)
        source = next((tmp_path / "tools" / "generated").glob("*.py")).read_text()
        for text in memos.values():
            for piece in (text, text[:12]):
                assert piece not in source, piece
        assert "return run.answer()" in source
