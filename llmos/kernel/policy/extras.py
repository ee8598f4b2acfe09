"""Programs that hand a command to the shell through an option or a script language, and two more
system tools: the misses of the public corpora (tests/policy_corpus_public.py, issue 10).

- osascript: AppleScript's `do shell script "..."` and JavaScript's `$.system("...")` /
  `doShellScript("...")` run their string as a shell command (the payload is checked like
  `sh -c`; a payload that is not a literal string asks).
- rg --pre PROGRAM / --hostname-bin PROGRAM: ripgrep runs PROGRAM on every file it searches
  (checked as `PROGRAM PATH...`).
- setfacl: changes permissions like chmod (recursive ones outside the workspace are denied).
- diskutil erase*/partition*/zeroDisk/secureErase: wipes a disk (macOS).
"""

from __future__ import annotations

import re

from llmos.kernel.policy.commands import check, run, sed_script
from llmos.kernel.policy.options import parse_opts
from llmos.kernel.policy.paths import UNKNOWN
from llmos.kernel.policy.shell import NONE, UNKNOWN_FLOW, Cmd, Flow, ShellAnalyzer

_QUOTED = r"(?:\"((?:[^\"\\]|\\.)*)\"|'((?:[^'\\]|\\.)*)')"
_APPLESCRIPT = re.compile(r"(?<![\w])do\s+shell\s+script\s+(?:" + _QUOTED + r"|(\S+))", re.IGNORECASE)
_JXA = re.compile(r"(?:\$\.system|\.doShellScript|\bdoShellScript)\s*\(\s*(?:" + _QUOTED + r"|([^)\s]+))")


def shell_payloads(program: str) -> list[str | None]:
    """The shell commands an AppleScript or JavaScript-for-Automation program runs (None: not a literal)."""
    out: list[str | None] = []
    for m in [*_APPLESCRIPT.finditer(program), *_JXA.finditer(program)]:
        text = m.group(1) if m.group(1) is not None else m.group(2)
        out.append(text.replace('\\"', '"').replace("\\'", "'") if text is not None else None)
    return out


