"""`create_tool`: the model writes a new tool; it is checked, tested in the sandbox, then registered.

    registry.register(create_tool_tool(sandbox, registry, on_created=evolution_log.record))

The model gives a name, a description, the function (full source, or a typed signature + body)
and example calls with their expected results. The source is parsed with `ast` and checked
(imports only from an allow-list, no dunder names or attributes, no exec/eval/open/compile/
globals/...), never executed on the host: the argument schema comes from the annotations. Then
the examples run in the sandbox; only when every one returns its expected value is the tool
registered (source "sandbox", kind "function") and saved to
WORKSPACE/tools/generated/created/NAME.py. Every later call runs in the sandbox again, with
`call_tool` wired to the caller's `ctx.call_tool` (the hook chain: policy, budget, trace).
"""

from __future__ import annotations

import ast
import inspect
import json
import keyword
import math
import re
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, create_model

from llmos.exceptions import SandboxError, ToolDefinitionError
from llmos.execution.sandbox import Sandbox
from llmos.tools.base import Tool, ToolContext, ToolOutput, function_tool, to_text
from llmos.tools.registry import ToolRegistry

if TYPE_CHECKING:
    from llmos.storage.versions import VersionStore

ALLOWED_IMPORTS = frozenset(
    {"math", "json", "re", "datetime", "statistics", "itertools", "functools", "collections", "decimal"}
    | {"fractions", "string", "typing", "operator", "heapq", "bisect", "textwrap", "unicodedata", "random"}
)
_ALLOWED_TEXT = ", ".join(sorted(ALLOWED_IMPORTS))
BANNED_NAMES = frozenset(
    {"exec", "eval", "compile", "open", "__import__", "globals", "locals", "vars", "setattr", "delattr"}
    | {"breakpoint", "input", "help", "exit", "quit"}
)
TOOL_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,63}$")
HEADER = "# llmos-created-tool "
CREATED_DIR = Path("tools") / "generated" / "created"
OnCreated = Callable[[str, str], Any]


class ToolExample(BaseModel):
    """One example call of a tool being created: arguments and the exact expected return value."""

    model_config = ConfigDict(extra="forbid")
    args: dict[str, Any] = Field(default_factory=dict, description="keyword arguments of the call")
    expected: Any = Field(description="the JSON value the call must return")


# ---- checking the source ----------------------------------------------------------------------


def _dunder(name: str) -> bool:
    return name.startswith("__")


class _Checker(ast.NodeVisitor):
    def __init__(self) -> None:
        self.problems: list[str] = []

    def bad(self, node: ast.AST, why: str) -> None:
        self.problems.append(f"line {getattr(node, 'lineno', '?')}: {why}")

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name.split(".")[0] not in ALLOWED_IMPORTS:
                self.bad(node, f"import of {alias.name!r} is not allowed (allowed: {_ALLOWED_TEXT})")

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level or (node.module or "").split(".")[0] not in ALLOWED_IMPORTS:
            self.bad(node, f"import from {node.module!r} is not allowed")
        for alias in node.names:
            if alias.name == "*" or _dunder(alias.name):
                self.bad(node, f"importing {alias.name!r} is not allowed")

    def visit_Name(self, node: ast.Name) -> None:
        if _dunder(node.id) or node.id in BANNED_NAMES:
            self.bad(node, f"use of {node.id!r} is not allowed")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if _dunder(node.attr) or node.attr in {"format_map", "gi_frame", "f_globals", "f_back", "tb_frame"}:
            self.bad(node, f"access to attribute {node.attr!r} is not allowed")
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Name) and node.func.id in {"getattr", "hasattr"}:
            attr = node.args[1] if len(node.args) > 1 else None
            if not (isinstance(attr, ast.Constant) and isinstance(attr.value, str) and not attr.value.startswith("_")):
                self.bad(node, f"{node.func.id} needs a literal attribute name that does not start with '_'")
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and re.search(r"\{[^{}]*(\.|\[)\s*_", node.value):
            self.bad(node, "format strings may not reach attributes starting with '_'")

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.bad(node, "classes are not allowed in a created tool; use functions")

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self.bad(node, "async functions are not allowed; write a plain def")

    def visit_Global(self, node: ast.Global) -> None:
        self.bad(node, "global statements are not allowed")


