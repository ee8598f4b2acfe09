"""Interpreters: shells (`bash -c`, scripts, stdin), Python, Perl, Ruby, Node, PHP, Lua.

Shell code is parsed recursively. Code in other languages is read for the usual one-liner
shapes (`sourcecode.py`): a socket plus exec/pty/subprocess (reverse shell), a fetch plus exec/eval
(download-and-run), fork loops, and the shell commands it hands to system()/subprocess,
which are analysed like any other command (Python through its `ast`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from llmos.kernel.policy import arrays
from llmos.kernel.policy.commands import SHELLS, run
from llmos.kernel.policy.options import parse_opts
from llmos.kernel.policy.paths import UNKNOWN
from llmos.kernel.policy.shell import UNKNOWN_FLOW, Cmd, Flow, ShellAnalyzer
from llmos.kernel.policy.sourcecode import SHELL_STRINGS as _SHELL_STRINGS
from llmos.kernel.policy.sourcecode import check_source_code as check_source_code
from llmos.kernel.policy.sourcecode import stdin_code as stdin_code
from llmos.kernel.policy.sourcecode import unknown_code as unknown_code

PYTHON = re.compile(r"^(python|pypy)(\d+(\.\d+)*)?[mtw]?$")
CODE_FLAGS = {
    "perl": "eE",
    "ruby": "e",
    "node": "ep",
    "nodejs": "ep",
    "bun": "e",
    "php": "r",
    "lua": "e",
    "luajit": "e",
    "Rscript": "e",
    "osascript": "e",
    "pwsh": "c",
    "deno": "",
    "tclsh": "",
    "wish": "",
    "expect": "c",
}


def lookup(name: str) -> Callable[[ShellAnalyzer, Cmd], Flow] | None:
    if name in ("awk", "gawk", "mawk", "nawk", "busybox-awk"):
        return check_awk
    if name in SHELLS:
        return check_shell
    if PYTHON.match(name):
        return check_python
    if name in CODE_FLAGS:
        return check_code
    return None


def run_script_file(a: ShellAnalyzer, cmd: Cmd, path: str) -> None:
    if path in ("-", "/dev/stdin"):
        stdin_code(a, cmd, "shell" if cmd.name in SHELLS or cmd.name in ("source", ".") else "code")
    elif path.startswith(("/dev/fd/", "/proc/self/fd/")) or UNKNOWN in path:
        unknown_code(a, cmd, f"{cmd.name} runs")
    else:
        resolved = a.paths.resolve(path, cmd.st.cwd)
        written = cmd.st.written.get(resolved or "")
        if resolved in cmd.st.downloaded or (written is not None and written.kind == "download"):
            a.add("deny", "shell.download_exec", f"runs {path}, downloaded earlier in the command", cmd.subject)
        elif written is not None:
            interpreter = lookup(cmd.name) not in (None, check_shell)
            stdin_code(a, replace(cmd, stdin=written), cmd.name if interpreter else "shell")


def check_shell(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    args = cmd.args
    has_code = reads_stdin = False
    i = 0
    while i < len(args):
        x = args[i]
        if x == "--":
            i += 1
            break
        if x in ("-o", "+o", "-O", "+O", "--rcfile", "--init-file"):
            i += 2
            continue
        if x.startswith("--"):
            i += 1
            continue
        if x[:1] in "-+" and len(x) > 1:
            has_code |= x[0] == "-" and "c" in x[1:]
            reads_stdin |= "s" in x[1:]
            i += 1
            continue
        break
    rest = args[i:]
    if has_code:
        code = rest[0] if rest else ""
        if UNKNOWN in code:
            unknown_code(a, cmd, f"{cmd.name} -c runs")
        child = cmd.st.copy()
        child.vars.update(cmd.env)
        arrays.set_positional(child, ["--", *rest[2:]])  # bash -c CODE NAME ARGS: "$@" is ARGS
        return a.script(code, child, cmd.depth + 1, cmd.stdin)
    if rest and not reads_stdin:
        run_script_file(a, cmd, rest[0])
        return UNKNOWN_FLOW
    stdin_code(a, cmd, "shell")
    return UNKNOWN_FLOW


def check_python(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    p = parse_opts(cmd.args, "cmWXQ", (), stop=True)
    code = p.values("-c")
    module = p.values("-m")
    rest = cmd.args[p.rest_index :]
    if code:
        check_source_code(a, cmd, "python", code[0])
    elif module:
        if module[0] in ("pip", "pip3"):
            return run(a, cmd.with_argv(["pip", *rest]))
        if module[0] in ("http.server", "SimpleHTTPServer", "uploadserver"):
            from llmos.kernel.policy.exfil import check_served

            served = parse_opts(rest, "bd", ("--bind", "--directory", "--protocol")).values("-d", "--directory")
            check_served(a, cmd, served[0] if served else ".")
    elif rest and rest[0] != "-":
        run_script_file(a, cmd, rest[0])
    else:
        stdin_code(a, cmd, "python")
    return UNKNOWN_FLOW


def check_code(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    flags = CODE_FLAGS[cmd.name]
    long = ("--eval", "--print") if cmd.name.startswith(("node", "bun")) else ()
    preload = ("--require", "--import", "--loader", "--experimental-loader") if long else ()  # take a module
    p = parse_opts(
        cmd.args,
        flags + ("IMmrx" if cmd.name in ("perl", "ruby") else "r" if long else ""),
        long + preload,
        optional_short="il0" if cmd.name == "perl" else "",
    )
    codes = [v for o, v in p.opts if v is not None and (o[1:] in flags or o in long)]
    if cmd.name in ("deno", "bun") and p.positionals[:1] == ["eval"] and len(p.positionals) > 1:
        codes.append(p.positionals[1])
    libs = " ".join(v for o, v in p.opts if o in ("-M", "-m", "-r") and v)
    for code in codes:
        check_source_code(a, cmd, cmd.name, libs + "\n" + code)
    in_place = p.has("-i") or any(re.match(r"^-[0-9a-hj-zA-Z]*i", x) for x in cmd.args if not x.startswith("--"))
    if cmd.name == "perl" and in_place:
        for f in p.positionals if codes else p.positionals[1:]:
            a.write_target(f, cmd.st, "write", cmd.subject)
    if not codes:
        if p.positionals and p.positionals[0] != "-":
            run_script_file(a, cmd, p.positionals[0])
        else:
            stdin_code(a, cmd, cmd.name)
    return UNKNOWN_FLOW


def check_awk(a: ShellAnalyzer, cmd: Cmd) -> Flow:
    p = parse_opts(cmd.args, "fvFe", ("--file", "--assign", "--field-separator", "--source"))
    programs = p.values("-e", "--source") or p.positionals[:1]
    for prog in programs if not p.has("-f", "--file") else []:
        if re.search(r"/inet[46]?/(tcp|udp)/", prog):  # gawk's network special files
            a.add("deny", "shell.reverse_shell", "awk opens a network connection (/inet/tcp)", cmd.subject)
        for m in _SHELL_STRINGS.finditer(prog):
            a.script(m.group(2), cmd.st.copy(), cmd.depth + 1)
        for m in re.finditer(r"\|&?\s*\"([^\"]+)\"|\"([^\"]+)\"\s*\|&?\s*getline", prog):
            a.script(m.group(1) or m.group(2), cmd.st.copy(), cmd.depth + 1)
        strings = dict(re.findall(r"\b(\w+)\s*=\s*\"([^\"]*)\"", prog))
        for m in re.finditer(r"\b(\w+)\s*\|&?\s*getline|system\s*\(\s*(\w+)\s*\)|\|&?\s*(\w+)\s*[;}\n]", prog):
            var = m.group(1) or m.group(2) or m.group(3)
            if var in strings:
                a.script(strings[var], cmd.st.copy(), cmd.depth + 1)
            elif var not in ("getline", "close", "print", "printf") and not var.isdigit():
                a.add("ask", "shell.unknown_code", f"awk runs the command held in {var}", cmd.subject)
        for m in re.finditer(r"print[f]?\s*\(?(.*?)\)?\s*\|\s*\"\s*(\w+)[^\"]*\"", prog):
            if m.group(2) in SHELLS or PYTHON.match(m.group(2)) or m.group(2) in CODE_FLAGS:
                texts = re.findall(r"\"((?:[^\"\\]|\\.)*)\"", m.group(1))
                if texts and not re.search(r"\$\d|\$NF|\$0", m.group(1)):
                    a.script(" ".join(texts), cmd.st.copy(), cmd.depth + 1)
                else:
                    a.add("ask", "shell.pipe_exec", f"awk pipes computed text into {m.group(2)}", cmd.subject)
        for m in re.finditer(r">>?\s*\"([^\"]+)\"", prog):
            a.write_target(m.group(1), cmd.st, "write", cmd.subject)
        if UNKNOWN in prog:
            unknown_code(a, cmd, "awk runs")
    return cmd.stdin if cmd.stdin.kind in ("download", "decoded", "network") else UNKNOWN_FLOW
