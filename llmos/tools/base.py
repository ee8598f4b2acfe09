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
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_type_hints, overload

from pydantic import BaseModel, ConfigDict, ValidationError, create_model

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
    touches: "function", "file_read", "file_write", "shell" or "network".
    """

    name: str
    description: str
    input_schema: dict[str, Any]
    invoke: Invoke
    source: str = "python"
    kind: str = "function"
    validator: type[BaseModel] | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def spec(self) -> ToolSpec:
        return ToolSpec(self.name, self.description, self.input_schema)

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
        return {k: getattr(model, k) for k in type(model).model_fields}

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


def parse_docstring(doc: str | None) -> tuple[str, dict[str, str]]:
    """(description, {param: description}) from a Google-, NumPy- or Sphinx-style docstring."""
    if not doc:
        return "", {}
    doc = inspect.cleandoc(doc)
    params: dict[str, str] = {}
    lines = doc.splitlines()
    desc_lines: list[str] = []
    section: str | None = None
    current: str | None = None
    for line in lines:
        stripped = line.strip()
        header = stripped.rstrip(":").lower()
        if stripped.endswith(":") and header in {"args", "arguments", "parameters", "params"}:
            section, current = "args", None
            continue
        if stripped.endswith(":") and header in {"returns", "return", "raises", "yields", "examples", "example"}:
            section, current = "other", None
            continue
        if set(stripped) <= {"-"} and stripped and section is None and desc_lines:
            # NumPy underline: the previous line was a header
            prev = desc_lines.pop().strip().lower()
            section = "args" if prev in {"parameters", "args", "arguments"} else "other"
            continue
        sphinx = re.match(r":param\s+(?:\w+\s+)?(\w+):\s*(.*)", stripped)
        if sphinx:
            params[sphinx.group(1)] = sphinx.group(2)
            continue
        if section == "args":
            m = re.match(r"(\w+)\s*(?:\([^)]*\))?\s*:\s*(.*)", stripped)
            if m and not line.startswith(" " * 8):
                current = m.group(1)
                params[current] = m.group(2)
            elif current and stripped:
                params[current] = (params[current] + " " + stripped).strip()
            continue
        if section is None and not stripped.startswith(":"):
            desc_lines.append(line)
    return "\n".join(desc_lines).strip(), params


def _is_context(annotation: Any) -> bool:
    return annotation is ToolContext or getattr(annotation, "__name__", None) == "ToolContext"


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
    fields: dict[str, Any] = {}
    context_param: str | None = None
    for pname, param in inspect.signature(func).parameters.items():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            raise ToolDefinitionError(f"tool {tool_name}: *args/**kwargs are not supported ({pname})")
        annotation = hints.get(pname, param.annotation)
        if _is_context(annotation):
            context_param = pname
            continue
        if annotation is inspect.Parameter.empty:
            raise ToolDefinitionError(f"tool {tool_name}: parameter {pname!r} needs a type hint")
        from pydantic import Field

        default = ... if param.default is inspect.Parameter.empty else param.default
        fields[pname] = (annotation, Field(default, description=doc_params.get(pname)))
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
        if is_async:
            value = await func(**kwargs)
        else:
            value = await asyncio.to_thread(func, **kwargs)
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
