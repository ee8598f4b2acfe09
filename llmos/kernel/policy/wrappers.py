"""Commands that run other commands (sudo, env, timeout, xargs, find -exec, eval...) and shell builtins
that change what later commands mean (cd, variables, aliases)."""

from __future__ import annotations

import re
import shlex

from llmos.kernel.policy import arrays
from llmos.kernel.policy.commands import check, run
from llmos.kernel.policy.options import parse_opts
from llmos.kernel.policy.paths import UNKNOWN
from llmos.kernel.policy.shell import NONE, UNKNOWN_FLOW, Cmd, Flow, ShellAnalyzer, remember_origin
from llmos.kernel.policy.words import SPLIT

ALIAS = "__llmos_alias__"  # st.vars key prefixes: aliases and namerefs defined by the script
NAMEREF = "__llmos_nameref__"

# name -> (short options taking a value, long options taking a value, positionals before the command)
WRAPPERS: dict[str, tuple[str, tuple[str, ...], int]] = {
    "sudo": (
        "ugCDhprtTU",
        (
            "--user",
            "--group",
            "--close-from",
            "--chdir",
            "--host",
            "--prompt",
            "--role",
            "--type",
            "--command-timeout",
            "--other-user",
        ),
        0,
    ),
    "doas": ("uC", (), 0),
    "pkexec": ("", ("--user",), 0),
    "chroot": ("", ("--userspec", "--groups"), 1),
    "nohup": ("", (), 0),
    "nice": ("n", ("--adjustment",), 0),
    "ionice": ("cnpPu", ("--class", "--classdata"), 0),
    "timeout": ("sk", ("--signal", "--kill-after"), 1),
    "time": ("of", ("--output", "--format"), 0),
    "command": ("", (), 0),
    "builtin": ("", (), 0),
    "exec": ("a", (), 0),
    "stdbuf": ("ioe", ("--input", "--output", "--error"), 0),
    "chrt": ("T", (), 1),
    "taskset": ("", (), 1),
    "setsid": ("", (), 0),
    "unbuffer": ("", (), 0),
    "strace": ("oeEpPsSuXaIbO", ("--output",), 0),
    "ltrace": ("oepsunaAlxFw", ("--output",), 0),
    "busybox": ("", (), 0),
    "toybox": ("", (), 0),
    "xvfb-run": ("nslefp", ("--server-num", "--server-args", "--auth-file", "--error-file"), 0),
    "caffeinate": ("tw", (), 0),
    "catchsegv": ("", (), 0),
    "proxychains": ("f", (), 0),
    "proxychains4": ("f", (), 0),
    "torsocks": ("uapP", (), 0),
    "dbus-run-session": ("", (), 0),
    "firejail": ("", (), 0),
    "flatpak-spawn": ("", (), 0),
    "ssh-agent": ("aEPt", (), 0),  # ssh-agent [options] COMMAND: runs COMMAND with the agent set up
    "valgrind": ("", (), 0),  # its options are --name=value
    "systemd-inhibit": ("", ("--what", "--who", "--why", "--mode"), 0),
}
ESCALATE = frozenset({"sudo", "doas", "pkexec", "chroot", "su", "runuser"})
# options whose value is a file the wrapper writes (GTFOBins: `strace -o FILE` writes FILE)
OUTPUTS = {"strace": ("-o", "--output"), "ltrace": ("-o", "--output"), "time": ("-o", "--output")}