def check_source(source: str, name: str) -> ast.FunctionDef:
    """Parse and check a tool's source; returns the tool function's node or raises with every problem."""
    try:
        tree = ast.parse(source)
    except SyntaxError as e:
        raise ToolDefinitionError(f"syntax error at line {e.lineno}: {e.msg}") from None
    checker = _Checker()
    func: ast.FunctionDef | None = None
    for i, node in enumerate(tree.body):
        if isinstance(node, ast.FunctionDef):
            if node.name == name:
                func = node
        elif isinstance(node, (ast.Import, ast.ImportFrom, ast.Assign, ast.AnnAssign)):
            pass
        elif not (i == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):
            checker.bad(node, "only imports, constants and function definitions are allowed at the top level")
    checker.visit(tree)
    if func is None:
        checker.problems.append(f"no top-level function named {name!r}")
    if checker.problems:
        raise ToolDefinitionError("the tool source was rejected:\n- " + "\n- ".join(checker.problems))
    assert func is not None
    return func


def assemble_source(name: str, source: str, signature: str, body: str) -> str:
    """The full module source from either `source` or `signature` + `body`."""
    if source.strip():
        return source.strip("\n") + "\n"
    if not signature.strip() or not body.strip():
        raise ToolDefinitionError("give either `source` (the full function) or both `signature` and `body`")
    sig = signature.strip().rstrip(":")
    if sig.startswith("def "):
        sig = sig[4:].strip()
    if sig.startswith(name):
        sig = sig[len(name) :].strip()
    lines = inspect.cleandoc(body).splitlines()
    return f"def {name}{sig}:\n" + "\n".join("    " + line if line else "" for line in lines) + "\n"


# ---- the argument schema, from the annotations (never by running the code) -----------------------

_SIMPLE: dict[str, Any] = {"int": int, "float": float, "str": str, "bool": bool, "list": list, "dict": dict}
_SIMPLE |= {"Any": Any, "None": type(None), "List": list, "Dict": dict}


def _annotation(node: ast.expr | None) -> Any:
    if node is None:
        raise ToolDefinitionError("every parameter needs a type annotation (int, float, str, bool, list, dict)")
    if isinstance(node, ast.Constant) and node.value is None:
        return type(None)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return _annotation(ast.parse(node.value, mode="eval").body)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "typing":
        node = ast.Name(node.attr)
    if isinstance(node, ast.Name) and node.id in _SIMPLE:
        return _SIMPLE[node.id]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return Union[_annotation(node.left), _annotation(node.right)]  # noqa: UP007
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        base = node.value.id
        items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if base in ("list", "List") and len(items) == 1:
            return list[_annotation(items[0])]  # type: ignore[misc]
        if base in ("dict", "Dict") and len(items) == 2:
            return dict[_annotation(items[0]), _annotation(items[1])]  # type: ignore[misc]
        if base == "Optional" and len(items) == 1:
            return Optional[_annotation(items[0])]  # noqa: UP045
        if base == "Literal" and all(isinstance(i, ast.Constant) for i in items):
            return Literal[tuple(i.value for i in items if isinstance(i, ast.Constant))]
    raise ToolDefinitionError(
        f"unsupported type annotation {ast.unparse(node)!r}: use int, float, str, bool, list[...], "
        "dict[str, ...], Literal[...], X | None"
    )


def argument_model(name: str, func: ast.FunctionDef) -> type[BaseModel]:
    """A pydantic model of the function's parameters (validator and JSON schema of the tool)."""
    a = func.args
    if a.vararg or a.kwarg or a.posonlyargs:
        raise ToolDefinitionError("*args, **kwargs and positional-only parameters are not supported")
    params = a.args + a.kwonlyargs
    defaults: list[ast.expr | None] = [None] * (len(a.args) - len(a.defaults)) + list(a.defaults)
    defaults += list(a.kw_defaults)
    fields: dict[str, Any] = {}
    for param, default_node in zip(params, defaults, strict=True):
        if _dunder(param.arg) or param.arg.startswith("model_"):
            raise ToolDefinitionError(f"parameter name {param.arg!r} is not allowed")
        default: Any = ...
        if default_node is not None:
            try:
                default = ast.literal_eval(default_node)
            except ValueError:
                raise ToolDefinitionError(f"the default of {param.arg!r} must be a literal") from None
        fields[param.arg] = (_annotation(param.annotation), default)
    model: type[BaseModel] = create_model(f"{name}_args", __config__=ConfigDict(extra="forbid"), **fields)
    return model


def _schema(model: type[BaseModel]) -> dict[str, Any]:
    schema = model.model_json_schema()
    schema.pop("title", None)
    for prop in schema.get("properties", {}).values():
        if isinstance(prop, dict):
            prop.pop("title", None)
    schema.setdefault("properties", {})
    return schema


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
        input_schema=_schema(model),
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
            (CREATED_DIR / f"{name}.py").as_posix(),
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
        text = path.read_text(encoding="utf-8")
        first, _, source = text.partition("\n")
        if not first.startswith(HEADER):
            raise ToolDefinitionError(f"{path}: not a created tool (missing the {HEADER.strip()!r} header line)")
        meta = json.loads(first[len(HEADER) :])
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
