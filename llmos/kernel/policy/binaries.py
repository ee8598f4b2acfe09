"""Which program a command really runs: copies and links of system programs, aliases, PATH tricks.

`cp /bin/rm ./x; ./x -rf /`, `ln -s $(which rm) del`, a link on disk to /usr/bin/rm, `alias x='rm -rf'`
and `PATH=.:$PATH x -rf /` are checked as the program they run. An unknown program of the
workspace called with the arguments of a catastrophic deletion is denied as if it were rm.
"""

from __future__ import annotations

import os

from llmos.kernel.policy.paths import UNKNOWN
from llmos.kernel.policy.shell import Cmd, ShellAnalyzer

SYSTEM_BIN = ("/bin/", "/sbin/", "/usr/bin/", "/usr/sbin/", "/usr/local/bin/", "/usr/local/sbin/", "/usr/libexec/")


def really_runs(a: ShellAnalyzer, cmd: Cmd) -> list[str] | None:
    """The argv `cmd` really runs when its name hides another program, else None.

    A copy or link of a system program (made earlier in the script, or a link on disk), found by
    path or through PATH, and aliases defined earlier in the script.
    """
    head = cmd.argv[0]
    if "/" not in head and cmd.st.programs:  # PATH=.:$PATH; cp /bin/rm ./x; x -rf /
        copies = {os.path.basename(k): v for k, v in cmd.st.programs.items()}
        if head in copies and copies[head] != head:
            return [copies[head], *cmd.args]
    if "/" in head:
        behind = program_behind(a, cmd)
        if behind is not None:
            return [behind, *cmd.args]
    alias = cmd.st.vars.get("__llmos_alias__" + head)
    if alias and cmd.depth < 30 and not alias[0].startswith(head + " "):
        return [*alias[0].split(), *cmd.args]
    return None


def program_behind(a: ShellAnalyzer, cmd: Cmd) -> str | None:
    """The system program a path really runs (a copy or link made earlier, or a link on disk), if it differs."""
    path = a.paths.resolve(cmd.argv[0], cmd.st.cwd, follow_last=False)
    if path is None:
        return None
    copied = cmd.st.programs.get(path)
    if copied is not None and copied != cmd.name:
        return copied
    real = os.path.realpath(path)
    name = os.path.basename(real)
    if real != path and real.startswith(SYSTEM_BIN) and name != cmd.name and name not in ("busybox", "env"):
        return name
    return None


def probe(a: ShellAnalyzer, cmd: Cmd, what: str) -> None:
    """Deny an unknown program whose arguments would make it a catastrophic deletion if it were rm."""
    from llmos.kernel.policy.commands import check_rm

    before = len(a.findings)
    check_rm(a, cmd.with_argv(["rm", *cmd.args]))
    probe = a.findings[before:]
    del a.findings[before:]
    for f in probe:
        if f.rule == "shell.root_deletion":
            a.add("deny", f.rule, f"{what} with the arguments of a deletion: {f.reason}", cmd.subject)


def record_program_copies(a: ShellAnalyzer, cmd: Cmd, sources: list[str], dest: list[str]) -> None:
    """`cp /bin/rm ./x`, `ln -s $(which rm) del`: remember that the destination runs that program."""
    if len(sources) != 1 or len(dest) != 1 or UNKNOWN in sources[0] + dest[0]:
        return
    src = a.paths.resolve(sources[0], cmd.st.cwd)
    if src is None or not (src.startswith(SYSTEM_BIN) or sources[0].startswith(SYSTEM_BIN)):
        return
    target = a.paths.absolute(dest[0], cmd.st.cwd)
    if target is None:
        return
    if dest[0].endswith("/") or os.path.isdir(target):
        target = os.path.join(target, os.path.basename(sources[0]))
    resolved = a.paths.resolve(target, None, follow_last=False)
    if resolved:
        cmd.st.programs[resolved] = os.path.basename(src)
