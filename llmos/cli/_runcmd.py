"""`llmos run`: one goal, with every failure before or during the run made readable.

With `--json` the command prints exactly one JSON object on stdout whatever happens: the run's
result, or `{"success": false, "status": "error", "error": ...}` when it could not even start
(unknown mode, missing API key, bad llmos.toml, a goal over the size limit). The message also
goes to stderr, so a person sees it either way.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

from llmos.cli._common import err_console, esc, fail, json_written, open_runtime, warn


def error_result(error: str, *, mode: str = "auto", agent: str | None = None) -> dict[str, Any]:
    """The JSON object of a run that failed before it started: the contract fields, empty."""
    return {
        "run_id": None,
        "mode": None,
        "success": False,
        "output": "",
        "llm_calls": 0,
        "input_tokens": 0,
        "output_tokens": 0,
        "cost_usd": 0.0,
        "duration_s": 0.0,
        "tool_calls": [],
        "error": error,
        "status": "error",
        "agent": agent,
        "requested_mode": mode,
    }


def _refuse(error: str, json_out: bool, mode: str, agent: str | None, code: int = 2) -> NoReturn:
    if json_out:
        sys.stdout.write(json.dumps(error_result(error, mode=mode, agent=agent), ensure_ascii=False) + "\n")
        sys.stdout.flush()
        json_written()
    fail(error, code)


def check_goal(goal: str) -> str | None:
    """Why the goal cannot be run, or None."""
    from llmos.limits import MAX_GOAL_CHARS

    if len(goal) > MAX_GOAL_CHARS:
        return (
            f"the goal is too long: {len(goal):,} characters, the limit is {MAX_GOAL_CHARS:,} "
            "(llmos.limits.MAX_GOAL_CHARS); put long material in a file in the workspace and name the file"
        )
    return None


def run_goal(
    goal: str,
    workspace: Path | None,
    *,
    mode: str,
    model: str | None,
    agent: str | None,
    json_out: bool,
    session: str | None = None,
) -> dict[str, Any]:
    """Run the goal and return the result dict, or print the error (as JSON too) and exit 2."""
    import asyncio

    from llmos.exceptions import LLMOSError

    problem = check_goal(goal)
    if problem:
        _refuse(problem, json_out, mode, agent)

    async def go() -> dict[str, Any]:
        async with open_runtime(workspace, model) as rt:
            result = await rt.execute(goal, mode=mode, agent=agent, session_id=session)
            return result.to_dict(explain=True)

    try:
        data = asyncio.run(go())
    except LLMOSError as e:
        _refuse(str(e), json_out, mode, agent)
    except Exception as e:  # a bug below the CLI: still one JSON object and a readable line
        _refuse(f"internal error: {type(e).__name__}: {e}", json_out, mode, agent, code=1)
    for event in _warnings(data):
        warn(event)
    return data


def _warnings(data: dict[str, Any]) -> list[str]:
    """Warnings the run recorded for the operator (an MCP server that was skipped...)."""
    return [str(w) for w in data.get("warnings") or []]


__all__ = ["check_goal", "err_console", "error_result", "esc", "run_goal"]
