"""Per-command checks: what each command deletes, writes, runs or escalates.

`run(analyzer, cmd)` dispatches one expanded simple command; wrappers and interpreters live in
`wrappers.py` and `interp.py`, the commands that act on the machine (disks, privileges, services) in
`system.py`. Each check returns the `Flow` the command writes to stdout.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable

from llmos.kernel.policy.decision import words
from llmos.kernel.policy.options import parse_opts
from llmos.kernel.policy.paths import UNKNOWN, landing
from llmos.kernel.policy.shell import NONE, UNKNOWN_FLOW, Cmd, Flow, ShellAnalyzer

Check = Callable[[ShellAnalyzer, Cmd], Flow]

SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "fish", "csh", "tcsh", "rbash", "yash"})
NETWORK_TOOLS = frozenset({"nc", "ncat", "netcat", "nc.traditional", "nc.openbsd", "socat", "telnet"})
DOWNLOADERS = frozenset({"curl", "wget", "fetch", "aria2c", "http", "https", "lwp-download", "wget2"})
FILTERS = words(
    "cat tee head tail sed tr grep sort uniq tac cut dos2unix gunzip zcat bzcat xzcat unxz gzip xz",
    "bunzip2 iconv rev fold",
)
PRIVILEGED = words(
    "setcap visudo passwd useradd usermod userdel groupadd groupmod gpasswd chpasswd adduser deluser",
    "vipw vigr newgrp sg chsh chfn",
)
POWER = frozenset({"shutdown", "reboot", "halt", "poweroff"})
DISK_TOOLS = frozenset({"mke2fs", "mkswap", "wipefs", "blkdiscard", "mkdosfs", "mkntfs", "zpool", "mdadm"})
PARTITIONERS = frozenset({"fdisk", "sfdisk", "cfdisk", "gdisk", "sgdisk", "parted", "cgdisk"})

CHECKS: dict[str, Check] = {}
_REPLACED: set[str] = set()  # names whose check was registered with `replaces=True`


def check(*names: str, replaces: bool = False) -> Callable[[Check], Check]:
    """Register a check for `names`. A second check for a name must say `replaces=True`: it wins whatever
    the order the modules are imported in (any policy module may be the first one imported)."""

    def register(fn: Check) -> Check:
        for n in names:
            if replaces:
                CHECKS[n] = fn
                _REPLACED.add(n)
            elif n in _REPLACED:
                continue
            elif n in CHECKS and CHECKS[n] is not fn:
                raise RuntimeError(f"two policy checks for {n!r}: {CHECKS[n].__module__} and {fn.__module__}")
            else:
                CHECKS[n] = fn
        return fn

    return register


def run(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    """Check one command (after expansion) and return what it writes to stdout."""
    if cmd.depth > 40:
        a.add("deny", "shell.parse_error", "could not parse the command: too many nested wrappers", cmd.subject)
        return UNKNOWN_FLOW
    if UNKNOWN in cmd.argv[0]:
        return unknown_command(a, cmd)
    from llmos.kernel.policy.arrays import call_function
    from llmos.kernel.policy.binaries import SYSTEM_BIN, probe, really_runs

    call_function(a, cmd.argv, cmd.st, cmd.stdin, cmd.depth, cmd.flows)

    real = really_runs(a, cmd)
    if real is not None:
        return run(a, cmd.with_argv(real))
    name = cmd.name
    a.executed.append(name)
    if cmd.subject not in a.segments:
        a.segments.append(cmd.subject)
    for arg in cmd.args:
        for candidate in (arg, arg.rpartition("@")[2], arg.partition("=")[2]):
            if candidate and UNKNOWN not in candidate and (candidate[0] in "/~." or "/" in candidate):
                a.read_target(candidate, cmd.st, cmd.subject)
    from llmos.kernel.policy import exfil, extras, families, interp, services

    exfil.inspect(a, cmd)
    services.inspect(a, cmd)
    extras.command_env(a, cmd)
    fn = CHECKS.get(name) or interp.lookup(name) or families.lookup(name)
    if "/" in cmd.argv[0]:
        interp.run_script_file(a, cmd, cmd.argv[0])
        where = a.paths.resolve(cmd.argv[0], cmd.st.cwd)
        if fn is None and where and not where.startswith(SYSTEM_BIN) and not where.startswith("/opt/"):
            probe(a, cmd, "a program of the workspace")
    if fn is None and name.startswith(("mkfs", "mkfs.")):
        fn = CHECKS["mke2fs"]
    if a.read_only:
        from llmos.kernel.policy.readonly import check_read_only

        check_read_only(a, cmd)
    flow = fn(a, cmd) if fn is not None else UNKNOWN_FLOW
    from llmos.kernel.policy.runners import RUNNERS, check_arguments

    if fn is None or name in RUNNERS:  # a program with no model of its own may run what it is given
        check_arguments(a, cmd)
    return exfil.output_flow(a, cmd, flow)


def run_code(a: ShellAnalyzer, cmd: Cmd, code: str, what: str) -> Flow:
    """`cmd` runs `code` (shell code given as one string): it is checked like the command line itself."""
    if UNKNOWN in code:
        from llmos.kernel.policy.interp import unknown_code

        unknown_code(a, cmd, what)
    return a.script(code, cmd.st.copy(), cmd.depth + 1)


def unknown_command(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    a.add(
        "ask",
        "shell.unknown_command",
        f"the command name {cmd.subject.split(' ')[0]!r} cannot be known here",
        cmd.subject,
    )
    from llmos.kernel.policy.binaries import probe

    probe(a, cmd, "an unknown command")  # would it be catastrophic if it were rm?
    return UNKNOWN_FLOW


# -- deletion and writes --------------------------------------------------------------------------


@check("rm", "unlink", "rmdir", "shred", "srm")
def check_rm(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    p = parse_opts(cmd.args, "n" if cmd.name == "shred" else "", ("--interactive",))
    if p.has("--no-preserve-root"):
        a.add("deny", "shell.root_deletion", "rm --no-preserve-root exists only to delete /", cmd.subject)
    recursive = p.has("-r", "-R", "--recursive") and cmd.name == "rm"
    for t in p.positionals:
        if cmd.name == "shred" and t.startswith("/dev/"):
            a.add("deny", "shell.disk_wipe", f"shreds the device {t}", cmd.subject)
            continue
        a.write_target(t, cmd.st, "delete_recursive" if recursive else "delete", cmd.subject)
    return NONE


@check("mv")
def check_mv(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    p = parse_opts(cmd.args, "tS", ("--target-directory", "--suffix"))
    dest = p.values("-t", "--target-directory")
    sources = p.positionals if dest else p.positionals[:-1]
    for s in sources:
        a.write_target(s, cmd.st, "delete_recursive", cmd.subject)
    for d in dest or p.positionals[-1:]:
        for t in landing(d, sources, bool(dest)):
            a.write_target(t, cmd.st, "write", cmd.subject)
    return NONE


@check("cp", "install", "ln", "rsync", "scp")
def check_cp(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    p = parse_opts(cmd.args, "tSmogeB" if cmd.name != "cp" else "tS", ("--target-directory", "--suffix"))
    if cmd.name == "install" and any(v in ("root", "0") for v in p.values("-o", "--owner")):
        a.add("deny", "shell.privilege_escalation", "installs a file owned by root", cmd.subject)
    dest = p.values("-t", "--target-directory")
    pos = [x for x in p.positionals if not re.match(r"^[\w.-]*@?[\w.-]+:", x)]  # remote rsync/scp paths
    if cmd.name == "install" and p.has("-d", "--directory"):
        dest = pos
    elif cmd.name == "ln" and len(p.positionals) == 1 and not dest:
        dest = [os.path.basename(p.positionals[0].rstrip("/")) or "."]
    elif not dest and len(p.positionals) >= 2 and pos and pos[-1] == p.positionals[-1]:
        dest = [pos[-1]]
    into = bool(p.values("-t", "--target-directory")) and cmd.name != "ln"
    for d in dest:
        for t in landing(d, [x for x in pos if x not in dest], into) if cmd.name != "ln" else [d]:
            a.write_target(t, cmd.st, "write", cmd.subject)
    from llmos.kernel.policy.binaries import record_program_copies

    record_program_copies(a, cmd, [x for x in pos if x not in dest], dest)
    if cmd.name == "ln" and p.has("-s", "--symbolic") and len(dest) == 1 and p.positionals:
        link = a.paths.absolute(dest[0].rstrip("/"), cmd.st.cwd)
        target = a.paths.absolute(p.positionals[0], os.path.dirname(link) if link else None)  # relative to the link
        if link and target and UNKNOWN not in link + target:
            cmd.st.links[link] = target
    return NONE


@check("touch", "mkdir", "truncate", "mkfifo", "mknod", "tee")
def check_touch(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    p = parse_opts(cmd.args, {"touch": "dtr", "mkdir": "m", "truncate": "sr", "mkfifo": "mZ"}.get(cmd.name, ""))
    targets = p.positionals[:1] if cmd.name == "mknod" else p.positionals
    if cmd.name == "mknod":
        a.add("deny", "shell.disk_wipe", "creates a device node", cmd.subject)
    for t in targets:
        a.write_target(t, cmd.st, "write", cmd.subject)
    return cmd.stdin if cmd.name == "tee" else NONE


@check("dd")
def check_dd(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    for arg in cmd.args:
        key, _, value = arg.partition("=")
        if key == "of":
            a.write_target(value, cmd.st, "write", cmd.subject)
        elif key == "if":
            a.read_target(value, cmd.st, cmd.subject)
    return UNKNOWN_FLOW if not any(x.startswith("of=") for x in cmd.args) else NONE


_SED_EXEC = re.compile(r"^\s*+(?:[0-9$]+|/[^/]*/)?(?:\s*+,\s*+(?:[0-9$]+|/[^/]*/))?\s*+!?\s*+([ewWrR])(?:\s+(.*))?$")
_SED_S_EXEC = re.compile(
    r"^\s*(?:(?:[0-9$]+|/[^/]*/)\s*)?s(.)(?:(?!\1).|\\.)*\1((?:(?!\1).|\\.)*)\1([gpIiMme0-9]*)(?:w\s*(.*))?$"
)


def sed_script(a: ShellAnalyzer, cmd: Cmd, script: str) -> None:
    """sed's own commands that run or write: `e CMD`, `s/x/CMD/e`, `w FILE`, `r FILE`."""
    for line in re.split(r"[;\n]", script):
        m = _SED_EXEC.match(line)
        if m and m.group(1) == "e":
            code = (m.group(2) or "").strip()
            if code:
                a.script(code, cmd.st.copy(), cmd.depth + 1)
            else:
                a.add("ask", "shell.unknown_code", "sed e runs the pattern space as a command", cmd.subject)
        elif m and m.group(2):
            target = m.group(2).strip()
            if m.group(1) in "wW":
                a.write_target(target, cmd.st, "write", cmd.subject)
            else:
                a.read_target(target, cmd.st, cmd.subject)
        s = _SED_S_EXEC.match(line)
        if s and "e" in s.group(3):
            a.script(s.group(2).replace("\\/", "/"), cmd.st.copy(), cmd.depth + 1)
            a.add("ask", "shell.unknown_code", "sed s///e runs the substituted text as a command", cmd.subject)
        if s and s.group(4):
            a.write_target(s.group(4).strip(), cmd.st, "write", cmd.subject)


