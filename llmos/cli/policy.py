"""`llmos policy`: ask the security policy about tool calls without running them.

    echo '{"tool": "bash", "input": {"command": "rm -rf /"}}' | llmos policy check --workspace .
    {"decision": "deny", "reason": "recursively deletes '/' (/) (in: rm -rf /)"}

A line may carry "kind" (shell, file_read, file_write, function) or MCP "annotations"
({"readOnlyHint": true, ...}); without them the kind is inferred from the tool name (an MCP
`SERVER__tool` that does not start with a reading verb may write).

One JSON object per input line, in order; a line that is not a valid request gets a deny with
the reason, and processing goes on. The policy reads DIR/llmos.toml ([security]).
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Annotated, Any

import typer

app = typer.Typer(help="Check tool calls against the workspace's security policy.", no_args_is_help=True)


@app.callback()
def _group() -> None:
    """Check tool calls against the workspace's security policy."""


def _request(line: str) -> tuple[str, dict[str, Any], str | None]:
    """(tool, input, kind) from one input line; raises ValueError naming what is wrong."""
    import json

    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        raise ValueError(f"not JSON ({e.msg} at column {e.colno})") from None
    if not isinstance(obj, dict):
        raise ValueError(f"expected a JSON object, got {type(obj).__name__}")
    tool = obj.get("tool")
    if not isinstance(tool, str) or not tool:
        raise ValueError('"tool" must be a non-empty string')
    args = obj.get("input", obj.get("arguments", {}))
    if not isinstance(args, dict):
        raise ValueError(f'"input" must be a JSON object, got {type(args).__name__}')
    kind = obj.get("kind")
    if kind is not None and not isinstance(kind, str):
        raise ValueError('"kind" must be a string')
    hints = obj.get("annotations")
    if hints is not None:
        if not isinstance(hints, dict) or not all(isinstance(v, bool) for v in hints.values()):
            raise ValueError('"annotations" must be a JSON object of booleans (readOnlyHint, destructiveHint, ...)')
        from llmos.tools.mcp._policy import kind_for

        kind = kind or kind_for(hints)
    return tool, args, kind


def check_stream(workspace: Path, stdin: IO[str], stdout: IO[str], *, rules: bool = False) -> int:
    """Answer every request line of `stdin` on `stdout`; returns how many were checked."""
    import json

    from llmos.config import load_config
    from llmos.kernel.policy import SecurityPolicy

    policy = SecurityPolicy(workspace, load_config(workspace).security)
    count = 0
    for line in stdin:
        if not line.strip():
            continue
        count += 1
        out: dict[str, str]
        try:
            tool, args, kind = _request(line)
        except ValueError as e:
            out = {"decision": "deny", "reason": f"invalid input line: {e}", "rule": "cli.invalid_input"}
        else:
            try:
                d = policy.check(tool, args, kind)
                out = {"decision": d.decision, "reason": d.reason, "rule": d.rule}
            except Exception as e:  # a bug in a check must never turn into an allow
                out = {
                    "decision": "deny",
                    "reason": f"internal policy error: {type(e).__name__}: {e}",
                    "rule": "policy.error",
                }
        if not rules:
            del out["rule"]
        stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        stdout.flush()
    return count


@app.command()
def check(
    workspace: Annotated[Path, typer.Option("--workspace", "-w", help="The workspace (reads DIR/llmos.toml).")] = Path(
        "."
    ),
    rules: Annotated[bool, typer.Option("--rules", help="Add the rule that decided to each answer.")] = False,
) -> None:
    """Read JSON lines {"tool": NAME, "input": {...}} on stdin; print one decision per line."""
    import sys

    from llmos.exceptions import ConfigError

    if not workspace.is_dir():
        typer.echo(f"error: the workspace {workspace} is not a directory", err=True)
        raise typer.Exit(2)
    try:
        check_stream(workspace, sys.stdin, sys.stdout, rules=rules)
    except ConfigError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2) from None


if __name__ == "__main__":
    app()
