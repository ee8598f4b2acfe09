"""Programs that run other code or switch off protections, recognised by what makes them dangerous.

- wrappers that run a command given as arguments or a string: `script -c`, `unshare`, `nsenter`,
  `tmux`/`screen`, the dynamic loader (`ld-linux-x86-64.so.2 /bin/rm ...`); the inner command is
  checked like any other;
- deferred execution, which runs later and outside this shell: `at`, `batch`, `systemd-run`;
- programs with a built-in shell escape: `sqlite3 .shell`, `vim -c :!`, `make -f <(...)`,
  `zip -TT`, `rsync -e`, `ssh -o ProxyCommand`;

Package runners, switching off protections and cloud deletion are in `protections.py`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from llmos.kernel.policy.commands import check, run, run_code
from llmos.kernel.policy.options import parse_opts
from llmos.kernel.policy.paths import UNKNOWN
from llmos.kernel.policy.shell import NONE, UNKNOWN_FLOW, Cmd, Flow, ShellAnalyzer

LOADER = re.compile(r"^(ld(-linux)?([-.][\w-]+)*\.so(\.\d+)*|ld\.so|ld-musl-[\w-]+\.so(\.\d+)*)$")


def lookup(name: str) -> Callable[[ShellAnalyzer, Cmd], Flow] | None:
    """Checks chosen by a pattern of the name rather than the name itself."""
    if LOADER.match(name):
        return check_loader
    return None


def _inner(a: ShellAnalyzer, cmd: Cmd, argv: list[str]) -> Flow:
    return run(a, cmd.with_argv(argv)) if argv else UNKNOWN_FLOW


# -- wrappers ------------------------------------------------------------------------------------


def check_loader(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    p = parse_opts(
        cmd.args,
        "",
        ("--library-path", "--preload", "--argv0", "--audit", "--inhibit-rpath", "--glibc-hwcaps-mask"),
        stop=True,
    )
    if p.has("--list", "--verify", "--help", "--version", "--list-diagnostics", "--list-tunables"):
        return UNKNOWN_FLOW
    return _inner(a, cmd, cmd.args[p.rest_index :])


@check("script")
def check_script(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    p = parse_opts(cmd.args, "cEIOBTmt", ("--command", "--echo", "--log-in", "--log-out", "--log-io", "--log-timing"))
    for code in p.values("-c", "--command"):
        run_code(a, cmd, code, "script -c runs")
    for f in p.positionals[:1] + p.values("-I", "-O", "-B", "-T", "--log-in", "--log-out", "--log-io"):
        a.write_target(f, cmd.st, "write", cmd.subject)
    return NONE


@check("unshare")
def check_unshare(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    p = parse_opts(cmd.args, "RwSGt", ("--root", "--wd", "--setuid", "--setgid", "--time"), stop=True)
    return _inner(a, cmd, cmd.args[p.rest_index :])


@check("nsenter")
def check_nsenter(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    p = parse_opts(cmd.args, "tSGrw", ("--target", "--setuid", "--setgid", "--root", "--wd"), stop=True)
    if any(v == "1" for v in p.values("-t", "--target")):
        a.add("deny", "shell.privilege_escalation", "nsenter enters the namespaces of init (the host)", cmd.subject)
    return _inner(a, cmd, cmd.args[p.rest_index :])


@check("setpriv", "prlimit", "numactl", "cgexec", "chronic", "faketime", "runcon", "daemonize")
@check("sg", replaces=True)  # over system.py's PRIVILEGED check: sg runs its command
def check_more_wrappers(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    values = {"prlimit": "p", "numactl": "NmCpPi", "cgexec": "g", "sg": "c", "runcon": "utrl", "daemonize": "aceEloptu"}
    p = parse_opts(cmd.args, values.get(cmd.name, ""), ("--pid", "--groups", "--reuid", "--regid"), stop=True)
    rest = cmd.args[p.rest_index :]
    if cmd.name == "sg":  # sg [-] GROUP [-c] COMMAND: COMMAND is one string run by /bin/sh -c
        for code in p.values("-c"):
            run_code(a, cmd, code, "sg -c runs")
        rest = rest[2:] if rest[:1] == ["-"] else rest[1:]  # the words after the group
        if rest[:1] == ["-c"]:
            rest = rest[1:]
        if len(rest) == 1:
            return run_code(a, cmd, rest[0], "sg runs")
    elif cmd.name == "faketime" or (cmd.name == "runcon" and not p.opts):
        rest = rest[1:]
    return _inner(a, cmd, rest)


@check("tmux", "screen")
def check_multiplexer(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    if cmd.name == "screen":
        p = parse_opts(cmd.args, "SceEhpTtX", (), stop=True)
        typed = [v for o, v in p.opts if o == "-X" and v == "stuff"] and cmd.args[p.rest_index :]
        if typed:  # screen -X stuff TEXT: TEXT is typed into the session's shell (\n, ^M: Enter)
            return run_code(a, cmd, re.sub(r"\\[nr]|\^M", "\n", " ".join(typed)), "screen -X stuff types")
        return _inner(a, cmd, cmd.args[p.rest_index :])
    p = parse_opts(cmd.args, "LSfcTu", (), stop=True)
    rest = cmd.args[p.rest_index :]
    sub, sub_args = (rest[0], rest[1:]) if rest else ("", [])
    if sub in (
        "new",
        "new-session",
        "new-window",
        "neww",
        "split-window",
        "splitw",
        "respawn-pane",
        "respawnp",
        "run-shell",
        "run",
        "send-keys",
        "send",
    ):
        sp = parse_opts(sub_args, "cestnxyFlLTSPBIbdEfhvwAXDpN" if sub.startswith("send") else "cestnxyFlwL")
        words = [w for w in sp.positionals if w not in ("Enter", "C-m", "KPEnter")]
        if words:
            run_code(a, cmd, " ".join(words), f"tmux {sub} runs")
    return UNKNOWN_FLOW


# -- deferred execution --------------------------------------------------------------------------


@check("at", "batch")
def check_at(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    p = parse_opts(cmd.args, "qfMmtvl" if cmd.name == "at" else "qfm")
    if p.has("-l", "-d", "-r", "-c") or (cmd.name == "at" and not cmd.args):
        return UNKNOWN_FLOW
    a.add(
        "deny", "shell.deferred_exec", f"{cmd.name} schedules commands to run later, outside this session", cmd.subject
    )
    if cmd.stdin.kind == "literal":
        a.script(cmd.stdin.text, cmd.st.copy(), cmd.depth + 1)
    return NONE


@check("systemd-run")
def check_systemd_run(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    p = parse_opts(
        cmd.args,
        "pEuHMsS",
        (
            "--unit",
            "--property",
            "--setenv",
            "--description",
            "--slice",
            "--host",
            "--machine",
            "--working-directory",
            "--uid",
            "--gid",
            "--nice",
            "--on-calendar",
            "--on-active",
            "--on-boot",
            "--on-startup",
            "--on-unit-active",
            "--on-unit-inactive",
            "--timer-property",
            "--path-property",
            "--socket-property",
            "--service-type",
        ),
        stop=True,
    )
    a.add(
        "deny",
        "shell.deferred_exec",
        "systemd-run hands the command to the service manager: it runs outside this "
        "shell and its sandbox, possibly later",
        cmd.subject,
    )
    return _inner(a, cmd, cmd.args[p.rest_index :])


@check("parallel")
def check_parallel(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    args = cmd.args
    cut = next((i for i, x in enumerate(args) if x in (":::", "::::", ":::+")), len(args))
    p = parse_opts(args[:cut], "jSIPdEaX", ("--jobs", "--sshlogin", "--delimiter", "--arg-file"), stop=True)
    template = args[p.rest_index : cut] or ["sh", "-c"]
    items = [x for x in args[cut + 1 :] if x not in (":::", "::::", ":::+")][:8] or [UNKNOWN]
    for item in items:  # the template's words are joined into one command line that a shell runs
        argv = [x.replace("{}", item) for x in template]
        line = " ".join(argv if any("{}" in x for x in template) else [*argv, item])
        run_code(a, cmd, line, "parallel runs")
    return UNKNOWN_FLOW


@check("ngrok", "cloudflared", "frpc", "bore", "localtunnel", "lt", "chisel")
def check_tunnel(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    if cmd.args and cmd.args[0] not in ("version", "--version", "help", "--help"):
        a.add("ask", "shell.tunnel", f"{cmd.name} exposes this machine to the network", cmd.subject)
    return UNKNOWN_FLOW


@check("launchctl")
def check_launchctl(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    if cmd.args[:1] and cmd.args[0] in ("load", "bootstrap", "submit", "enable", "kickstart"):
        a.add("deny", "shell.deferred_exec", f"launchctl {cmd.args[0]} installs a job that runs later", cmd.subject)
    return UNKNOWN_FLOW


@check("ip", "ifconfig", "route", "nmcli")
def check_network_config(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    words = [x for x in cmd.args if not x.startswith("-")]
    for i, x in enumerate(cmd.args[:-1] if cmd.name == "ip" else []):  # ip [-all] netns|vrf exec [NAME] CMD
        if x in ("netns", "vrf") and cmd.args[i + 1] == "exec":
            every = any(len(o) > 1 and "-all".startswith(o) for o in cmd.args[:i])  # -all: no NAME
            return _inner(a, cmd, cmd.args[i + (2 if every else 3) :])
    verbs = {"set", "add", "del", "delete", "flush", "change", "replace", "down", "up", "modify", "off"}
    if (cmd.name == "ifconfig" and len(words) > 1) or (cmd.name != "ifconfig" and verbs & set(words[1:])):
        a.add("ask", "shell.network_config", f"{cmd.name} changes the machine's network configuration", cmd.subject)
    return UNKNOWN_FLOW


@check("ed", "red")
def check_ed(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    for f in parse_opts(cmd.args, "p").positionals[:1]:
        a.write_target(f, cmd.st, "write", cmd.subject)  # ed edits the file it opens
    if cmd.stdin.kind == "literal":
        for m in re.finditer(r"(?m)^\s*!(.+)$", cmd.stdin.text):
            run_code(a, cmd, m.group(1), "ed runs a shell command")
    return UNKNOWN_FLOW


def makefile_commands(text: str) -> list[str]:
    """The shell commands of a makefile's recipes (and its $(shell ...) calls)."""
    out = [m.group(1) for m in re.finditer(r"\$\(shell\s+([^)]*)\)", text)]
    for line in text.splitlines():
        if line.startswith("\t"):
            out.append(line.strip().lstrip("@-+"))
        elif ":" in line and ";" in line.partition(":")[2] and not line.lstrip().startswith("#"):
            out.append(line.partition(":")[2].partition(";")[2].strip())
    return [c for c in out if c]


