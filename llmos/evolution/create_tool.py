"""`create_tool`: the model writes a new tool; it is checked, tested in the sandbox, then registered.

    registry.register(create_tool_tool(sandbox, registry, on_created=evolution_log.record))

The model gives a name, a description, the function (full source, or a typed signature + body)
and example calls with their expected results. The source is parsed with `ast` and checked
(imports only from an allow-list, no dunder names or attributes, no exec/eval/open/compile/
globals/...), never executed on the host: the argument schema comes from the annotations
(`_toolsource.py`). Then the examples run in the sandbox; only when every one returns its expected value is the tool
registered (source "sandbox", kind "function") and saved to
WORKSPACE/tools/generated/created/NAME.py. Every later call runs in the sandbox again, with
`call_tool` wired to the caller's `ctx.call_tool` (the hook chain: policy, budget, trace).
"""

from __future__ import annotations

import inspect
import json
import keyword
import math
import re
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from llmos.evolution._toolsource import (
    ALLOWED_IMPORTS,
    BANNED_NAMES,
    argument_model,
    assemble_source,
    check_source,
    input_schema,
)
from llmos.exceptions import SandboxError, ToolDefinitionError
from llmos.execution.sandbox import Sandbox
from llmos.tools.base import Tool, ToolContext, ToolOutput, function_tool, to_text
from llmos.tools.registry import ToolRegistry

if TYPE_CHECKING:
    from llmos.storage.versions import VersionStore

__all__ = [
    "ALLOWED_IMPORTS",
    "BANNED_NAMES",
    "CREATED_DIR",
    "HEADER",
    "TOOL_NAME",
    "ToolExample",
    "argument_model",
    "assemble_source",
    "check_source",
    "create_tool_tool",
    "created_path",
    "load_created_tools",
    "parse_created",
    "persist",
    "run_examples",
    "same",
    "sandboxed_tool",
]

TOOL_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,63}$")
HEADER = "# llmos-created-tool "
CREATED_DIR = Path("tools") / "generated" / "created"
OnCreated = Callable[[str, str], Any]


def created_path(name: str) -> str:
    """The workspace-relative path (posix) where the created tool `name` is saved."""
    return (CREATED_DIR / f"{name}.py").as_posix()


def parse_created(text: str) -> tuple[dict[str, Any], str] | None:
    """(header metadata, source) of a saved created tool; None when the header line is missing."""
    first, _, source = text.partition("\n")
    if not first.startswith(HEADER):
        return None
    meta: dict[str, Any] = json.loads(first[len(HEADER) :])
    return meta, source


class ToolExample(BaseModel):
    """One example call of a tool being created: arguments and the exact expected return value."""

    model_config = ConfigDict(extra="forbid")
    args: dict[str, Any] = Field(default_factory=dict, description="keyword arguments of the call")
    expected: Any = Field(description="the JSON value the call must return")


# ---- examples -------------------------------------------------------------------------------------


def same(got: Any, expected: Any) -> bool:
    """JSON equality with float tolerance (tuples and lists are the same in JSON)."""
    if isinstance(got, bool) or isinstance(expected, bool):
        return got is expected
    if isinstance(got, (int, float)) and isinstance(expected, (int, float)):
        return math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(got, (list, tuple)) and isinstance(expected, (list, tuple)):
        return len(got) == len(expected) and all(same(g, e) for g, e in zip(got, expected, strict=True))
    if isinstance(got, dict) and isinstance(expected, dict):
        return got.keys() == expected.keys() and all(same(got[k], expected[k]) for k in got)
    return bool(got == expected)


async def run_examples(
    sandbox: Sandbox, source: str, name: str, examples: list[tuple[dict[str, Any], Any]], ctx: ToolContext
) -> list[str]:
    """Run every example in one sandboxed call; returns the failures (empty: all passed)."""
    harness = f"_llmos_examples_{secrets.token_hex(4)}"
    code = (
        f"{source}\n\ndef {harness}(cases):\n    out = []\n    for args in cases:\n        try:\n"
        f"            out.append({{'ok': True, 'value': {name}(**args)}})\n"
        "        except Exception as e:\n"
        "            out.append({'ok': False, 'error': type(e).__name__ + ': ' + str(e)})\n"
        "    return out\n"
    )
    result = await sandbox.run(
        code, function=harness, args={"cases": [a for a, _ in examples]}, tool_handler=ctx.call_tool
    )
    if not result.ok:
        return [f"the examples could not run: {result.error}"]
    if not isinstance(result.value, list) or len(result.value) != len(examples):
        return ["the examples returned an unexpected shape"]
    failures = []
    for i, ((args, expected), got) in enumerate(zip(examples, result.value, strict=True), 1):
        outcome = got if isinstance(got, dict) else {}
        if not outcome.get("ok"):
            failures.append(f"example {i} {json.dumps(args)}: raised {outcome.get('error')}")
        elif not same(outcome.get("value"), expected):
            failures.append(
                f"example {i} {json.dumps(args)}: expected {json.dumps(expected)}, "
                f"got {json.dumps(outcome.get('value'))}"
            )
    return failures


# ---- the created tool and the create_tool tool ----------------------------------------------------


