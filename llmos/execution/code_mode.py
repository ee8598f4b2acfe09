"""Code mode: the `run_code` tool. The model writes one Python program that calls the run's tools.

    registry.register(run_code_tool(sandbox, registry, output_limit=8000))

The program runs in the sandbox (`llmos.execution.sandbox`: bubblewrap, resource limits). Every
tool of the run is an async function in it (`await github__list_issues(owner="o", repo="r")`;
names that are not identifiers have `-`/`.` replaced by `_`, and `await call_tool("name", **args)`
always works). A tool's JSON result comes back parsed, any other text as a str; an error result
raises `ToolCallError`. Each inner call goes back over the sandbox's pipe to the host and through
`ToolContext.call_tool`, i.e. `execute_tool_call` (policy, budget, hooks, trace): it is recorded
as a call of the run with source "inner" and the run_code call as its parent.

Only what the program prints, and the value of `result` (a top-level variable, or what an
`async def main()` returns when the program does not call it) reach the model, capped at
`output_limit` characters. Intermediate data stays in the sandbox.
"""

from __future__ import annotations

import json
import keyword
import re
from typing import TYPE_CHECKING, Any

from llmos.tools.base import Tool, ToolContext, ToolOutput

if TYPE_CHECKING:
    from llmos.execution.sandbox import Sandbox
    from llmos.tools.registry import ToolRegistry

TOOL_NAME = "run_code"
EXCLUDED = frozenset({TOOL_NAME, "tool_search"})
DESCRIPTION = (
    "Run one Python program that calls this run's tools as async functions and prints only what you "
    "need. Use it to chain many tool calls, page through results, filter, join or sum data without "
    "reading every intermediate result yourself. Each tool is `await TOOL_NAME(**arguments)` (a "
    "name's '-' and '.' become '_'; `await call_tool(\"exact-name\", **arguments)` also works); JSON "
    "results come back parsed (dict/list), other results as str; a failed call raises ToolCallError. "
    "Top-level `await` is allowed. Only printed output and a variable named `result` are returned to "
    "you. The program runs sandboxed: no network, no files outside its scratch directory."
)

ERROR_KEY = "__llmos_run_code_error__"
_HARNESS = (
    f"ERROR_KEY = {ERROR_KEY!r}\n"
    + r"""
def _llmos_code_mode(program, tools):
    import asyncio
    import inspect
    import json

    async def _call(name, **arguments):
        text = call_tool(name, **arguments)
        try:
            return json.loads(text)
        except ValueError:
            return text

    def _bind(name):
        async def tool(**arguments):
            return await _call(name, **arguments)

        tool.__name__ = name
        return tool

    namespace = {"__name__": "__main__", "call_tool": _call, "ToolCallError": ToolCallError}
    for ident, name in tools.items():
        namespace[ident] = _bind(name)
    code = compile(program, "<run_code>", "exec", flags=0x2000)  # PyCF_ALLOW_TOP_LEVEL_AWAIT

    async def main():
        value = eval(code, namespace)
        if inspect.iscoroutine(value):
            await value
        entry = namespace.get("main")
        if "result" not in namespace and inspect.iscoroutinefunction(entry):
            namespace["result"] = await entry()
        return namespace.get("result")

    try:
        value = asyncio.run(main())
    except Exception as exc:  # the program's own frames only: the harness is no concern of the model's
        import traceback

        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == "<run_code>"]
        text = "".join(traceback.format_list(frames)) + "".join(traceback.format_exception_only(type(exc), exc))
        return {ERROR_KEY: "Traceback (most recent call last):\n" + text}
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        value = repr(value)
    return value
"""
)


def identifier(name: str) -> str:
    """The Python name of a tool inside a program: `notion__API-post-search` -> `notion__API_post_search`."""
    ident = re.sub(r"\W", "_", name)
    if not ident or ident[0].isdigit():
        ident = "_" + ident
    return ident + "_" if keyword.iskeyword(ident) else ident


def bindings(names: list[str]) -> dict[str, str]:
    """{python identifier: tool name} for the tools a program may call (first name wins a clash)."""
    out: dict[str, str] = {}
    for name in names:
        if name in EXCLUDED:
            continue
        out.setdefault(identifier(name), name)
    return out


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n… [run_code output truncated: {len(text) - limit} more characters]"


def render(stdout: str, value: Any, error: str | None, stderr: str = "") -> str:
    parts = []
    if stdout.strip():
        parts.append(stdout.rstrip())
    if value is not None:
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        parts.append(f"result: {shown}")
    if error:
        if stderr.strip():
            parts.append("stderr:\n" + stderr.rstrip()[-2000:])
        parts.append(f"ERROR: {error.strip()}")
    return "\n".join(parts) if parts else "(the program printed nothing and set no result)"


def run_code_tool(sandbox: Sandbox, registry: ToolRegistry, *, output_limit: int = 8000) -> Tool:
    """The `run_code` tool over `sandbox`, calling the tools of `registry` (looked up at call time)."""

    async def invoke(args: dict[str, Any], ctx: ToolContext) -> ToolOutput:
        program = args.get("code")
        if not isinstance(program, str) or not program.strip():
            return ToolOutput("ERROR: run_code needs `code`: the Python program to run", is_error=True)
        tools = bindings(registry.names())
        result = await sandbox.run(
            _HARNESS,
            function="_llmos_code_mode",
            args={"program": program, "tools": tools},
            tool_handler=ctx.call_tool,
        )
        value: Any = result.value if result.ok else None
        error: str | None = None if result.ok else (result.error or "the program failed")
        if isinstance(value, dict) and ERROR_KEY in value:
            error, value = str(value[ERROR_KEY]), None
        text = render(result.stdout, value, error, result.stderr)
        return ToolOutput(_clip(text, output_limit), is_error=error is not None, data=result)

    schema = {
        "type": "object",
        "properties": {"code": {"type": "string", "description": "the Python program (top-level await allowed)"}},
        "required": ["code"],
    }
    return Tool(TOOL_NAME, DESCRIPTION, schema, invoke, source="sandbox", kind="function")
