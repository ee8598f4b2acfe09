"""Tools: plain typed Python functions, described to the model by a JSON schema.

    @tool
    def add(a: int, b: int) -> int:
        '''Add two integers.

        Args:
            a: the first number
            b: the second number
        '''
        return a + b

The schema comes from the type hints (through pydantic) and the docstring. Arguments are
validated before the call; a tool that raises becomes an error result for the model, never a
crash of the run. A function may take a `ctx: ToolContext` parameter (not shown to the model).
"""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
import json
import re
import time
import types
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union, get_args, get_origin, get_type_hints, overload

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from llmos.exceptions import ToolDefinitionError
from llmos.models.base import ToolSpec

NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]{0,63}$")


@dataclass
class ToolOutput:
    """What a tool call produced: the text the model sees, an error flag, optional parsed data."""

    content: str
    is_error: bool = False
    data: Any = None


@dataclass
class ToolContext:
    """What a running tool may know about its run.

    `call_tool` calls another registered tool through the same hook chain as the caller (policy,
    budget, trace): crystallized and sandboxed tools use it for every inner call.
    """

    workspace: Path
    run_id: str = ""
    call_tool: Callable[[str, dict[str, Any]], Awaitable[ToolOutput]] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


Invoke = Callable[[dict[str, Any], ToolContext], Awaitable[ToolOutput]]


@dataclass
class Tool:
    """A tool the model (or a replay) can call.

    `invoke` takes already-validated arguments; use `Tool.call` from outside, which validates
    and turns exceptions into error outputs. `kind` tells the security policy what the tool
    touches: "function", "file_read", "file_write", "shell" or "network"; "pure" says the tool is a
    pure function (its result depends on its arguments only; it reads and changes nothing, like a
    calculator), which replay treats as read-only (`llmos.learning.risk`). A "function" says nothing
    and counts as a write.
    """

    name: str
    description: str
    input_schema: dict[str, Any]
    invoke: Invoke
    source: str = "python"
    kind: str = "function"
    validator: type[BaseModel] | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    annotations: Mapping[str, bool] = field(default_factory=dict)  # MCP-style hints: readOnlyHint, ...

    @property
    def spec(self) -> ToolSpec:
        examples = self.metadata.get("input_examples") or []  # set from successful traced calls
        return ToolSpec(self.name, self.description, self.input_schema, [dict(e) for e in examples])

    def validate(self, arguments: dict[str, Any]) -> dict[str, Any]:
        """Arguments checked against the signature; raises `ValueError` with a readable message."""
        if not isinstance(arguments, dict):
            raise ValueError(f"arguments must be a JSON object, got {type(arguments).__name__}")
        if self.validator is None:
            return arguments
        try:
            model = self.validator.model_validate(arguments)
        except ValidationError as e:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or 'arguments'}: {err['msg']}" for err in e.errors()
            )
            raise ValueError(f"invalid arguments for {self.name}: {problems}") from None
        return {(f.alias or k): getattr(model, k) for k, f in type(model).model_fields.items()}

    async def call(self, arguments: dict[str, Any], ctx: ToolContext) -> ToolOutput:
        """Validate and run; any exception becomes an error output naming the problem."""
        try:
            args = self.validate(arguments)
        except ValueError as e:
            return ToolOutput(f"ERROR: {e}", is_error=True)
        try:
            return await self.invoke(args, ctx)
        except asyncio.CancelledError:
            raise
        except Exception as e:  # a failing tool is an error result for the model, not a crash
            return ToolOutput(f"ERROR: {type(e).__name__}: {e}", is_error=True)


def to_text(value: Any) -> str:
    """How a Python return value is shown to the model."""
    if isinstance(value, str):
        return value
    if isinstance(value, BaseModel):
        return value.model_dump_json()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    try:
        return json.dumps(value, default=str, ensure_ascii=False)
    except (TypeError, ValueError):
        return str(value)


