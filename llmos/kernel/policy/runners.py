"""Programs that run a command given as their arguments or options, when the policy has no model of them.

The rule: a program the policy has no check for may run what it is given (`perf stat CMD`,
`dbus-launch CMD`, `entr -s CODE`, `cpulimit -l 50 -- CMD`, `nodemon --exec CODE`, `hyperfine CODE`, and
every wrapper nobody listed). So what it is given is checked as what it would be if it ran:

- an argument that names a program the policy knows (or a path to one) starts a command: the arguments
  from there on are checked as that command;
- an argument or an option's value (`--exec=CODE`) that is shell code (several words, the first a program
  the policy knows) is checked as a script.

Programs with a check of their own (`commands.CHECKS`) are modelled there: wrappers in `wrappers.py` and
`families.py`, shell escapes in `escapes.py`; this is the rule for the others. A finding made this way
says that the program may run its arguments.
"""

from __future__ import annotations

import os

from llmos.kernel.policy.decision import Finding, words
from llmos.kernel.policy.paths import UNKNOWN
from llmos.kernel.policy.shell import Cmd, ShellAnalyzer
from llmos.kernel.policy.words import shown

# programs with a model of their own that run commands they are given: their arguments are also checked
# by this rule, so an option or a spelling the model does not know (`ltrace -S CMD`, `uv run CMD`,
# `npm exec -- CMD`) still has its command checked
RUNNERS = words(
    "sudo doas pkexec chroot nohup nice ionice timeout time command exec stdbuf chrt taskset setsid unbuffer",
    "strace ltrace busybox toybox xvfb-run caffeinate catchsegv proxychains proxychains4 torsocks",
    "dbus-run-session firejail flatpak-spawn ssh-agent valgrind systemd-inhibit env su runuser flock watch",
    "xargs parallel screen tmux script unshare nsenter setpriv prlimit numactl cgexec chronic faketime sg",
    "runcon daemonize npm npx pnpm pnpx yarn bunx uvx pipx uv cargo go",
)
MAX_PROBES = 8  # commands started inside one command's arguments that are checked
# names that also are ordinary words or arguments (`black .`, `tool test`), or builtins that only change
# the shell's own state: as an argument they start nothing dangerous that the analysis could see
NOT_STARTERS = words(
    ". [ [[ test true false : echo printf cd pushd popd read export declare local typeset readonly unset",
    "set shift mapfile readarray alias getopts command builtin",
)


def starts_command(name: str) -> bool:
    """Whether `name` (a word of the arguments) names a program the policy has a check for."""
    from llmos.kernel.policy import families, interp
    from llmos.kernel.policy.commands import CHECKS

    if not name or UNKNOWN in name or name in NOT_STARTERS:
        return False
    return name in CHECKS or interp.lookup(name) is not None or families.lookup(name) is not None


def _code(word: str) -> str | None:
    """`word` as shell code, when it looks like a command line: several words, the first a known program."""
    if word.startswith("-") and not word.startswith("--") and "=" not in word[:3]:
        value = word[2:]  # -Xvalue: a short option with its value attached
    else:
        value = word.partition("=")[2] if word.startswith("-") else word
    first = value.strip().split(" ", 1)[0] if value.strip() else ""
    if " " not in value.strip() or not starts_command(os.path.basename(first)):
        return None
    return value


def check_arguments(a: ShellAnalyzer, cmd: Cmd) -> None:
    """`cmd` (a program with no check of its own) may run its arguments: check them as commands."""
    before = len(a.findings)
    probes = 0
    for i, word in enumerate(cmd.args):
        if probes >= MAX_PROBES:
            break
        code = _code(word)
        if code is not None:
            probes += 1
            a.script(code, cmd.st.copy(), cmd.depth + 1, cmd.stdin)
        elif not word.startswith("-") and starts_command(os.path.basename(word)):
            probes += 1
            from llmos.kernel.policy.commands import run

            run(a, Cmd(cmd.args[i:], cmd.st.copy(), cmd.stdin, cmd.flows, cmd.env, cmd.depth + 1))
    found = a.findings[before:]
    del a.findings[before:]
    what = f"{cmd.name} may run its arguments as a command"
    for f in found:
        if f.rule == "shell.parse_error":  # shell code that does not parse, or not shell code at all: ask
            f = Finding("ask", "shell.unknown_code", f"cannot be read as a command ({f.reason})", f.subject)
        if not any(g.rule == f.rule and g.decision == f.decision for g in a.findings):  # the model's own
            a.add(f.decision, f.rule, f"{what}: {f.reason}", shown(f.subject) or cmd.subject)

