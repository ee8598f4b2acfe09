"""The checks and the argument schema of a model-written tool (private to `create_tool`).

The source is parsed with `ast` and checked (imports only from an allow-list, no dunder names or
attributes, no exec/eval/open/compile/globals/...), never executed on the host: the argument
schema comes from the annotations.
"""

from __future__ import annotations

import ast
import inspect
import re
from typing import Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, create_model

from llmos.exceptions import ToolDefinitionError

ALLOWED_IMPORTS = frozenset(
    {"math", "json", "re", "datetime", "statistics", "itertools", "functools", "collections", "decimal"}
    | {"fractions", "string", "typing", "operator", "heapq", "bisect", "textwrap", "unicodedata", "random"}
)
_ALLOWED_TEXT = ", ".join(sorted(ALLOWED_IMPORTS))
BANNED_NAMES = frozenset(
    {"exec", "eval", "compile", "open", "__import__", "globals", "locals", "vars", "setattr", "delattr"}
    | {"breakpoint", "input", "help", "exit", "quit"}
)

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


def input_schema(model: type[BaseModel]) -> dict[str, Any]:
    schema = model.model_json_schema()
    schema.pop("title", None)
    for prop in schema.get("properties", {}).values():
        if isinstance(prop, dict):
            prop.pop("title", None)
    schema.setdefault("properties", {})
    return schema
