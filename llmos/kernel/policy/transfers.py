"""Code of other languages that copies, moves or links files, and shell sinks the main reader
(`interp.py`) misses: found on destructive_command_guard's corpora (issue 10).

- Copies, renames and links: the destination is checked as a write (so is the source of a
  rename or move, as a deletion): Python (`os.replace`, `os.rename`, `shutil.copy*`,
  `shutil.move`, `shutil.copytree`, `Path(...).replace/rename`, imported under any alias, with
  positional or keyword arguments), Node (`fs.renameSync`, `copyFileSync`, `cp`, `symlink`,
  destructured under an alias), Ruby (`File.rename`, `FileUtils.mv/cp`, `IO.copy_stream`),
  Perl (`rename`, File::Copy) and PHP (`rename`, `copy`). Only literal paths are read.
- Perl: `qx` with any delimiter, `system LIST` without parentheses, and a deletion
  (`rmtree`, `remove_tree`, `rm_rf`) given several paths or an array reference.
"""

from __future__ import annotations

import ast
import os
import re

from llmos.kernel.policy.commands import run
from llmos.kernel.policy.shell import Cmd, ShellAnalyzer

_PY_MOVES = {"os.rename", "os.replace", "os.renames", "shutil.move"}
_PY_COPIES = {"shutil.copy", "shutil.copy2", "shutil.copyfile", "shutil.copytree", "os.link", "os.symlink"}
_PY_PATH_MOVES = {"replace", "rename"}
_PY_PATH_LINKS = {"symlink_to", "hardlink_to"}

_LIT = r"(['\"])((?:(?!\1).)*)\1"
_TWO_LITERALS = r"\s*\(?\s*" + _LIT + r"\s*,\s*" + _LIT.replace("\\1", "\\3")
_MOVERS = r"renameSync|rename|File\.rename|FileUtils\.mv|FileUtils\.move|move"
_COPIERS = (
    r"copyFileSync|copyFile|cpSync|cp|symlinkSync|symlink|linkSync|link|File\.symlink|File\.link"
    r"|FileUtils\.cp|FileUtils\.cp_r|FileUtils\.copy|FileUtils\.copy_file|FileUtils\.install|FileUtils\.ln"
    r"|FileUtils\.ln_s|FileUtils\.ln_sf|IO\.copy_stream|copy"
)
_NODE_ALIASES = re.compile(r"\{([^{}]*)\}\s*=\s*require\(\s*['\"](?:node:)?fs(?:/promises)?['\"]\s*\)")
_QX = re.compile(r"\bqx\s*(?:\{(.*?)\}|\((.*?)\)|\[(.*?)\]|<(.*?)>|([^\w\s{(\[<])(.*?)\5)", re.DOTALL)
_SYSTEM_LIST = re.compile(r"\b(?:system|exec)\s+(['\"])([\w./-]+)\1\s*,\s*([^;\n]*)")
_MULTI_DELETE = re.compile(r"\b(rmtree|remove_tree|rm_rf|rm_r)\s*\(\s*([^)]*)\)")


def _landing(src: str, dst: str) -> str:
    """Where a copy lands: DST/NAME when DST names a directory by its spelling."""
    if dst.endswith("/") or dst in (".", "..", "~"):
        return dst.rstrip("/") + "/" + os.path.basename(src.rstrip("/"))
    return dst


def _transfer(a: ShellAnalyzer, cmd: Cmd, src: str | None, dst: str | None, moves: bool) -> None:
    if dst is not None:
        a.write_target(_landing(src or "x", dst) if src is not None else dst, cmd.st, "write", cmd.subject)
    if moves and src is not None:
        a.write_target(src, cmd.st, "delete_recursive", cmd.subject)


def _aliases(tree: ast.AST) -> dict[str, str]:
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for al in node.names:
                names[al.asname or al.name] = f"{node.module}.{al.name}"
        elif isinstance(node, ast.Import):
            for al in node.names:
                names[al.asname or al.name] = al.name
    return names