_ARG_HEADERS = frozenset(
    {"args", "arguments", "parameters", "params", "keyword args", "keyword arguments", "other parameters"}
)
_OTHER_HEADERS = frozenset(
    {"returns", "return", "raises", "yields", "yield", "examples", "example", "notes", "note", "see also"}
    | {"references", "warnings", "warning", "attributes", "todo"}
)


def _section_header(lines: list[str], i: int) -> tuple[str | None, bool]:
    """(section, skip the next line) if line i starts a docstring section, else (None, False)."""
    line = lines[i]
    stripped = line.strip()
    header = stripped.rstrip(":").lower()
    underline = lines[i + 1].strip() if i + 1 < len(lines) else ""
    if stripped and not line[0].isspace() and len(underline) >= 3 and set(underline) == {"-"}:
        return ("numpy" if header in _ARG_HEADERS else "other"), True  # NumPy: header underlined with dashes
    if stripped.endswith(":") and header in _ARG_HEADERS:
        return "args", False
    if stripped.endswith(":") and header in _OTHER_HEADERS:
        return "other", False
    return None, False


def parse_docstring(doc: str | None) -> tuple[str, dict[str, str]]:
    """(description, {param: description}) from a Google-, NumPy- or Sphinx-style docstring."""
    if not doc:
        return "", {}
    lines = inspect.cleandoc(doc).splitlines()
    params: dict[str, str] = {}
    desc_lines: list[str] = []
    section: str | None = None  # None (description) | "args" (Google) | "numpy" | "other"
    current: list[str] = []
    skip = False
    for i, line in enumerate(lines):
        if skip:
            skip = False
            continue
        stripped = line.strip()
        new_section, skip = _section_header(lines, i)
        if new_section:
            section, current = new_section, []
            continue
        sphinx = re.match(r":param\s+(?:[^:]*\s+)?(\w+):\s*(.*)", stripped)
        if sphinx:
            current = [sphinx.group(1)]
            params[current[0]] = sphinx.group(2)
            section = section or "sphinx"
            continue
        if stripped.startswith(":"):  # :type x:, :returns: ...
            current = []
            continue
        if section == "numpy" and stripped and not line[0].isspace():
            names = stripped.split(":", 1)[0]
            current = [n.strip().lstrip("*") for n in names.split(",") if n.strip()]
            for n in current:
                params[n] = ""
            continue
        if section == "args":
            m = re.match(r"\*{0,2}(\w+)\s*(?:\([^)]*\))?\s*:\s*(.*)", stripped)
            if m and not line.startswith(" " * 8):
                current = [m.group(1)]
                params[current[0]] = m.group(2)
                continue
        if section in ("args", "numpy", "sphinx") and current and stripped:
            for n in current:
                params[n] = (params[n] + " " + stripped).strip()
            continue
        if section is None:
            desc_lines.append(line)
    return "\n".join(desc_lines).strip(), params


def _is_context(annotation: Any) -> bool:
    """Whether a parameter receives the ToolContext (also `ToolContext | None`)."""
    if annotation is ToolContext or getattr(annotation, "__name__", None) == "ToolContext":
        return True
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return bool(args) and all(_is_context(a) for a in args)
    return False


def _field_name(pname: str, index: int) -> str:
    """An internal pydantic field name for a parameter whose own name pydantic cannot use as is
    (`json`, `copy`, `schema`, `model_*`, `_x`); the parameter name stays the JSON name (alias)."""
    if pname.startswith("_") or pname.startswith("model_") or hasattr(BaseModel, pname):
        return f"arg{index}_"
    return pname