def sandboxed_tool(sandbox: Sandbox, name: str, description: str, source: str, **metadata: Any) -> Tool:
    """A checked tool whose every call runs in the sandbox (call_tool wired to ctx.call_tool)."""
    model = argument_model(name, check_source(source, name))

    async def invoke(args: dict[str, Any], ctx: ToolContext) -> ToolOutput:
        result = await sandbox.run(source, function=name, args=args, tool_handler=ctx.call_tool)
        notes = "".join(f"\n[note: {n}]" for n in result.notes)
        if not result.ok:
            return ToolOutput(f"ERROR: {result.error}{notes}", is_error=True)
        return ToolOutput(to_text(result.value) + notes, data=result.value)

    meta = {"created_by": "create_tool", **metadata}
    return Tool(
        name=name,
        description=description,
        input_schema=input_schema(model),
        invoke=invoke,
        source="sandbox",
        kind="function",
        validator=model,
        metadata=meta,
    )


def persist(
    workspace: Path,
    name: str,
    description: str,
    source: str,
    examples: list[dict[str, Any]],
    *,
    versions: VersionStore | None = None,
    run_id: str | None = None,
) -> Path:
    """Write WORKSPACE/tools/generated/created/NAME.py (header line + source), atomically. With
    `versions`, the write is a "tool.create" change of the evolution log (who, why, diff)."""
    folder = workspace / CREATED_DIR
    folder.mkdir(parents=True, exist_ok=True)
    header = json.dumps({"name": name, "description": description, "examples": examples}, ensure_ascii=False)
    path = folder / f"{name}.py"
    content = f"{HEADER}{header}\n{source}"
    if versions is not None:
        why = f"the model created the tool {name}: {description}"[:500]
        versions.write(
            "tool.create",
            f"tool:{name}",
            created_path(name),
            content,
            who="model",
            why=why,
            run_id=run_id,
        )
        return path
    tmp = path.with_suffix(".py.tmp")
    tmp.write_text(content, encoding="utf-8")
    tmp.replace(path)
    return path


def load_created_tools(workspace: Path, sandbox: Sandbox, registry: ToolRegistry) -> list[str]:
    """Re-register the tools saved under tools/generated/created (each re-checked); returns their names."""
    loaded = []
    for path in sorted((workspace / CREATED_DIR).glob("*.py")):
        parsed = parse_created(path.read_text(encoding="utf-8"))
        if parsed is None:
            raise ToolDefinitionError(f"{path}: not a created tool (missing the {HEADER.strip()!r} header line)")
        meta, source = parsed
        tool = sandboxed_tool(sandbox, meta["name"], meta["description"], source, path=str(path))
        registry.register(tool, replace=True)
        loaded.append(tool.name)
    return loaded


def create_tool_tool(
    sandbox: Sandbox,
    registry: ToolRegistry,
    on_created: OnCreated | None = None,
    *,
    versions: VersionStore | None = None,
) -> Tool:
    """The `create_tool` tool. `on_created(name, source)` (sync or async) runs after each registration;
    with `versions`, every created tool is a versioned "tool.create" change (revertible)."""

    async def create_tool(
        name: str,
        description: str,
        examples: list[ToolExample],
        ctx: ToolContext,
        source: str = "",
        signature: str = "",
        body: str = "",
    ) -> ToolOutput:
        """Create a new tool from a Python function, tested in a sandbox before it is registered.

        Args:
            name: the tool name: lowercase letters, digits and _ (also the function's name)
            description: what the tool does, for whoever will call it
            examples: example calls with the exact JSON value each must return (at least one)
            source: the full function source (`def NAME(a: int) -> int: ...`); or use signature + body
            signature: the typed signature, e.g. `(a: int, b: int = 2) -> int`
            body: the function body (without the def line)
        """
        if not TOOL_NAME.match(name) or keyword.iskeyword(name):
            return ToolOutput(f"ERROR: bad tool name {name!r}: use lowercase letters, digits and _", is_error=True)
        existing = registry.get(name)
        if existing is not None and existing.metadata.get("created_by") != "create_tool":
            return ToolOutput(f"ERROR: a tool named {name!r} already exists ({existing.source})", is_error=True)
        if not examples:
            return ToolOutput("ERROR: give at least one example call with its expected result", is_error=True)
        try:
            code = assemble_source(name, source, signature, body)
            tool = sandboxed_tool(sandbox, name, description.strip() or name, code)
            cases = [(tool.validate(dict(e.args)), e.expected) for e in examples]
        except (ToolDefinitionError, ValueError) as e:
            return ToolOutput(f"ERROR: {e}", is_error=True)
        try:
            failures = await run_examples(sandbox, code, name, cases, ctx)
        except SandboxError as e:
            return ToolOutput(f"ERROR: tools cannot be created without a sandbox: {e}", is_error=True)
        if failures:
            return ToolOutput(
                "ERROR: the tool was not created; failing examples:\n- " + "\n- ".join(failures),
                is_error=True,
            )
        plain = [{"args": e.args, "expected": e.expected} for e in examples]
        path = persist(ctx.workspace, name, tool.description, code, plain, versions=versions, run_id=ctx.run_id)
        tool.metadata.update({"path": str(path), "examples": plain})
        registry.register(tool, replace=True)
        if on_created is not None:
            outcome = on_created(name, code)
            if inspect.isawaitable(outcome):
                await outcome
        params = ", ".join(tool.input_schema.get("properties", {}))
        return ToolOutput(
            f"created tool {name}({params}): {len(examples)}/{len(examples)} examples passed; saved to "
            f"{CREATED_DIR / (name + '.py')}",
            data={"name": name, "path": str(path)},
        )

    return function_tool(create_tool, name="create_tool", source="builtin", kind="file_write")
