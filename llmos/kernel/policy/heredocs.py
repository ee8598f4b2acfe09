"""Here-documents: the command substitutions an unquoted one runs when it is read.

`cat <<EOF` followed by a line `$(rm -rf ~)` runs `rm -rf ~`: the body of a here-document whose
delimiter is not quoted undergoes parameter expansion, command substitution and arithmetic
expansion. A quoted delimiter (`<<'EOF'`, `<<"EOF"`, `<<\\EOF`) keeps the body literal.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from llmos.kernel.policy.paths import UNKNOWN

if TYPE_CHECKING:
    from llmos.kernel.policy.shell import ShellAnalyzer, State

_QUOTED = re.compile(r"<<-?[ \t]*(?:(['\"])(\w+)\1|\\(\w+))")
_UNQUOTED = re.compile(r"<<-?[ \t]*(\w+)")


def quoted_delimiters(source: str) -> set[str]:
    """Delimiters that are only ever quoted in `source` (a name also used unquoted is not in it)."""
    quoted = {m.group(2) or m.group(3) for m in _QUOTED.finditer(source)}
    return quoted - {m.group(1) for m in _UNQUOTED.finditer(source)}


def substitutions(body: str) -> list[str]:
    """The commands of `$(...)` and backquoted substitutions in an unquoted here-document body."""
    out: list[str] = []
    i, n = 0, len(body)
    while i < n:
        ch = body[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "`":
            end = i + 1
            while end < n and body[end] != "`":
                end += 2 if body[end] == "\\" else 1
            out.append(body[i + 1 : end])
            i = end + 1
            continue
        if body.startswith("$((", i):
            i += 3  # arithmetic: a substitution inside it is found by the scan
            continue
        if body.startswith("$(", i):
            depth, end = 1, i + 2
            while end < n and depth:
                depth += {"(": 1, ")": -1}.get(body[end], 0)
                end += 1
            out.append(body[i + 2 : end - 1] if depth == 0 else body[i + 2 :])
            i = end
            continue
        i += 1
    return [x for x in out if x.strip()]


# `${name@P}` expands the value as a prompt string: the command substitutions in it run.
_PROMPT = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)@P\}")


def evaluated_values(a: ShellAnalyzer, raw: str, st: State, depth: int) -> None:
    """The substitutions a prompt expansion (`${name@P}`) runs from the value of a variable."""
    for name in dict.fromkeys(m.group(1) for m in _PROMPT.finditer(raw)):
        for value in st.vars.get(name, [UNKNOWN]):
            if UNKNOWN in value:
                reason = f"${{{name}@P}} runs the substitutions in a value not known here"
                a.add("ask", "shell.unknown_code", reason, raw)
            for code in substitutions(value):
                a.script(code, st.copy(), depth + 1)
