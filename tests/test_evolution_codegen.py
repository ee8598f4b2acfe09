"""Crystallization code generation from real plans (learned by the learning engine from fabricated
traces of the bench families): the module imports, is ruff-clean and ruff-formatted, and calling it
with a supporting trace's own slot values reproduces that trace's calls."""

from __future__ import annotations

import copy
import json
import random
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from test_learning_world import FAMILIES, Harness

from llmos.evolution import crystallize as cz
from llmos.evolution.dispatch import run_crystallized
from llmos.evolution.generated import build_tool, read_info
from llmos.evolution.pycode import Atom, Call, Map, Seq, literal, pystr, statement
from llmos.learning.plans import Plan
from llmos.trace import Trace

ROOT = Path(__file__).resolve().parents[1]
RUFF = Path(sys.executable).with_name("ruff")
FAMILY_NAMES = ["currency", "stock_add", "weather", "email", "note"]


async def learn(tmp: Path, family: str, runs: int = 6, seed: int = 7) -> tuple[Harness, Plan, list[Any]]:
    """A plan learned from `runs` LEARNER runs; returns (harness, plan, [(state before, trace)])."""
    h = Harness(tmp)
    fam = FAMILIES[family]
    rng = random.Random(seed)
    seen = []
    for _ in range(runs):
        params = fam.sample(rng, h.world)
        before = copy.deepcopy(h.world.state)
        out = await h.run(fam, params, mode="learner")
        assert out.trace.success
        seen.append((before, out.trace))
    plans = h.engine.plans()
    assert len(plans) == 1, [p.skeleton_text() for p in plans]
    return h, plans[0], seen


def assert_ruff_clean(paths: list[str]) -> None:
    """`ruff check` and `ruff format --check` pass, with the repo's settings and with ruff's defaults."""
    config = str(ROOT / "pyproject.toml")
    for args in (
        ["check", "--config", config],
        ["format", "--check", "--config", config],
        ["check", "--isolated"],
        ["format", "--check", "--isolated"],
    ):
        done = subprocess.run([str(RUFF), *args, *paths], capture_output=True, text=True, check=False)
        assert done.returncode == 0, (args, done.stdout, done.stderr)


def groups(calls: list[Any]) -> list[list[tuple[str, str]]]:
    """Calls grouped by turn, each group sorted (calls of one turn run concurrently)."""
    out: dict[int, list[tuple[str, str]]] = {}
    for c in calls:
        out.setdefault(c.turn, []).append((c.name, json.dumps(c.arguments, sort_keys=True)))
    return [sorted(out[t]) for t in sorted(out)]


@pytest.fixture(scope="module")
def modules(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Harness, Plan, list[Any], Path]]:
    import asyncio

    out = {}
    folder = tmp_path_factory.mktemp("generated")
    for name in FAMILY_NAMES:
        h, plan, seen = asyncio.run(learn(tmp_path_factory.mktemp(name), name))
        assert cz.problems(plan) == []
        code = cz.generate(plan, cz.tool_name_for(plan))
        path = folder / f"{code.name}.py"
        path.write_text(code.source)
        out[name] = (h, plan, seen, path)
    return out


def test_generated_modules_are_ruff_clean_and_formatted(modules: dict[str, Any]) -> None:
    paths = [str(m[3]) for m in modules.values()]
    assert_ruff_clean(paths)


def test_names_signature_and_docstring(modules: dict[str, Any]) -> None:
    names = {name: m[3].stem for name, m in modules.items()}
    assert names == {
        "currency": "convert_save",
        "stock_add": "add_units_warehouse",
        "weather": "record_temperature_fahrenheit",
        "email": "email_report",
        "note": "create_note_titled_text",
    }
    _h, plan, _seen, path = modules["currency"]
    source = path.read_text()
    info = read_info(source)
    assert (info.name, info.plan_id, info.version) == ("convert_save", plan.id, 1)
    tool = build_tool(source, path)
    assert tool.source == "generated" and tool.metadata["plan_id"] == plan.id
    props = tool.input_schema["properties"]
    assert list(props) == ["a", "src", "dst", "name"] and "ctx" not in props
    assert "bench__get_exchange_rate" in tool.description and plan.trace_ids[-1] in tool.description
    assert "round_half" in source and 'exchange_rate["rate"]' in source
    assert "{a} in the goal" in props["a"]["description"]


