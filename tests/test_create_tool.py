"""create_tool: source checks, examples run in the sandbox, registration, persistence, reload."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from llmos.config import SandboxConfig
from llmos.evolution.create_tool import (
    argument_model,
    assemble_source,
    check_source,
    create_tool_tool,
    load_created_tools,
    same,
)
from llmos.exceptions import ToolDefinitionError
from llmos.execution.sandbox import Sandbox
from llmos.tools.base import ToolContext, ToolOutput, tool
from llmos.tools.registry import ToolRegistry

needs_bwrap = pytest.mark.usefixtures("bwrap_required")  # fails, never skips, without bubblewrap

GOOD = '''
"""Statistics helpers."""
import math
from statistics import mean

SCALE = 2


def _square(x: float) -> float:
    return x * x


def rms(values: list[float], scale: int = 1) -> float:
    return math.sqrt(mean(_square(v) for v in values)) * scale
'''


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("import os\ndef f() -> int:\n    return 1\n", "import of 'os'"),
        ("from subprocess import run\ndef f() -> int:\n    return 1\n", "import from 'subprocess'"),
        ("from . import x\ndef f() -> int:\n    return 1\n", "not allowed"),
        ("def f() -> int:\n    return __import__('os').getpid()\n", "'__import__'"),
        ("def f() -> str:\n    return str((1).__class__)\n", "'__class__'"),
        ("def f() -> str:\n    return open('/etc/passwd').read()\n", "'open'"),
        ("def f() -> int:\n    return eval('1')\n", "'eval'"),
        ("def f() -> int:\n    exec('x = 1')\n    return 1\n", "'exec'"),
        ("def f() -> str:\n    return str(getattr(1, '__class__'))\n", "getattr"),
        ("def f(n: str) -> str:\n    return str(getattr(1, n))\n", "getattr"),
        ("def f() -> str:\n    return '{0.__class__}'.format(1)\n", "format strings"),
        ("def f() -> str:\n    return str(globals())\n", "'globals'"),
        ("class A:\n    pass\ndef f() -> int:\n    return 1\n", "classes"),
        ("async def f() -> int:\n    return 1\n", "async"),
        ("def g() -> int:\n    return 1\n", "no top-level function named 'f'"),
        ("def f(:\n", "syntax error"),
        ("print('side effect')\ndef f() -> int:\n    return 1\n", "top level"),
    ],
)
def test_unsafe_or_bad_sources_are_rejected(source: str, problem: str) -> None:
    with pytest.raises(ToolDefinitionError, match=problem.replace("(", r"\(").replace(".", r"\.")):
        check_source(source, "f")


def test_good_source_passes_and_schema_comes_from_the_annotations() -> None:
    func = check_source(GOOD, "rms")
    model = argument_model("rms", func)
    schema = model.model_json_schema()
    assert schema["properties"]["values"]["type"] == "array"
    assert schema["properties"]["values"]["items"]["type"] == "number"
    assert schema["properties"]["scale"]["default"] == 1
    assert schema["required"] == ["values"]


@pytest.mark.parametrize(
    ("signature", "problem"),
    [
        ("(x)", "type annotation"),
        ("(x: set[int])", "unsupported"),
        ("(*xs: int)", r"\*args"),
        ("(x: int = len([]))", "literal"),
    ],
)
def test_signatures_that_cannot_become_a_schema_are_rejected(signature: str, problem: str) -> None:
    source = assemble_source("f", "", signature, "return 1")
    with pytest.raises(ToolDefinitionError, match=problem):
        argument_model("f", check_source(source, "f"))


def test_signature_and_body_are_assembled() -> None:
    source = assemble_source("add", "", "def add(a: int, b: int = 2) -> int:", "total = a + b\nreturn total")
    assert source == "def add(a: int, b: int = 2) -> int:\n    total = a + b\n    return total\n"
    with pytest.raises(ToolDefinitionError, match="either"):
        assemble_source("add", "", "", "")


def test_json_comparison() -> None:
    assert same(0.1 + 0.2, 0.3) and same([1, (2, 3)], [1, [2, 3]]) and same({"a": 1}, {"a": 1.0})
    assert not same(True, 1) and not same([1], [1, 2]) and not same("1", 1)


def _ctx(workspace: Path, denied: set[str] | None = None) -> tuple[ToolContext, list[str]]:
    seen: list[str] = []

    async def call_tool(name: str, args: dict[str, Any]) -> ToolOutput:
        seen.append(name)
        if name in (denied or set()):
            return ToolOutput(f"denied by policy: {name}", is_error=True)
        return ToolOutput(f"{name} says {args.get('text', '')}")

    return ToolContext(workspace=workspace, run_id="r1", call_tool=call_tool), seen


def _sandbox() -> Sandbox:
    return Sandbox(SandboxConfig.model_validate({"backend": "bwrap"}))


@needs_bwrap
async def test_happy_path_registers_persists_and_runs_in_the_sandbox(tmp_path: Path) -> None:
    registry = ToolRegistry()
    created: list[tuple[str, str]] = []
    maker = create_tool_tool(_sandbox(), registry, on_created=lambda n, s: created.append((n, s)))
    assert maker.name == "create_tool" and maker.kind == "file_write"
    ctx, _ = _ctx(tmp_path)
    out = await maker.call(
        {
            "name": "rms",
            "description": "Root mean square of numbers, times a scale.",
            "source": GOOD,
            "examples": [
                {"args": {"values": [3, 4]}, "expected": 3.5355339059327378},
                {"args": {"values": [1, 1], "scale": 2}, "expected": 2.0},
            ],
        },
        ctx,
    )
    assert not out.is_error, out.content
    assert "2/2 examples passed" in out.content
    created_tool = registry.require("rms")
    assert created_tool.source == "sandbox" and created_tool.kind == "function"
    path = tmp_path / "tools" / "generated" / "created" / "rms.py"
    assert path.exists() and "def rms" in path.read_text()
    assert created == [("rms", GOOD.strip("\n") + "\n")]

    result = await created_tool.call({"values": [2, 2]}, ctx)
    assert not result.is_error and result.data == 2.0
    bad = await created_tool.call({"values": "nope"}, ctx)
    assert bad.is_error and "values" in bad.content

    # reload from disk into a fresh registry
    fresh = ToolRegistry()
    assert load_created_tools(tmp_path, _sandbox(), fresh) == ["rms"]
    again = await fresh.require("rms").call({"values": [5]}, ctx)
    assert again.data == 5.0


@needs_bwrap
async def test_failing_examples_register_nothing(tmp_path: Path) -> None:
    registry = ToolRegistry()
    maker = create_tool_tool(_sandbox(), registry)
    ctx, _ = _ctx(tmp_path)
    out = await maker.call(
        {
            "name": "double",
            "description": "Double a number.",
            "signature": "(x: int) -> int",
            "body": "return x * 3",
            "examples": [{"args": {"x": 2}, "expected": 4}, {"args": {"x": 0}, "expected": 0}],
        },
        ctx,
    )
    assert out.is_error and "expected 4, got 6" in out.content and "example 1" in out.content
    assert "double" not in registry
    assert not (tmp_path / "tools").exists()

    crash = await maker.call(
        {
            "name": "boom",
            "description": "Raises.",
            "source": "def boom(x: int) -> int:\n    return 1 // x\n",
            "examples": [{"args": {"x": 0}, "expected": 0}],
        },
        ctx,
    )
    assert crash.is_error and "ZeroDivisionError" in crash.content


@needs_bwrap
async def test_created_tool_calls_other_tools_through_ctx_call_tool(tmp_path: Path) -> None:
    registry = ToolRegistry()
    maker = create_tool_tool(_sandbox(), registry)
    ctx, seen = _ctx(tmp_path, denied={"rm"})
    source = (
        "def relay(text: str) -> list:\n"
        "    first = call_tool('echo', text=text)\n"
        "    try:\n"
        "        call_tool('rm', path='/')\n"
        "        second = 'allowed'\n"
        "    except ToolCallError as e:\n"
        "        second = str(e)\n"
        "    return [first, second]\n"
    )
    out = await maker.call(
        {
            "name": "relay",
            "description": "Echo through another tool.",
            "source": source,
            "examples": [{"args": {"text": "hi"}, "expected": ["echo says hi", "denied by policy: rm"]}],
        },
        ctx,
    )
    assert not out.is_error, out.content
    assert seen == ["echo", "rm"]
    result = await registry.require("relay").call({"text": "yo"}, ctx)
    assert result.data == ["echo says yo", "denied by policy: rm"]
    assert seen == ["echo", "rm", "echo", "rm"]


async def test_bad_requests_are_errors_for_the_model(tmp_path: Path) -> None:
    @tool
    def existing(x: int) -> int:
        """A builtin."""
        return x

    registry = ToolRegistry([existing])
    maker = create_tool_tool(_sandbox(), registry)
    ctx, _ = _ctx(tmp_path)
    base = {"description": "d", "source": "def existing(x: int) -> int:\n    return x\n"}
    clash = await maker.call({**base, "name": "existing", "examples": [{"args": {"x": 1}, "expected": 1}]}, ctx)
    assert clash.is_error and "already exists" in clash.content
    no_examples = await maker.call({**base, "name": "other", "examples": []}, ctx)
    assert no_examples.is_error and "at least one example" in no_examples.content
    bad_name = await maker.call({**base, "name": "Bad-Name", "examples": [{"args": {}, "expected": 1}]}, ctx)
    assert bad_name.is_error and "bad tool name" in bad_name.content
    unsafe = await maker.call(
        {
            "name": "sneaky",
            "description": "d",
            "source": "import os\ndef sneaky() -> str:\n    return os.getcwd()\n",
            "examples": [{"args": {}, "expected": "/"}],
        },
        ctx,
    )
    assert unsafe.is_error and "import of 'os'" in unsafe.content
    bad_example = await maker.call(
        {
            "name": "inc",
            "description": "d",
            "source": "def inc(x: int) -> int:\n    return x + 1\n",
            "examples": [{"args": {"y": 1}, "expected": 2}],
        },
        ctx,
    )
    assert bad_example.is_error and "y" in bad_example.content
