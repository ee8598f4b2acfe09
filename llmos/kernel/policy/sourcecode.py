"""Code in languages other than the shell, read for the usual one-liner shapes: a socket plus
exec/pty/subprocess (reverse shell), a fetch plus exec/eval (download-and-run), decoded code run,
fork loops, writes and deletions of literal paths, and the shell commands it hands to
system()/subprocess, which are analysed like any other command (Python through its `ast`).

`interp.py` decides which interpreter runs what code (and re-exports these entry points).
"""

from __future__ import annotations

import ast
import re

from llmos.kernel.policy.commands import run
from llmos.kernel.policy.paths import UNKNOWN
from llmos.kernel.policy.shell import Cmd, ShellAnalyzer

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
SHELL_STRINGS = re.compile(
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
# perl's quote operators as one string: system q(rm -rf /), exec qq{...}, qx(...) / qx{...}
_PERL_Q = re.compile(r"(?:(?:system|exec)\s*\(?\s*qq?|\bqx)\s*(?:\((.*?)\)|\[(.*?)\]|\{(.*?)\}|([/|!#])(.*?)\5)")


def _embedded_commands(a: ShellAnalyzer, cmd: Cmd, code: str) -> None:
    """Shell commands written inside code of another language, in its usual spellings."""
    for m in SHELL_STRINGS.finditer(code):
        if not _method_of_another_object(code, m.start()):
            a.script(m.group(2), cmd.st.copy(), cmd.depth + 1)
    for m in _QW.finditer(code):  # perl: system qw(rm -rf /)
        run(a, cmd.with_argv(next(g for g in m.groups() if g is not None).split()))
    for m in _PERL_Q.finditer(code):  # perl: system q(rm -rf /), qx{...}
        a.script(next(g for i, g in enumerate(m.groups()) if g is not None and i != 3), cmd.st.copy(), cmd.depth + 1)
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
