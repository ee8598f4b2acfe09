"""run_command: `bash -c COMMAND` in the workspace, through the injected `CommandRunner`.

The runner is the OS sandbox (bubblewrap, see `llmos.execution.sandbox.shell`), wired in by the
runtime assembly. Without one, run_command refuses, unless `[sandbox] allow_weak_fallback = true`
accepts a plain unisolated subprocess, and then every result says so.
"""

from __future__ import annotations

from llmos.exceptions import SandboxError
from llmos.tools.base import Tool, ToolOutput, function_tool
from llmos.tools.builtin._common import Env, cap, error
from llmos.tools.command import CommandResult, CommandRunner, WeakRunner

NO_RUNNER = (
    "run_command needs the OS sandbox, and none was provided to these tools (the LLMOS runtime provides "
    "bubblewrap). Set [sandbox] allow_weak_fallback = true to accept an unisolated shell."
)


def _format(result: CommandResult, timeout: float, limit: int) -> str:
    if result.timed_out:
        head = f"timed out after {timeout:g}s (process group killed)"
    elif result.killed_by == "output":
        head = f"stopped: output limit exceeded (exit code: {result.exit_code})"
    else:
        head = f"exit code: {result.exit_code}"
    parts = [*result.notes, head]
    budget = max(limit - len(head) - 40, 200)
    out, err = result.stdout, result.stderr
    if out and err:
        out_budget = max(budget - min(len(err), budget // 2), budget // 2)
        out, err = cap(out, out_budget), cap(err, budget - min(len(out), out_budget))
    else:
        out, err = cap(out, budget), cap(err, budget)
    if out:
        parts.append("[stdout]\n" + out.rstrip("\n"))
    if err:
        parts.append("[stderr]\n" + err.rstrip("\n"))
    if not out and not err:
        parts.append("(no output)")
    text = "\n".join(parts)
    if result.incomplete:
        text += "\n[output may be incomplete: a background process kept the pipes open]"
    return text


def _default_runner(env: Env) -> CommandRunner | None:
    if env.config.sandbox.allow_weak_fallback:
        return WeakRunner("no sandbox runner was provided to the tools")
    return None


def shell_tools(env: Env, runner: CommandRunner | None = None) -> list[Tool]:
    chosen = runner if runner is not None else _default_runner(env)

    async def run_command(command: str, timeout_s: float | None = None) -> ToolOutput:
        """Run a shell command with bash in the workspace directory; returns its exit code and output.

        Args:
            command: the bash command line
            timeout_s: seconds before the command is killed (at most the configured limit)
        """
        if not command.strip():
            return error("empty command")
        if chosen is None:
            return error(NO_RUNNER)
        limit_s = env.config.tools.command_timeout_s
        timeout = limit_s if timeout_s is None or timeout_s <= 0 else min(timeout_s, limit_s)
        try:
            result = await chosen.run(command, workspace=env.workspace, timeout_s=timeout, keep_bytes=env.limit * 4)
        except SandboxError as e:
            return error(f"run_command refused: {e}")
        text = _format(result, timeout, env.limit)
        failed = result.timed_out or result.killed_by is not None or result.exit_code != 0
        return ToolOutput(text, is_error=failed, data=result.data())

    return [function_tool(run_command, source="builtin", kind="shell")]
