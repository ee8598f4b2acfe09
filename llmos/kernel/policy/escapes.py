"""Programs whose own command language runs shell commands: sqlite3 `.shell`/`.system`, vim `:!`,
gdb `shell`, less `!`, psql `\\!`, and their kin. What they are told to run is read like any command.

Registered in `commands.CHECKS` when `commands.py` imports this module (at its end).
"""

from __future__ import annotations

import re

from llmos.kernel.policy.commands import check, run_code
from llmos.kernel.policy.options import parse_opts
from llmos.kernel.policy.shell import UNKNOWN_FLOW, Cmd, Flow, ShellAnalyzer


@check("sqlite3", "sqlite")
def check_sqlite(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    p = parse_opts(cmd.args, "", ("-cmd", "-init", "-separator", "-newline", "-nullvalue", "-vfs"))
    statements = p.values("-cmd") + p.positionals[1:]
    if cmd.stdin.kind == "literal":
        statements.append(cmd.stdin.text)
    for text in statements:
        for line in re.split(r"[\n;]", text):
            m = re.match(r"\s*\.(shell|system)\s+(.*)", line)
            if m:
                run_code(a, cmd, m.group(2), f"sqlite3 .{m.group(1)} runs")
            m = re.match(r"\s*\.(output|once|backup|save|dump)\s+(\S+)", line)
            if m and m.group(1) != "dump":
                a.write_target(m.group(2).strip("'\""), cmd.st, "write", cmd.subject)
            if re.match(r"\s*\.load\b", line):
                a.add("ask", "shell.unknown_code", "sqlite3 .load loads native code", cmd.subject)
    db = [x for x in p.positionals[:1] if x != ":memory:"]
    readonly = cmd.args.count("-readonly") or (
        statements
        and all(
            re.match(
                r"(?is)\s*(select|pragma\s+\w+\s*;?\s*$|explain|with\b(?!.*\b(insert|update|delete)\b)|\.(schema|tables"
                r"|indexes|dump|headers|mode|width)\b|$)",
                s,
            )
            for s in statements
        )
    )
    for f in db:
        if readonly:
            a.read_target(f, cmd.st, cmd.subject)
        else:
            a.write_target(f, cmd.st, "write", cmd.subject)
    return UNKNOWN_FLOW


_VIM_EXEC = re.compile(r"^\s*+:*+\s*+(?:silent!?\s*+|exe(?:cute)?\s++['\"])?(?:r(?:ead)?\s*+|w(?:rite)?\s*+)?!(.*)$")


@check("vim", "vi", "nvim", "ex", "view", "vimdiff", "rvim", "gvim")
def check_vim(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    commands = [v for o, v in parse_opts(cmd.args, "cSTuUoOdiw", ("--cmd",)).opts if o in ("-c", "--cmd") and v]
    commands += [x[1:] for x in cmd.args if x.startswith("+") and len(x) > 1]
    for c in commands:
        for part in c.split("|") if "!" not in c else [c]:
            m = _VIM_EXEC.match(part)
            if m:
                run_code(a, cmd, m.group(1).rstrip("'\""), f"{cmd.name} runs a shell command")
        for m in re.finditer(r"system\(\s*(['\"])(.+?)\1", c):
            run_code(a, cmd, m.group(2), f"{cmd.name} runs a shell command")
    return UNKNOWN_FLOW


@check("gdb", "lldb", "less", "more", "man", "psql", "mysql", "mariadb", "ftp", "sftp-shell")
def check_escapes(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    """Programs whose own command language has a shell escape: gdb `shell CMD`, less `+!CMD`, psql `\\! CMD`.
    They run commands, so what they are given is also checked as a command (`gdb --args CMD`, `man -P CMD`)."""
    from llmos.kernel.policy.runners import check_arguments

    check_arguments(a, cmd)
    values: list[str] = []
    args = cmd.args
    for i, x in enumerate(args):
        if x in (
            "-ex",
            "--eval-command",
            "-iex",
            "-o",
            "--one-line",
            "-c",
            "--command",
            "-e",
            "--execute",
        ) and i + 1 < len(args):
            values.append(args[i + 1])
        elif x.startswith(("--eval-command=", "--command=", "--execute=")):
            values.append(x.partition("=")[2])
        elif x.startswith("+") and len(x) > 1:
            values.append(x[1:])
    for v in values:
        for part in re.split(r"[\n;]", v) if cmd.name in ("gdb", "lldb") else [v]:
            m = re.match(r"^\s*(?:shell|platform shell|!|\\!|system)\s*(.+)$", part)
            if m:
                run_code(a, cmd, m.group(1), f"{cmd.name} runs a shell command")
            dump = re.match(
                r"^\s*(?:dump|append)\s+(?:(?:binary|ihex|srec|tekhex|verilog)\s+)?(?:memory|value)\s+(\S+)", part
            )
            if dump:  # gdb writes a file
                a.write_target(dump.group(1), cmd.st, "write", cmd.subject)
    return UNKNOWN_FLOW