def _unwrap(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    short, long, skip = WRAPPERS[cmd.name]
    if cmd.name in ESCALATE:
        a.add(
            "deny",
            "shell.privilege_escalation",
            f"{cmd.name} runs a command with other privileges",
            cmd.subject,
        )
    if cmd.name == "command" and any(x in ("-v", "-V") for x in cmd.args[:2]):
        return UNKNOWN_FLOW
    p = parse_opts(cmd.args, short, long, stop=True)
    for out in p.values(*OUTPUTS.get(cmd.name, ())):
        a.write_target(out, cmd.st, "write", cmd.subject)
    inner = cmd.args[p.rest_index + skip :]
    if cmd.name == "sudo" and p.has("-e", "--edit"):
        for f in p.positionals:
            a.write_target(f, cmd.st, "write", cmd.subject)
        return NONE
    if not inner:
        return UNKNOWN_FLOW
    return run(a, cmd.with_argv(inner))


for _name in WRAPPERS:
    check(_name)(_unwrap)


@check("env")
def check_env(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    args = list(cmd.args)
    env = dict(cmd.env)
    i = 0
    while i < len(args):
        x = args[i]
        if x in ("-u", "--unset", "-C", "--chdir", "-P"):  # -P ALTPATH: BSD env
            i += 2
        elif x.startswith(("-S", "--split-string")):
            if x in ("-S", "--split-string"):
                text, rest = (args[i + 1] if i + 1 < len(args) else ""), args[i + 2 :]
            else:
                text, rest = (x.partition("=")[2] if x.startswith("--") else x[2:]), args[i + 1 :]
            return a.script(" ".join([text, *rest]), cmd.st.copy(), cmd.depth + 1, cmd.stdin)
        elif x == "--":
            i += 1
            break
        elif x.startswith("-"):
            i += 1
        elif "=" in x and not x.startswith("="):
            k, _, v = x.partition("=")
            env[k] = [v]
            i += 1
        else:
            break
    inner = args[i:]
    if not inner:
        return UNKNOWN_FLOW
    return run(a, Cmd(inner, cmd.st, cmd.stdin, cmd.flows, env, cmd.depth + 1))


@check("su", "runuser")
def check_su(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    a.add("deny", "shell.privilege_escalation", f"{cmd.name} switches user", cmd.subject)
    p = parse_opts(cmd.args, "cgGsuw", ("--command", "--group", "--shell", "--user"))
    for code in p.values("-c", "--command"):
        a.script(code, cmd.st.copy(), cmd.depth + 1)
    return UNKNOWN_FLOW


@check("flock")
def check_flock(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    p = parse_opts(cmd.args, "cwE", ("--command", "--timeout", "--conflict-exit-code"), stop=True)
    for code in p.values("-c", "--command"):
        a.script(code, cmd.st.copy(), cmd.depth + 1)
    inner = cmd.args[p.rest_index + 1 :]  # after the lock file: `-c CMD` or a command
    if inner[:1] in (["-c"], ["--command"]) and len(inner) > 1:
        return a.script(inner[1], cmd.st.copy(), cmd.depth + 1)
    return run(a, cmd.with_argv(inner)) if inner else NONE


@check("watch")
def check_watch(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    p = parse_opts(cmd.args, "nqd", ("--interval", "--differences"), stop=True)
    inner = cmd.args[p.rest_index :]
    if p.has("-x", "--exec"):
        return run(a, cmd.with_argv(inner)) if inner else NONE
    return a.script(" ".join(inner), cmd.st.copy(), cmd.depth + 1) if inner else NONE


def _items(stdin: Flow, lines: bool = False) -> list[str]:
    """What xargs reads from `stdin`: whole lines with -I/--replace, else words (xargs honours quotes)."""
    if stdin.kind == "literal":
        if lines:
            return [x for x in stdin.text.splitlines() if x.strip()][:16] or [UNKNOWN]
        try:
            return shlex.split(stdin.text)[:16] or [UNKNOWN]
        except ValueError:
            return stdin.text.split()[:16] or [UNKNOWN]
    if stdin.kind == "find":
        return list(stdin.paths)
    return [UNKNOWN]


@check("xargs")
def check_xargs(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    p = parse_opts(
        cmd.args,
        "adEILnPs",
        (
            "--arg-file",
            "--delimiter",
            "--max-args",
            "--max-procs",
            "--max-chars",
            "--max-lines",
            "--eof",
        ),
        stop=True,
        optional_short="ile",
    )
    inner = cmd.args[p.rest_index :] or ["echo"]
    marker = next((v or "{}" for o, v in p.opts if o in ("-I", "-i", "--replace")), None)
    items = _items(cmd.stdin, marker is not None) if not p.has("-a", "--arg-file") else [UNKNOWN]
    flow: Flow = NONE
    flows = [*cmd.flows, cmd.stdin] if cmd.stdin.kind in ("download", "network", "decoded") else cmd.flows
    if marker is not None:
        for item in items[:8]:
            argv = [x.replace(marker, item) for x in inner]
            flow = run(a, Cmd(argv, cmd.st, NONE, flows, cmd.env, cmd.depth + 1))
    else:
        flow = run(a, Cmd(inner + items, cmd.st, NONE, flows, cmd.env, cmd.depth + 1))
    return flow


FIND_EXEC = ("-exec", "-execdir", "-ok", "-okdir")


def _found(starts: list[str], expr: list[str]) -> list[str]:
    """What `find` may hand to -delete/-exec: START/NAME when every branch names its files, else START/*."""
    names = [expr[k + 1] for k, x in enumerate(expr[:-1]) if x in ("-name", "-iname")]
    paths = [expr[k + 1] for k, x in enumerate(expr[:-1]) if x in ("-path", "-ipath", "-wholename")]
    if ("-o" in expr or "-or" in expr or "!" in expr or "-not" in expr) or not (names or paths):
        names, paths = ["*"], []
    out = [s.rstrip("/") + "/" + n for s in starts for n in names if "/" not in n]
    out += [p for p in paths if any(p.startswith(s.rstrip("/") + "/") for s in starts)]
    return out or [s.rstrip("/") + "/*" for s in starts]


@check("find")
def check_find(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    args = list(cmd.args)
    i = 0
    while (i < len(args) and args[i] in ("-H", "-L", "-P")) or (i < len(args) and args[i].startswith(("-D", "-O"))):
        i += 2 if args[i] == "-D" else 1
    starts: list[str] = []
    while i < len(args) and not args[i].startswith(("-", "(", "!", ")")) and args[i] != ",":
        starts.append(args[i])
        i += 1
    starts = starts or ["."]
    expr = args[i:]
    found = _found(starts, expr)
    names = [expr[k + 1] for k, x in enumerate(expr[:-1]) if x in ("-name", "-iname")]
    if names and any(x in ("-delete", *FIND_EXEC) for x in expr):
        for s in starts:
            where = a.paths.resolve(s, cmd.st.cwd)
            what = a.paths.find_reaches(where, names) if where else None
            if what is not None:
                a.add("deny", "shell.control_plane", f"find {s} -name ... reaches into {what}", cmd.subject)
    j = 0
    while j < len(expr):
        x = expr[j]
        if x == "-delete":
            for s in found:
                a.write_target(s, cmd.st, "delete_recursive", cmd.subject)
        elif x in ("-fprint", "-fprint0", "-fprintf", "-fls") and j + 1 < len(expr):
            a.write_target(expr[j + 1], cmd.st, "write", cmd.subject)
        elif x in FIND_EXEC:
            end = j + 1
            while end < len(expr) and expr[end] not in (";", "+"):
                end += 1
            inner = expr[j + 1 : end]
            if inner:
                for s in found[:8]:
                    argv = [y.replace("{}", s) for y in inner]
                    run(a, Cmd(argv, cmd.st, NONE, cmd.flows, cmd.env, cmd.depth + 1))
            j = end
        j += 1
    return Flow("find", paths=tuple(found))


@check("eval")
def check_eval(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    code = " ".join(cmd.args)
    if UNKNOWN in code:
        from llmos.kernel.policy.interp import unknown_code

        unknown_code(a, cmd, "eval runs")
    return a.script(code, cmd.st, cmd.depth + 1, cmd.stdin)


@check("source", ".")
def check_source(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    from llmos.kernel.policy.interp import run_script_file

    if cmd.args:
        run_script_file(a, cmd, cmd.args[0])
    for key in list(cmd.st.vars):  # the sourced file may set any variable
        if not key.startswith((ALIAS, NAMEREF)):
            cmd.st.vars[key] = [UNKNOWN]
    return UNKNOWN_FLOW


@check("trap")
def check_trap(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    args = [x for x in cmd.args if x != "--"]
    if args and not args[0].startswith("-"):
        a.script(args[0], cmd.st.copy(), cmd.depth + 1)
    return NONE


@check("alias")
def check_alias(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    for x in cmd.args:
        name, eq, value = x.partition("=")
        if eq and value:
            a.script(value, cmd.st.copy(), cmd.depth + 1)
            cmd.st.vars[ALIAS + name] = [value]  # later uses of the alias are checked expanded
    return NONE


@check("cd", "pushd", "popd", "chdir")
def check_cd(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    targets = [x for x in cmd.args if not x.startswith("-") or x == "-"]
    if cmd.name == "popd" or targets[:1] == ["-"]:
        cmd.st.cwd = None
        return NONE
    target = targets[0] if targets else "~"
    cmd.st.cwd = None if UNKNOWN in target else a.paths.resolve(target, cmd.st.cwd)
    return NONE


@check("export", "declare", "typeset", "local", "readonly")
def check_export(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    nameref = any(x.startswith("-") and "n" in x for x in cmd.args)
    remember_origin(cmd.st, [x.partition("=")[0].rstrip("+") for x in cmd.args if "=" in x], cmd.flows)
    for x in cmd.args:
        if not x.startswith("-") and "=" in x:
            name, _, value = x.partition("=")
            if nameref:
                cmd.st.vars[NAMEREF + name.rstrip("+")] = [value.replace(SPLIT, " ")]
            else:
                arrays.assign(cmd.st, name.rstrip("+"), [value.replace(SPLIT, " ")], append=name.endswith("+"))
    return NONE


@check("read", "getopts")
def check_read(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    parsed = parse_opts(cmd.args, "adnNptu")
    remember_origin(cmd.st, parsed.positionals + parsed.values("-a"), [cmd.stdin])  # read s < <(curl ...)
    for x in parsed.positionals:
        arrays.assign(cmd.st, x, [UNKNOWN])
    for x in parsed.values("-a"):
        if cmd.name == "read" and cmd.stdin.kind == "literal" and not parsed.values("-d"):  # read -a a <<< "w1 w2"
            ifs = cmd.env.get("IFS") or cmd.st.vars.get("IFS", [" \t\n"])  # IFS=: read -ra x
            if len(ifs) == 1 and UNKNOWN not in ifs[0]:
                line = cmd.stdin.text.split("\n", 1)[0]
                words = [line] if ifs[0] == "" else [w for w in re.split("[" + re.escape(ifs[0]) + "]+", line) if w]
                arrays.assign_array(cmd.st, [arrays.ARRAY_SET, x, *words])
                continue
        arrays.forget(cmd.st, x)
    return NONE


@check("mapfile", "readarray")
def check_mapfile(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    arrays.map_lines(cmd.st, cmd.args, cmd.stdin)
    return NONE


@check("unset")
def check_unset(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    for x in cmd.args:
        if x.startswith("-"):
            continue
        if "[" in x:  # one element: the others keep their indexes
            name, _, index = x.partition("[")
            arrays.unset_element(cmd.st, name, index[:-1] if index.endswith("]") else "?")
        else:
            arrays.unset(cmd.st, x)
    return NONE
