"""Interpreters: shells (`bash -c`, scripts, stdin), Python, Perl, Ruby, Node, PHP, Lua.

Shell code is parsed recursively. Code in other languages is read for the usual one-liner
shapes: a socket plus exec/pty/subprocess (reverse shell), a fetch plus exec/eval
(download-and-run), fork loops, and the shell commands it hands to system()/subprocess,
which are analysed like any other command (Python through its `ast`).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import replace

from llmos.kernel.policy import arrays
from llmos.kernel.policy.commands import SHELLS, run
from llmos.kernel.policy.options import parse_opts
from llmos.kernel.policy.paths import UNKNOWN
from llmos.kernel.policy.shell import UNKNOWN_FLOW, Cmd, Flow, ShellAnalyzer

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

_SOCKET = re.compile(r"socket|fsockopen|TCPSocket|UDPSocket|net\.connect|net\.Socket|createConnection|/dev/tcp/")
_EXECY = re.compile(
    r"subprocess|pty\.spawn|dup2|\bexec|system|popen|spawn|child_process|proc_open|/bin/\w*sh\b|shell_exec|passthru"
    r"|\bSTDIN\b|\bcmd\.exe"
)
_FETCH = re.compile(
    r"urlopen|urllib|requests\.(get|post)|httpx|http\.client|urlretrieve|LWP::|HTTP::Tiny"
    r"|Net::HTTP|open-uri|URI\.open|\bfetch\(|https?\.get\(|file_get_contents\(\s*['\"]https?:"
    r"|curl_exec|\bwget\b|\bcurl\b|require\(\s*['\"]https?['\"]\s*\)|\birm\b|\biwr\b|Invoke-RestMethod"
    r"|Invoke-WebRequest|DownloadString|DownloadFile|Net\.WebClient"
)
_RUNS = re.compile(
    r"\bexec\b|\beval\b|compile\(|system|subprocess|popen|child_process|spawn|passthru"
    r"|shell_exec|\bsh\b|\bbash\b|Function\(|\bload\b|\biex\b|Invoke-Expression"
)
_SHELL_STRINGS = re.compile(
    r"(?:system|exec|execSync|shell_exec|passthru|popen|os\.execute|spawnSync|qx)"
    r"\s*\(?\s*(['\"])(.+?)(?<!\\)\1"
)
_ARGV_CALL = re.compile(
    r"(spawnSync|spawn|execFileSync|execFile|system|exec|Process\.spawn|proc_open)\s*\(\s*(?:['\"])([\w./-]+)['\"]\s*,"
    r"\s*\[?([^\])]*)"
)
_DECODE = re.compile(
    r"b64decode|base64|decodebytes|codecs\.decode|zlib\.decompress|marshal\.loads|fromhex|rot13|unhexlify"
    r"|pack\s*\(\s*['\"]H\*|hex2bin|fromCharCode|\batob\(|Buffer\.from\([^)]*['\"](base64|hex)['\"]"
)
# code that runs what it reads on stdin: `exec(sys.stdin.read())`, `eval(<STDIN>)`
_EXEC_STDIN = re.compile(
    r"\b(exec|eval|compile|instance_eval)\s*\(?\s*(sys\.stdin|<STDIN>|STDIN|\$stdin|ARGF|"
    r"(require\(['\"]fs['\"]\)|fs)\.readFileSync\(\s*(0|['\"]/dev/stdin['\"])|input\(|open\(\s*0)"
)
# writes to a literal path from code: pathlib, Node fs, Ruby File/IO, Perl open(">..."), PHP
_WRITE_CALL = re.compile(
    r"Path\(\s*(?P<q1>['\"])(?P<p1>[^'\"]+)(?P=q1)\s*\)\s*\.\s*(write_text|write_bytes|touch|unlink|open\(\s*['\"][wa])"
    r"|(writeFileSync|appendFileSync|writeFile|appendFile|createWriteStream|truncateSync)"
    r"\s*\(\s*(?P<q2>['\"])(?P<p2>[^'\"]+)(?P=q2)"
    r"|(?P<opener>File\.write|IO\.write|File\.open|file_put_contents|fopen)\s*\(\s*(?P<q3>['\"])(?P<p3>[^'\"]+)(?P=q3)"
    r"|open\s*\(\s*\w+\s*,\s*(?P<q4>['\"])\+?>{1,2}\s*(?P<p4>[^'\"]+)(?P=q4)"
)
_ALWAYS_SHELL = {"system", "popen", "getoutput", "getstatusoutput", "check_output", "check_call", "Popen"}
_SHELL_CALLS = {
    "system",
    "popen",
    "getoutput",
    "getstatusoutput",
    "check_output",
    "check_call",
    "call",
    "run",
    "Popen",
    "spawn",
    "run_command",
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


def unknown_code(a: ShellAnalyzer, cmd: Cmd, what: str) -> None:
    """Code whose text cannot be known: judged by where it comes from."""
    kinds = cmd.flow_kinds() | {cmd.stdin.kind}
    if "download" in kinds:
        a.add("deny", "shell.download_exec", f"{what} code downloaded from the network", cmd.subject)
    elif "network" in kinds:
        a.add("deny", "shell.reverse_shell", f"{what} code received from the network", cmd.subject)
    elif "decoded" in kinds:
        a.add("deny", "shell.obfuscated_exec", f"{what} encoded (hidden) code", cmd.subject)
    else:
        a.add("ask", "shell.unknown_code", f"{what} code that cannot be known here", cmd.subject)


def stdin_code(a: ShellAnalyzer, cmd: Cmd, lang: str) -> None:
    """`cmd` runs the code it reads on stdin."""
    kind = cmd.stdin.kind
    if kind == "download":
        a.add("deny", "shell.download_exec", f"pipes a download into {cmd.name}", cmd.subject)
    elif kind == "network":
        a.add("deny", "shell.reverse_shell", f"feeds {cmd.name} with commands from the network", cmd.subject)
    elif kind == "decoded":
        a.add("deny", "shell.obfuscated_exec", f"pipes decoded (hidden) code into {cmd.name}", cmd.subject)
    elif kind == "literal":
        if lang == "shell":
            a.script(cmd.stdin.text, cmd.st.copy(), cmd.depth + 1)
        else:
            check_source_code(a, cmd, lang, cmd.stdin.text)
    elif kind in ("unknown", "find"):
        a.add("ask", "shell.pipe_exec", f"{cmd.name} runs code read from a pipe", cmd.subject)


def run_script_file(a: ShellAnalyzer, cmd: Cmd, path: str) -> None:
    if path in ("-", "/dev/stdin"):
        stdin_code(a, cmd, "shell" if cmd.name in SHELLS else "code")
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


def check_source_code(a: ShellAnalyzer, cmd: Cmd, lang: str, code: str) -> None:
    if UNKNOWN in code:
        unknown_code(a, cmd, f"{cmd.name} runs")
    if _SOCKET.search(code) and _EXECY.search(code):
        a.add(
            "deny",
            "shell.reverse_shell",
            f"{cmd.name} code connects a shell or program to a socket",
            cmd.subject,
        )
    if _FETCH.search(code) and _RUNS.search(code):
        a.add("deny", "shell.download_exec", f"{cmd.name} code downloads code and runs it", cmd.subject)
    if _DECODE.search(code) and re.search(r"\b(exec|eval|compile|system|popen)\b", code):
        a.add("deny", "shell.obfuscated_exec", f"{cmd.name} code decodes hidden code and runs it", cmd.subject)
    if re.search(r"\bfork\b", code) and re.search(r"\b(while|for|loop|until)\b", code):
        a.add("deny", "shell.fork_bomb", f"{cmd.name} code forks in a loop (a fork bomb)", cmd.subject)
    from llmos.kernel.policy.exfil import check_code

    check_code(a, cmd, code)
    _language_specific(a, cmd, lang, code)
    if _EXEC_STDIN.search(code):
        stdin_code(a, cmd, "code")
    for m in _WRITE_CALL.finditer(code):
        target = m.group("p1") or m.group("p2") or m.group("p3") or m.group("p4")
        if (
            m.group("p3")
            and re.match(r"(File\.open|fopen)", m.group(8) or "")
            and not re.search(r"['\"][wa]", code[m.end() : m.end() + 12])
        ):
            continue  # opened for reading
        a.write_target(target, cmd.st, "write", cmd.subject)
    from llmos.kernel.policy import transfers

    transfers.check(a, cmd, lang, code)
    if lang.startswith(("python", "pypy")) and _python_calls(a, cmd, code):
        return
    _deletions(a, cmd, code)
    _embedded_commands(a, cmd, code)


def _language_specific(a: ShellAnalyzer, cmd: Cmd, lang: str, code: str) -> None:
    if lang in ("tclsh", "wish", "expect"):  # Tcl: `exec CMD ARGS`, `spawn CMD ARGS`, `system CMD`
        for m in re.finditer(r"(?:^|[\[;{\s])(?:exec|spawn|system)\s+([^;\]\n}]+)", code):
            a.script(m.group(1).strip(), cmd.st.copy(), cmd.depth + 1)
    if lang.startswith(("python", "pypy")) and re.search(r"\.(unlink|rmdir)\(", code):  # pathlib deletions
        for m in re.finditer(r"Path\(\s*(['\"])(.*?)\1\s*\)", code):
            run(a, cmd.with_argv(["rm", "-rf", m.group(2)]))


_QW = re.compile(r"(?:system|exec)\s*\(?\s*qw\s*(?:\((.*?)\)|\[(.*?)\]|\{(.*?)\}|/(.*?)/)")


def _embedded_commands(a: ShellAnalyzer, cmd: Cmd, code: str) -> None:
    """Shell commands written inside code of another language, in its usual spellings."""
    for m in _SHELL_STRINGS.finditer(code):
        if not _method_of_another_object(code, m.start()):
            a.script(m.group(2), cmd.st.copy(), cmd.depth + 1)
    for m in _QW.finditer(code):  # perl: system qw(rm -rf /)
        run(a, cmd.with_argv(next(g for g in m.groups() if g is not None).split()))
    for m in _ARGV_CALL.finditer(code):  # node: spawnSync('rm', ['-rf', '/']); ruby: system('rm', '-rf', '/')
        words = re.sub(r"(?::?\w+\s*=>|\b\w+:)\s*['\"][^'\"]*['\"]", "", m.group(3))  # ruby options (out: '/dev/null')
        argv = [m.group(2), *re.findall(r"['\"]([^'\"]*)['\"]", words)]
        run(a, cmd.with_argv(argv))
    for m in re.finditer(r"`([^`]+)`|%x\{([^}]+)\}", code):
        a.script(m.group(1) or m.group(2), cmd.st.copy(), cmd.depth + 1)


def _method_of_another_object(code: str, at: int) -> bool:
    """`$db->exec(...)`, `/re/.exec(...)`: a method named exec, not a process started."""
    before = code[max(0, at - 60) : at]
    if before.endswith("->"):
        return True
    recv = re.search(r"([\w$]+|\)|/)\s*\.$", before)  # x.exec( with no child_process in the code at all
    return bool(recv) and code[at:].startswith("exec(") and not re.search(r"child_process|shelljs|execa", code)


# file-system deletion calls of Node, Ruby, Perl, PHP, Lua (Python is read through its ast)
_DELETE_CALL = re.compile(
    r"\b(rmSync|rmdirSync|rm_rf|rm_r|rmtree|remove_tree|removeSync|remove_dir|emptyDirSync|rimraf(?:\.sync)?"
    r"|promises\.rm|fs\.rm|fs\.rmdir|Deno\.removeSync|Deno\.remove|unlink_recursive"
    r"|FileUtils\.rm(?:_f)?|FileUtils\.remove_entry(?:_secure)?|unlinkSync|unlink"
    r"|File\.delete|Dir\.rmdir|Dir\.delete|os\.remove|deltree|rmdir)\b\s*\(?\s*"
)
_RECURSIVE = re.compile(r"recursive|rm_rf|rm_r|rmtree|remove_tree|removeSync|emptyDir|rimraf|remove_entry|deltree")


def _deletions(a: ShellAnalyzer, cmd: Cmd, code: str) -> None:
    """Deletions done by code: a literal path is checked like `rm`; a computed one is an unknown target."""
    for m in _DELETE_CALL.finditer(code):
        rest = code[m.end() :]
        lit = re.match(r"(['\"])(.*?)(?<!\\)\1", rest)
        flag = "-rf" if _RECURSIVE.search(m.group(1) + rest[:80]) else "-f"
        if lit:
            target = lit.group(2)
        elif re.match(r"glob\s*\(?\s*(['\"])(.*?)\1", rest):
            target = re.match(r"glob\s*\(?\s*(['\"])(.*?)\1", rest).group(2)  # type: ignore[union-attr]
        elif re.match(r"[\w$@%{}.\[\]()'\"]", rest):
            target = UNKNOWN
        else:
            continue
        run(a, cmd.with_argv(["rm", flag, target]))


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return _dotted(node.value) + "." + node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _python_calls(a: ShellAnalyzer, cmd: Cmd, code: str) -> bool:
    """Analyse the shell commands and file operations of Python code; False if it does not parse."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError):
        return False
    sub = cmd.with_argv
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = _dotted(node.func)
        last = name.rsplit(".", 1)[-1]
        first = node.args[0]
        const = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
        items = None
        if isinstance(first, (ast.List, ast.Tuple)):
            items = [
                e.value if isinstance(e, ast.Constant) and isinstance(e.value, str) else UNKNOWN for e in first.elts
            ]
        head = name.split(".")[0]
        if last in _SHELL_CALLS and (head in ("os", "subprocess", "commands", "", last) or last in _ALWAYS_SHELL):
            shell = last in ("system", "popen", "getoutput", "getstatusoutput") or any(
                k.arg == "shell" and not (isinstance(k.value, ast.Constant) and not k.value.value)
                for k in node.keywords
            )
            if const is not None and not shell and re.search(r"\s", const):
                continue  # a program named by the whole string, not a shell command: it cannot start
            if const is not None:
                a.script(const, cmd.st.copy(), cmd.depth + 1)
            elif items:
                run(a, sub(items))
            else:
                a.add("ask", "shell.unknown_code", f"{cmd.name} code runs a command built at run time", cmd.subject)
        elif last == "connect" and head == "sqlite3":  # a database opened for writing
            a.write_target(const if const is not None else UNKNOWN, cmd.st, "write", cmd.subject)
        elif last == "rmtree":
            run(a, sub(["rm", "-rf", const if const is not None else UNKNOWN]))
        elif last in ("remove", "unlink", "rmdir", "removedirs") and name.split(".")[0] in ("os", last):
            run(a, sub(["rm", const if const is not None else UNKNOWN]))
        elif name == "open" and const is not None:
            mode = (
                node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "mode"), None)
            )
            text = mode.value if isinstance(mode, ast.Constant) and isinstance(mode.value, str) else "r"
            if set(text) & set("wax+"):
                a.write_target(const, cmd.st, "write", cmd.subject)
            else:
                a.read_target(const, cmd.st, cmd.subject)
    return True


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