@pytest.mark.parametrize("family", FAMILY_NAMES)
async def test_calling_the_module_reproduces_each_supporting_trace(modules: dict[str, Any], family: str) -> None:
    h, plan, seen, path = modules[family]
    tool = build_tool(path.read_text(), path)
    h.registry.register(tool, replace=True)
    for before, trace in seen:
        h.world.state = copy.deepcopy(before)
        fresh = Trace(goal=trace.goal, mode="crystallized")
        ctx = h.ctx(fresh)
        out = await run_crystallized(ctx, SimpleNamespace(goal=trace.goal, plan=plan, plan_id=plan.id), tool)
        assert out.success, out.diverged
        top = fresh.top_level_calls
        assert [c.name for c in top] == [tool.name] and top[0].source == "crystallized"
        inner = [c for c in fresh.tool_calls if c.parent_id == top[0].id]
        assert all(c.source == "inner" for c in inner)
        # same calls as the supporting trace, group by group (inner calls share the outer turn)
        got: dict[int, list[tuple[str, str]]] = {}
        for c in inner:
            step = next(i for i, s in enumerate(plan.steps) if s.name == c.name)
            got.setdefault(plan.steps[step].group, []).append((c.name, json.dumps(c.arguments, sort_keys=True)))
        assert [sorted(got[g]) for g in sorted(got)] == groups(trace.top_level_calls)
        if family != "note":  # note ids grow with every call; everything else answers alike
            assert out.output == trace.output


def test_pycode_layout_and_strings() -> None:
    assert pystr('say "hi"') == "'say \"hi\"'"
    assert pystr("it's") == '"it\'s"'
    assert pystr("a\\b\n") == '"a\\\\b\\n"'
    short = statement("x = ", Call("f", (Atom("a"), Map((('"k"', Seq((Atom("1"),))),)))), 4)
    assert short == '    x = f(a, {"k": [1]})'
    long = statement("x = ", literal({"key": ["v" * 40, "w" * 40]}), 0)
    assert long.splitlines() == [
        "x = {",
        '    "key": [',
        f'        "{"v" * 40}",',
        f'        "{"w" * 40}",',
        "    ],",
        "}",
    ]


def _post_trace(channel: str, message: str) -> Trace:
    from llmos.trace import ToolCallRecord

    footer = 'Sent by the release bot — do not reply; questions go to the {ops} "desk" \\ thanks'
    text = f"[{channel}] {message}"
    result = {"posted": True, "channel": channel, "echo_of_the_whole_text_field": text}
    t = Trace(goal=f'Post the message "{message}" to channel {channel}')
    t.tool_calls = [
        ToolCallRecord("c1", "post", {"channel": channel, "text": text, "footer": footer}, json.dumps(result), turn=1)
    ]
    t.finish("success", f'Posted "{message}" to {channel} {{ok}}.')
    return t


async def test_long_and_odd_strings_stay_ruff_clean_and_exact(tmp_path: Path) -> None:
    from llmos.config import Config
    from llmos.learning.engine import LearningEngine
    from llmos.storage.db import Database
    from llmos.tools.base import tool
    from llmos.tools.registry import ToolRegistry

    long = "a very long message with 'single' quotes, {braces}, back\\slashes and ünïcödé " * 2
    cases = [
        ("general", long.strip()),
        ("random", "short one"),
        ("ops-team", "ship it {now}"),
        ("general", "déjà vu \\o/ 'again'"),
    ]
    db = Database(tmp_path / "llmos.db")
    engine = LearningEngine(db, Config().learning)
    for ch, msg in cases:
        engine.observe(_post_trace(ch, msg))
    (plan,) = engine.plans()
    assert cz.problems(plan) == []
    code = cz.generate(plan, cz.tool_name_for(plan))
    path = tmp_path / f"{code.name}.py"
    path.write_text(code.source)
    assert max(len(line) for line in code.source.splitlines()) <= 88
    assert_ruff_clean([str(path)])
    calls: list[dict[str, Any]] = []

    @tool
    def post(channel: str, text: str, footer: str) -> dict[str, Any]:
        """Post a message."""
        calls.append({"channel": channel, "text": text, "footer": footer})
        return {"posted": True, "channel": channel, "echo_of_the_whole_text_field": text}

    registry = ToolRegistry([post])
    generated = build_tool(code.source, path)
    registry.register(generated)
    from llmos.kernel.context import RunContext
    from llmos.kernel.hooks import HookChain

    for ch, msg in [*cases, ("support", "brand new {message} with 'quotes' \\ ok")]:
        trace = Trace(goal=f'Post the message "{msg}" to channel {ch}')
        ctx = RunContext(trace, tmp_path, registry, HookChain(), Config())
        out = await run_crystallized(ctx, SimpleNamespace(goal=trace.goal, plan=plan, plan_id=plan.id), generated)
        assert out.success, out.diverged
        assert calls[-1]["text"] == f"[{ch}] {msg}" and calls[-1]["footer"].endswith("\\ thanks")
        assert out.output == f'Posted "{msg}" to {ch} {{ok}}.'
    db.close()