@check("sed")
def check_sed(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    p = parse_opts(cmd.args, "efl", ("--expression", "--file"), optional_short="i")
    scripted = p.has("-e", "-f", "--expression", "--file")
    files = p.positionals if scripted else p.positionals[1:]
    for script in p.values("-e", "--expression") + ([] if scripted else p.positionals[:1]):
        sed_script(a, cmd, script)
    from llmos.kernel.policy.extras import sed_files

    sed_files(a, cmd, p.values("-f", "--file"))
    if p.has("-i", "--in-place"):
        for f in files:
            a.write_target(f, cmd.st, "write", cmd.subject)
    return cmd.stdin if cmd.stdin.kind in ("download", "decoded", "network") else UNKNOWN_FLOW


def _setuid(mode: str) -> bool:
    if re.fullmatch(r"[0-7]{4,}", mode):
        return int(mode[-4]) & 6 != 0
    return any(re.fullmatch(r"[ugoa]*[+=][rwxXstugo]*s[rwxXstugo]*", part) for part in mode.split(","))


@check("chmod", "chown", "chgrp", "chattr")
def check_chmod(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    args = [x for x in cmd.args]
    flags = r"[-+=][aAcCdDeFijPsStTux]+" if cmd.name == "chattr" else r"[-+=][rwxXst]+"
    mode_like = [x for x in args if re.fullmatch(flags, x)]
    p = parse_opts([x for x in args if x not in mode_like], "", ("--reference",))
    pos = mode_like + p.positionals
    if not pos:
        return NONE
    spec, targets = (pos[0], pos[1:]) if not p.has("--reference") else ("", pos)
    if cmd.name == "chmod" and _setuid(spec):
        a.add("deny", "shell.privilege_escalation", f"sets the setuid/setgid bit ({spec})", cmd.subject)
    if cmd.name in ("chown", "chgrp") and re.search(r"(^|:|\.)(root|0|wheel|sudo|admin)$|^(root|0)[:.]", spec):
        a.add("deny", "shell.privilege_escalation", f"gives files to root ({cmd.name} {spec})", cmd.subject)
    recursive = p.has("-R", "--recursive")
    for t in targets:
        a.write_target(t, cmd.st, "chmod_recursive" if recursive else "write", cmd.subject)
        where = a.paths.resolve(t, cmd.st.cwd) or ""
        if where.startswith("/dev/") and not where.startswith(("/dev/fd/", "/dev/shm/", "/dev/pts/")):
            a.add("deny", "shell.root_deletion", f"{cmd.name} changes the device node {where}", cmd.subject)
    return NONE


@check("tar", "bsdtar")
def check_tar(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    args = list(cmd.args)
    if args and not args[0].startswith("-") and re.fullmatch(r"[a-zA-Z]+", args[0]):
        args[0] = "-" + args[0]  # old style: tar xzf file
    p = parse_opts(args, "fCbTXgHKLNVI", ("--file", "--directory", "--to-command", "--use-compress-program"))
    for o, v in p.opts:
        if v and (o in ("--to-command", "--use-compress-program", "-I") or "exec=" in v):
            members = UNKNOWN_FLOW if o == "--to-command" else NONE  # it reads each member on stdin
            a.script(v.split("exec=", 1)[-1], cmd.st.copy(), cmd.depth + 1, members)
    if p.has("-x", "--extract", "--get") and p.has("-P", "--absolute-names"):
        a.add("ask", "shell.unknown_target", "tar -P extracts members at the absolute paths they name", cmd.subject)
    if p.has("-x", "--extract", "--get"):
        for d in p.values("-C", "--directory") or ["."]:
            a.write_target(d.rstrip("/") + "/x", cmd.st, "write", cmd.subject)
            for member in p.positionals:  # named members land at DIR/MEMBER
                a.write_target(d.rstrip("/") + "/" + member, cmd.st, "write", cmd.subject)
    elif p.has("-c", "--create", "-r", "--append", "-u", "--update"):
        for f in p.values("-f", "--file"):
            if f != "-":
                a.write_target(f, cmd.st, "write", cmd.subject)
    return NONE


@check("unzip")
def check_unzip(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    p = parse_opts(cmd.args, "dxP")
    if not p.has("-l", "-t", "-v", "-p", "-Z"):
        for d in p.values("-d") or ["."]:
            a.write_target(d.rstrip("/") + "/x", cmd.st, "write", cmd.subject)
            for member in p.positionals[1:]:
                a.write_target(d.rstrip("/") + "/" + member, cmd.st, "write", cmd.subject)
    return NONE


# the modules that register checks; a name checked by two of them says which one wins (`replaces`)
from llmos.kernel.policy import escapes as _escapes  # noqa: E402
from llmos.kernel.policy import exfil as _exfil  # noqa: E402
from llmos.kernel.policy import extras as _extras  # noqa: E402
from llmos.kernel.policy import families as _families  # noqa: E402
from llmos.kernel.policy import programs as _programs  # noqa: E402  (registers its checks)
from llmos.kernel.policy import protections as _protections  # noqa: E402
from llmos.kernel.policy import system as _system  # noqa: E402
from llmos.kernel.policy import vcs as _vcs  # noqa: E402
from llmos.kernel.policy import wrappers as _wrappers  # noqa: E402

_ = (_programs, _wrappers, _vcs, _families, _protections, _exfil, _extras, _system, _escapes)
