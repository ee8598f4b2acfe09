"""The `@tool` decorator: schemas from type hints and docstrings, validation, errors as results."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Literal, Optional

import pytest
from pydantic import BaseModel

from llmos.exceptions import ToolDefinitionError
from llmos.tools import Tool, ToolContext, ToolOutput, tool
from llmos.tools.base import parse_docstring


@pytest.fixture
def ctx(tmp_path: Path) -> ToolContext:
    return ToolContext(workspace=tmp_path, run_id="run-1")


class Point(BaseModel):
    x: int
    y: int = 0


# --- schema -------------------------------------------------------------------------------------


def test_bare_decorator_builds_a_tool_with_google_docstring() -> None:
    @tool
    def add(a: int, b: int = 2) -> int:
        """Add two integers.

        Args:
            a: the first number
            b (int): the second number,
                which defaults to two
        Returns:
            the sum
        """
        return a + b

    assert isinstance(add, Tool)
    assert add.name == "add"
    assert add.description == "Add two integers."
    assert add.source == "python" and add.kind == "function"
    schema = add.input_schema
    assert schema["type"] == "object"
    assert schema["required"] == ["a"]
    assert schema["properties"]["a"] == {"type": "integer", "description": "the first number"}
    assert schema["properties"]["b"]["default"] == 2
    assert schema["properties"]["b"]["description"] == "the second number, which defaults to two"
    assert "title" not in schema and "title" not in schema["properties"]["a"]
    assert add.spec.name == "add" and add.spec.input_schema == schema


def test_decorator_with_options() -> None:
    @tool(name="fs.read-file", description="Read it.", kind="file_read", source="builtin")
    def read(path: str) -> str:
        """Ignored description."""
        return path

    assert read.name == "fs.read-file"
    assert read.description == "Read it."
    assert read.kind == "file_read" and read.source == "builtin"


def test_sphinx_docstring() -> None:
    @tool
    def scale(value: float, factor: float = 1.0) -> float:
        """Scale a value.

        :param value: the value to scale
        :param float factor: the factor
        :type value: float
        :returns: the scaled value
        """
        return value * factor

    assert scale.description == "Scale a value."
    props = scale.input_schema["properties"]
    assert props["value"]["description"] == "the value to scale"
    assert props["factor"]["description"] == "the factor"
    assert props["value"]["type"] == "number"


def test_numpy_docstring() -> None:
    desc, params = parse_docstring(
        """Do it.

        Parameters
        ----------
        x : int
            the x value,
            on two lines
        y, z : str
            two names

        Returns
        -------
        int
            something else
        """
    )
    assert desc == "Do it."
    assert params == {"x": "the x value, on two lines", "y": "two names", "z": "two names"}


def test_no_docstring_uses_the_name() -> None:
    @tool
    def ping() -> str:
        return "pong"

    assert ping.description == "ping"
    assert ping.input_schema["properties"] == {}


def test_optional_list_literal_and_model_types() -> None:
    @tool
    def search(
        query: str,
        tags: list[str],
        limit: Optional[int] = None,  # noqa: UP045 - the old spelling must work too
        order: Literal["asc", "desc"] = "asc",
        near: Point | None = None,
    ) -> str:
        """Search."""
        return query

    props = search.input_schema["properties"]
    assert search.input_schema["required"] == ["query", "tags"]
    assert props["tags"] == {"type": "array", "items": {"type": "string"}}
    assert {"type": "integer"} in props["limit"]["anyOf"] and {"type": "null"} in props["limit"]["anyOf"]
    assert props["limit"]["default"] is None
    assert props["order"]["enum"] == ["asc", "desc"]
    assert props["order"]["default"] == "asc"
    assert "$defs" in search.input_schema and "Point" in search.input_schema["$defs"]


def test_parameter_names_that_clash_with_pydantic(ctx: ToolContext) -> None:
    @tool
    def fetch(url: str, json: bool = False, copy: int = 1, schema: str = "s", model_name: str = "m") -> str:
        """Fetch."""
        return f"{url} {json} {copy} {schema} {model_name}"

    assert set(fetch.input_schema["properties"]) == {"url", "json", "copy", "schema", "model_name"}
    out = asyncio.run(fetch.call({"url": "u", "json": True, "copy": 3, "model_name": "x"}, ctx))
    assert out == ToolOutput("u True 3 s x", data="u True 3 s x")


# --- ToolContext --------------------------------------------------------------------------------


async def test_context_parameter_is_hidden_and_passed(ctx: ToolContext) -> None:
    seen: list[ToolContext] = []

    @tool
    def where(name: str, ctx: ToolContext) -> str:
        """Where am I."""
        seen.append(ctx)
        return f"{name}@{ctx.run_id}"

    assert set(where.input_schema["properties"]) == {"name"}
    assert where.input_schema["required"] == ["name"]
    out = await where.call({"name": "n"}, ctx)
    assert out.content == "n@run-1" and not out.is_error
    assert seen == [ctx]


async def test_optional_context_parameter(ctx: ToolContext) -> None:
    @tool
    def maybe(x: int, context: ToolContext | None = None) -> str:
        return str(context.workspace if context else None)

    assert set(maybe.input_schema["properties"]) == {"x"}
    assert (await maybe.call({"x": 1}, ctx)).content == str(ctx.workspace)


async def test_context_cannot_be_passed_by_the_model(ctx: ToolContext) -> None:
    @tool
    def f(x: int, ctx: ToolContext) -> int:
        return x

    out = await f.call({"x": 1, "ctx": "fake"}, ctx)
    assert out.is_error and "ctx" in out.content


# --- calls ----------------------------------------------------------------------------------------


async def test_sync_tool_runs_in_a_thread(ctx: ToolContext) -> None:
    main = threading.get_ident()

    @tool
    def which() -> bool:
        return threading.get_ident() == main

    out = await which.call({}, ctx)
    assert out.content == "false" and out.data is False


async def test_async_tool(ctx: ToolContext) -> None:
    @tool
    async def wait(seconds: float) -> dict[str, float]:
        """Wait."""
        await asyncio.sleep(seconds)
        return {"waited": seconds}

    out = await wait.call({"seconds": 0.01}, ctx)
    assert out.content == '{"waited": 0.01}' and out.data == {"waited": 0.01}


async def test_arguments_are_validated_and_coerced(ctx: ToolContext) -> None:
    @tool
    def add(a: int, b: int) -> int:
        return a + b

    assert (await add.call({"a": "2", "b": 3}, ctx)).content == "5"
    bad = await add.call({"a": "two", "b": 3}, ctx)
    assert bad.is_error and bad.content.startswith("ERROR: invalid arguments for add:")
    assert "a:" in bad.content
    missing = await add.call({"a": 1}, ctx)
    assert missing.is_error and "b: Field required" in missing.content
    extra = await add.call({"a": 1, "b": 2, "c": 3}, ctx)
    assert extra.is_error and "c:" in extra.content
    not_object = await add.call([1, 2], ctx)  # type: ignore[arg-type]
    assert not_object.is_error and "JSON object" in not_object.content


async def test_pydantic_model_argument(ctx: ToolContext) -> None:
    @tool
    def norm(p: Point) -> int:
        assert isinstance(p, Point)
        return abs(p.x) + abs(p.y)

    assert (await norm.call({"p": {"x": -3, "y": 4}}, ctx)).content == "7"
    assert (await norm.call({"p": {"y": 4}}, ctx)).is_error


async def test_raising_tool_is_an_error_result(ctx: ToolContext) -> None:
    @tool
    def boom(msg: str) -> str:
        raise RuntimeError(msg)

    @tool
    async def aboom() -> str:
        raise KeyError("k")

    out = await boom.call({"msg": "broken"}, ctx)
    assert out.is_error and out.content == "ERROR: RuntimeError: broken"
    assert (await aboom.call({}, ctx)).is_error


async def test_cancellation_is_not_swallowed(ctx: ToolContext) -> None:
    @tool
    async def forever() -> str:
        await asyncio.sleep(60)
        return "never"

    task = asyncio.create_task(forever.call({}, ctx))
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_tool_output_passes_through_and_values_become_text(ctx: ToolContext) -> None:
    @tool
    def custom() -> ToolOutput:
        return ToolOutput("raw", is_error=True, data=1)

    @tool
    def model() -> Point:
        return Point(x=1, y=2)

    @tool
    def text() -> str:
        return "héllo"

    assert await custom.call({}, ctx) == ToolOutput("raw", is_error=True, data=1)
    assert (await model.call({}, ctx)).content == '{"x":1,"y":2}'
    assert (await text.call({}, ctx)).content == "héllo"


async def test_positional_only_parameters(ctx: ToolContext) -> None:
    @tool
    def sub(a: int, /, b: int) -> int:
        return a - b

    assert (await sub.call({"a": 5, "b": 2}, ctx)).content == "3"


# --- bad definitions ------------------------------------------------------------------------------


def test_missing_type_hint() -> None:
    def f(x):  # type: ignore[no-untyped-def]
        return x

    with pytest.raises(ToolDefinitionError, match="'x' needs a type hint"):
        tool(f)


def test_varargs_and_kwargs_are_refused() -> None:
    def f(*args: int) -> int:
        return 0

    def g(**kw: int) -> int:
        return 0

    with pytest.raises(ToolDefinitionError, match=r"\*args"):
        tool(f)
    with pytest.raises(ToolDefinitionError, match=r"\*args"):
        tool(g)


def test_invalid_names() -> None:
    with pytest.raises(ToolDefinitionError, match="invalid tool name"):
        tool(lambda: 1)
    with pytest.raises(ToolDefinitionError, match="invalid tool name"):

        @tool(name="has space")
        def f() -> int:
            return 1

    with pytest.raises(ToolDefinitionError, match="invalid tool name"):
        tool(name="x" * 65)(lambda: 1)


def test_unresolvable_hint() -> None:
    def f(x: NoSuchType) -> int:  # type: ignore[name-defined]  # noqa: F821
        return 1

    with pytest.raises(ToolDefinitionError, match="type hints"):
        tool(f)


class Opaque:
    """A type pydantic has no schema for."""


def test_type_without_a_schema() -> None:
    def f(x: Opaque) -> int:
        return 1

    with pytest.raises(ToolDefinitionError, match="schema"):
        tool(f)