def _dotted(node: ast.expr, names: dict[str, str]) -> str:
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value, names)
        return f"{base}.{node.attr}" if base else ""
    return names.get(node.id, node.id) if isinstance(node, ast.Name) else ""


def _text(node: ast.expr | None) -> str | None:
    """A path written as a literal, or folded from literals: `+`, os.path.join, expanduser, Path.home()."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Div)):
        left, right = _text(node.left), _text(node.right)
        if left is None or right is None:
            return None
        return left + right if isinstance(node.op, ast.Add) else os.path.join(left, right)
    if isinstance(node, ast.Call) and isinstance(node.func, (ast.Attribute, ast.Name)):
        fn = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
        parts = [_text(x) for x in node.args]
        if fn == "home" and not parts:
            return "~"
        if fn in ("join", "expanduser", "Path", "PurePath") and parts and None not in parts:
            return os.path.join(*[x for x in parts if x is not None])
    return None


def _arg(call: ast.Call, index: int, *keywords: str) -> ast.expr | None:
    if len(call.args) > index:
        return call.args[index]
    return next((k.value for k in call.keywords if k.arg in keywords), None)


def _python(a: ShellAnalyzer, cmd: Cmd, code: str) -> None:
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError):
        return
    names = _aliases(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _dotted(node.func, names)
        if name in _PY_MOVES or name in _PY_COPIES:
            src = _text(_arg(node, 0, "src", "source"))
            dst = _text(_arg(node, 1, "dst", "destination", "target"))
            _transfer(a, cmd, src, dst, name in _PY_MOVES)
        elif isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Call):
            inner = node.func.value  # Path('x').replace('y')
            if _dotted(inner.func, names).rsplit(".", 1)[-1] not in ("Path", "PurePath", "PosixPath"):
                continue
            own = _text(inner.args[0]) if inner.args else None
            if node.func.attr in _PY_PATH_MOVES:
                _transfer(a, cmd, own, _text(_arg(node, 0, "target")), True)
            elif node.func.attr in _PY_PATH_LINKS and own is not None:
                a.write_target(own, cmd.st, "write", cmd.subject)


def _other(a: ShellAnalyzer, cmd: Cmd, code: str) -> None:
    movers, copiers = _MOVERS, _COPIERS
    for m in _NODE_ALIASES.finditer(code):
        for part in m.group(1).split(","):
            real, _, alias = (x.strip() for x in part.partition(":"))
            if alias and re.fullmatch(r"\w+", alias) and real in ("renameSync", "rename"):
                movers += "|" + alias
            elif alias and re.fullmatch(r"\w+", alias):
                copiers += "|" + alias
    for names, moves in ((movers, True), (copiers, False)):
        for m in re.finditer(r"(?<![\w$>])(?:fs\.|fsp\.|promises\.)?(?:" + names + r")" + _TWO_LITERALS, code):
            _transfer(a, cmd, m.group(2), m.group(4), moves)


def _perl(a: ShellAnalyzer, cmd: Cmd, code: str) -> None:
    for m in _QX.finditer(code):
        text = next((g for g in m.groups()[:4] if g is not None), None) or m.group(6) or ""
        a.script(text, cmd.st.copy(), cmd.depth + 1)
    for m in _SYSTEM_LIST.finditer(code):
        run(a, cmd.with_argv([m.group(2), *re.findall(r"['\"]([^'\"]*)['\"]", m.group(3))]))
    for m in _MULTI_DELETE.finditer(code):
        targets = re.findall(r"['\"]([^'\"]*)['\"]", m.group(2))
        if len(targets) > 1 or m.group(2).lstrip().startswith("["):
            run(a, cmd.with_argv(["rm", "-rf", *targets]))


def check(a: ShellAnalyzer, cmd: Cmd, lang: str, code: str) -> None:
    """File transfers and the shell sinks above, in `code` written in `lang`."""
    if lang.startswith(("python", "pypy")):
        _python(a, cmd, code)
    else:
        _other(a, cmd, code)
        if lang == "perl" or "qx" in code:
            _perl(a, cmd, code)