@check("make", "gmake")
def check_make(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    p = parse_opts(cmd.args, "fCIjloW", ("--file", "--makefile", "--directory", "--eval", "--include-dir"))
    texts = p.values("--eval")
    for name, eq, value in (x.partition("=") for x in p.positionals):
        if eq and name.strip() == "SHELL":  # make SHELL=CMD: CMD runs every recipe line
            run_code(a, cmd, value, "make SHELL= runs")
        elif eq:  # make VAR='$(shell CMD)': expanded where VAR is used
            texts.append(f"{name} = {value}")
    for f in p.values("-f", "--file", "--makefile"):
        known = [fl for fl in cmd.flows if fl.kind == "literal"] if f.startswith(("/dev/fd/", "/proc/")) else []
        written = cmd.st.written.get(a.paths.resolve(f, cmd.st.cwd) or "")
        if f in ("-", "/dev/stdin"):
            known = [cmd.stdin] if cmd.stdin.kind == "literal" else []
        elif written is not None and written.kind == "literal":
            known = [written]
        if known:
            texts += [k.text for k in known]
        elif f.startswith(("/dev/", "/proc/")) or f == "-" or UNKNOWN in f:
            from llmos.kernel.policy.interp import unknown_code

            unknown_code(a, cmd, "make runs a makefile with")
    for text in texts:
        for c in makefile_commands(text.replace("\\n", "\n").replace("\\t", "\t")):
            a.script(c, cmd.st.copy(), cmd.depth + 1)
        from llmos.kernel.policy.extras import make_file_writes

        make_file_writes(a, cmd, text)
    return UNKNOWN_FLOW


@check("zip")
def check_zip(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    p = parse_opts(cmd.args, "bntxiPdsO", ("--unzip-command", "--temp-path", "--out"))
    for code in [v for o, v in p.opts if o == "--unzip-command" and v]:
        run_code(a, cmd, code, "zip --unzip-command runs")
    for i, x in enumerate(cmd.args[:-1]):
        if x == "-TT":
            run_code(a, cmd, cmd.args[i + 1], "zip -TT runs")
    return UNKNOWN_FLOW


@check("rsync", replaces=True)  # over commands.check_cp: rsync -e runs a command
def check_rsync(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    from llmos.kernel.policy.commands import check_cp

    p = parse_opts(cmd.args, "eT", ("--rsh", "--rsync-path", "--temp-dir", "--filter", "--exclude", "--include"))
    for code in p.values("-e", "--rsh", "--rsync-path"):
        run_code(a, cmd, code, "rsync -e runs")
    return check_cp(a, cmd)


@check("ssh", "sftp")
@check("scp", replaces=True)  # over commands.check_cp: scp -o ProxyCommand runs a command
def check_ssh(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    p = parse_opts(cmd.args, "bcDEeFIiJLlmOopQRSWwBP")
    for v in p.values("-o"):
        key, _, value = v.replace("=", " ", 1).partition(" ")
        if key.lower() in ("proxycommand", "localcommand", "knownhostscommand", "permitlocalcommand"):
            run_code(a, cmd, value.strip(), f"{cmd.name} -o {key} runs")
    if cmd.name == "ssh" and (
        p.has("-R", "-D") or any(v.lower().startswith(("remoteforward", "dynamicforward")) for v in p.values("-o"))
    ):
        a.add("ask", "shell.tunnel", "ssh -R/-D opens a tunnel between this machine and another", cmd.subject)
    if cmd.name == "scp":
        from llmos.kernel.policy.commands import check_cp

        check_cp(a, cmd)
    return Flow("network")