def _fields(
    func: Callable[..., Any], tool_name: str, hints: dict[str, Any], doc_params: dict[str, str]
) -> tuple[dict[str, Any], str | None, list[str]]:
    """(pydantic fields, the ToolContext parameter, positional-only parameter names) of a function."""
    fields: dict[str, Any] = {}
    context_param: str | None = None
    positional: list[str] = []
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError) as e:
        raise ToolDefinitionError(f"tool {tool_name}: cannot read its signature: {e}") from e
    for index, (pname, param) in enumerate(signature.parameters.items()):
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            raise ToolDefinitionError(f"tool {tool_name}: *args/**kwargs are not supported ({pname})")
        annotation = hints.get(pname, param.annotation)
        if _is_context(annotation):
            context_param = pname
            if param.kind is param.POSITIONAL_ONLY:
                positional.append(pname)
            continue
        if annotation is inspect.Parameter.empty:
            raise ToolDefinitionError(f"tool {tool_name}: parameter {pname!r} needs a type hint")
        if param.kind is param.POSITIONAL_ONLY:
            positional.append(pname)
        default = ... if param.default is inspect.Parameter.empty else param.default
        fname = _field_name(pname, index)
        alias = pname if fname != pname else None
        fields[fname] = (annotation, Field(default, alias=alias, description=doc_params.get(pname)))
    return fields, context_param, positional


def function_tool(
    func: Callable[..., Any],
    *,
    name: str | None = None,
    description: str | None = None,
    source: str = "python",
    kind: str = "function",
) -> Tool:
    """Build a `Tool` from a typed function (sync or async)."""
    tool_name = name or func.__name__
    if not NAME_RE.match(tool_name):
        raise ToolDefinitionError(f"invalid tool name {tool_name!r}: use letters, digits, _ . - (max 64)")
    try:
        hints = get_type_hints(func)
    except Exception as e:
        raise ToolDefinitionError(f"cannot read the type hints of {tool_name}: {e}") from e
    doc_desc, doc_params = parse_docstring(func.__doc__)
    fields, context_param, positional = _fields(func, tool_name, hints, doc_params)
    try:
        validator = create_model(  # type: ignore[call-overload]
            f"{tool_name.replace('.', '_').replace('-', '_')}_args",
            __config__=ConfigDict(extra="forbid"),
            **fields,
        )
        schema = validator.model_json_schema()
    except Exception as e:
        raise ToolDefinitionError(f"tool {tool_name}: cannot build a JSON schema: {e}") from e
    schema.pop("title", None)
    for prop in schema.get("properties", {}).values():
        if isinstance(prop, dict):
            prop.pop("title", None)
    schema.setdefault("properties", {})
    is_async = inspect.iscoroutinefunction(func)

    async def invoke(args: dict[str, Any], ctx: ToolContext) -> ToolOutput:
        kwargs = dict(args)
        if context_param:
            kwargs[context_param] = ctx
        pos = [kwargs.pop(n) for n in positional if n in kwargs]
        if is_async:
            value = await func(*pos, **kwargs)
        else:
            value = await asyncio.to_thread(func, *pos, **kwargs)
        if isinstance(value, ToolOutput):
            return value
        return ToolOutput(to_text(value), data=value)

    return Tool(
        name=tool_name,
        description=(description or doc_desc or tool_name).strip(),
        input_schema=schema,
        invoke=invoke,
        source=source,
        kind=kind,
        validator=validator,
        metadata={"function": f"{func.__module__}.{func.__qualname__}"},
    )


@overload
def tool(func: Callable[..., Any], /) -> Tool: ...


@overload
def tool(
    *, name: str | None = None, description: str | None = None, kind: str = "function", source: str = "python"
) -> Callable[[Callable[..., Any]], Tool]: ...


def tool(
    func: Callable[..., Any] | None = None,
    /,
    *,
    name: str | None = None,
    description: str | None = None,
    kind: str = "function",
    source: str = "python",
) -> Tool | Callable[[Callable[..., Any]], Tool]:
    """Decorator: turn a typed function into a `Tool` (usable bare or with options)."""
    if func is not None:
        return function_tool(func, name=name, description=description, kind=kind, source=source)

    def wrap(f: Callable[..., Any]) -> Tool:
        return function_tool(f, name=name, description=description, kind=kind, source=source)

    return wrap


def timed() -> Callable[[], float]:
    start = time.perf_counter()
    return lambda: time.perf_counter() - start