@check("osascript")
def check_osascript(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    p = parse_opts(cmd.args, "elis")
    program = "\n".join(p.values("-e"))
    for payload in shell_payloads(program):
        if payload is None:
            a.add("ask", "shell.unknown_code", "osascript runs a shell command built at run time", cmd.subject)
        else:
            a.script(payload, cmd.st.copy(), cmd.depth + 1)
    return UNKNOWN_FLOW


@check("rg", "ripgrep")
def check_rg(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    p = parse_opts(
        cmd.args,
        "eftgTAByCjmMrE",
        (
            "--pre", "--hostname-bin", "--regexp", "--file", "--type", "--glob", "--iglob", "--type-not",
            "--max-count", "--replace", "--encoding", "--context", "--after-context", "--before-context",
        ),
    )  # fmt: skip
    programs = p.values("--pre", "--hostname-bin")
    if programs:
        explicit = p.has("-e", "--regexp", "-f", "--file")
        paths = p.positionals if explicit else p.positionals[1:]
        for program in programs:
            run(a, cmd.with_argv([program, *(paths or ["."])]))
    return UNKNOWN_FLOW


@check("setfacl")
def check_setfacl(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    p = parse_opts(cmd.args, "mxMX", ("--modify", "--remove", "--modify-file", "--remove-file", "--set", "--set-file"))
    recursive = p.has("-R", "--recursive")
    for t in p.positionals:
        a.write_target(t, cmd.st, "chmod_recursive" if recursive else "write", cmd.subject)
    return NONE


@check("diskutil")
def check_diskutil(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    verb = next((x for x in cmd.args if not x.startswith("-")), "")
    wipes = re.match(r"(?i)^(erase\w*|zeroDisk|randomDisk|secureErase|partitionDisk|reformat)$", verb)
    if wipes or (verb == "apfs" and any(x.lower().startswith(("delete", "erase")) for x in cmd.args[1:])):
        a.add("deny", "shell.disk_wipe", f"diskutil {verb} wipes a disk", cmd.subject)
    return UNKNOWN_FLOW


# Environment variables whose value is a command line the program runs (GTFOBins: `PAGER=... git -p`)
CODE_VARS = (
    "PAGER",
    "MANPAGER",
    "SYSTEMD_PAGER",
    "EDITOR",
    "VISUAL",
    "SUDO_EDITOR",
    "LESSOPEN",
    "LESSCLOSE",
    "BROWSER",
)


def command_env(a: ShellAnalyzer, cmd: Cmd) -> None:
    """A pager, editor or preprocessor given to this command in its environment is a command it may run."""
    for var in CODE_VARS:
        for value in cmd.env.get(var, []):
            a.script(value.strip().lstrip("|").replace("%s", "x"), cmd.st.copy(), cmd.depth + 1)
    from llmos.kernel.policy.heredocs import substitutions

    for var in ("PS0", "PS1", "PS2", "PS4"):  # prompts are expanded (bash -x prints PS4 per line)
        for value in cmd.env.get(var, []):
            for code in substitutions(value):
                a.script(code, cmd.st.copy(), cmd.depth + 1)
    for value in cmd.env.get("PROMPT_COMMAND", []):
        a.script(value, cmd.st.copy(), cmd.depth + 1)


def make_file_writes(a: ShellAnalyzer, cmd: Cmd, text: str) -> None:
    """GNU make's `$(file >PATH,TEXT)` writes PATH."""
    for m in re.finditer(r"\$[({]file\s+>>?\s*([^,)}]+)", text):
        a.write_target(m.group(1).strip(), cmd.st, "write", cmd.subject)


def local_build_code(a: ShellAnalyzer, cmd: Cmd, args: list[str]) -> None:
    """Installing a local package runs its build code: a setup.py or package.json scripts written
    earlier in the same command are checked (a project's own files are its own code)."""
    from llmos.kernel.policy.interp import check_source_code

    if not args or args[0] not in ("install", "i", "add", "ci", "rebuild", "run-script", "run"):
        p = parse_opts(args, "C", ("--prefix",))
        if not (p.has("-C", "--prefix") and p.positionals[:1] in (["install"], ["i"], ["ci"])):
            return
    p = parse_opts(args, "C", ("--prefix",))
    dirs = p.values("-C", "--prefix") + [x for x in p.positionals[1:] if "/" in x or x.startswith(".")]
    for d in dirs or ["."]:
        base = a.paths.resolve(d, cmd.st.cwd) or ""
        setup = cmd.st.written.get(base + "/setup.py")
        if setup is not None and setup.kind == "literal":
            check_source_code(a, cmd, "python", setup.text)
        package = cmd.st.written.get(base + "/package.json")
        if package is not None and package.kind == "literal":
            for m in re.finditer(
                r"\"(?:pre|post)?(?:install|prepare|pack)\"\s*:\s*\"((?:[^\"\\]|\\.)*)\"", package.text
            ):
                a.script(m.group(1).replace('\\"', '"'), cmd.st.copy(), cmd.depth + 1)


def image_files(cmd: Cmd) -> list[str] | None:
    """The image files `mkfs`/`mkswap` would format, or None when it may format a device.

    `--help`/`--version` format nothing; a device (/dev/...) or a target that cannot be known
    may be a disk; paths of regular files (`disk.img`, `build/rootfs.img`) are image files.
    """
    if any(x in ("--help", "-h", "-V", "--version") for x in cmd.args):
        return []
    positionals = [x for x in cmd.args if not x.startswith("-")]
    if any(x.startswith("/dev/") or UNKNOWN in x for x in positionals):
        return None
    return [x for x in positionals if not x.isdigit()]  # a label or size among them is harmless


def sed_files(a: ShellAnalyzer, cmd: Cmd, files: list[str]) -> None:
    """`sed -f FILE`: a script written earlier in the same command (or read on stdin) is checked
    like `-e`; one that cannot be known is asked about only when it comes from stdin."""
    for f in files:
        if f in ("-", "/dev/stdin"):
            if cmd.stdin.kind == "literal":
                sed_script(a, cmd, cmd.stdin.text)
            elif cmd.stdin.kind != "none":
                a.add("ask", "shell.unknown_code", "sed -f - runs a script read from a pipe", cmd.subject)
            continue
        written = cmd.st.written.get(a.paths.resolve(f, cmd.st.cwd) or "")
        if written is not None and written.kind == "literal":
            sed_script(a, cmd, written.text)
