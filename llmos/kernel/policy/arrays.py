"""Bash arrays and positional parameters in the analysis: `a=(rm -rf /); "${a[@]}"` is `rm -rf /`.

The family rule for word splitting and indirection: when the words a script builds expand to a
command, that command is what is checked, under its own rule (so a dangerous one is denied, not
asked). Arrays are one more way to build the words:

    a=(w1 w2)  a+=(w3)  declare -a a=(...)  a[2]=w  a=w (element 0)  set -- w1 w2 ("$@", "$1")
    f() { "$@"; }; f w1 w2       bash -c '"$@"' NAME w1 w2

bashlex cannot parse `NAME=(...)`, so the source is rewritten (`rewrite`) into a pseudo-command
`ARRAY_SET NAME WORDS...` whose words go through the ordinary expansion (quotes, variables,
braces), and `command()` stores the elements under `words.ARRAY + NAME` (`assign_array`).
Expansions (`${a[@]}`, `${a[*]}`, `${a[N]}`, `${a[@]:1:2}`) are in `words._subscript`.
Arrays are sparse as in bash: `unset 'a[1]'` (quoted: unquoted, bash may glob it to a file name)
and `a[5]=x` past the end leave holes (`HOLES + NAME`) that `${a[@]}` skips. `mapfile -t` /
`readarray -t` and `read -a` take the lines or words of a text the analysis knows exactly (a
here-string, a here-doc, `< <(echo ...)`, `< <(printf '%s\n' ...)`). A function's body is analysed
at every call with its arguments (`call_function`, from `commands.run`), and at its definition as a
call without arguments; `shift`, `set [OPTIONS] --` and `${@:N}` follow the positional parameters.
Whatever is not modelled exactly (read -d, mapfile without -t or from a file, an element index that
is not a number) makes the array unknown, and an unknown command name is asked about, never allowed.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from llmos.kernel.policy.paths import UNKNOWN
from llmos.kernel.policy.shellstate import remember_origin
from llmos.kernel.policy.words import ARRAY, HOLES, SPLIT

if TYPE_CHECKING:
    from llmos.kernel.policy.shell import Flow, ShellAnalyzer, State

ARRAY_SET = "__llmos_array_set__"
ARRAY_ADD = "__llmos_array_add__"
FUNCTION = "__llmos_function__:"  # State.vars key prefix: a function's body, analysed again at each call
PSEUDO = (ARRAY_SET, ARRAY_ADD)
RESERVED = "__llmos_array_"  # a user's command may not contain the pseudo-commands' names
_DECLARE = r"(?:(?:declare|typeset|local|readonly|export)(?:\s+[-+][A-Za-z]+)*\s+)?"
_LITERAL = re.compile(r"(^|[;&|\s(])" + _DECLARE + r"([A-Za-z_][A-Za-z0-9_]*)(\+?)=\(((?:[^()`$]|\$(?!\())*)\)")
_ELEMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\[([^]]*)\](\+?)=(.*)$", re.DOTALL)


def rewrite(source: str) -> str:
    """`[declare -a] NAME=(WORDS)` and `NAME+=(WORDS)` as pseudo-commands bashlex can parse."""

    def sub(m: re.Match[str]) -> str:
        marker = ARRAY_ADD if m.group(3) else ARRAY_SET
        after = source[m.end() :].lstrip(" \t")[:1]
        end = "" if after in ("", ";", "&", "|", ")", "\n", "}") else ";"  # `a=(x) b=(y)`: two statements
        return f"{m.group(1)}{marker} {m.group(2)} {m.group(4)}{end}"

    return _LITERAL.sub(sub, source)


def assign_array(st: State, argv: list[str]) -> None:
    """Run the pseudo-command: `ARRAY_SET NAME ELEMENTS...` or `ARRAY_ADD NAME ELEMENTS...`."""
    if len(argv) < 2:
        return
    name, elements = argv[1], argv[2:]
    holes: set[int] = set()
    if argv[0] == ARRAY_ADD:  # appended after the highest index (trailing holes are never kept)
        before = elements_of(st, name)
        elements = [UNKNOWN] if before is None else [*before, *elements]
        holes = holes_of(st, name)
    _store(st, name, elements, holes)


def elements_of(st: State, name: str) -> list[str] | None:
    """The known elements of `name` (a scalar is a one-element array), or None when unknown."""
    if ARRAY + name in st.vars:
        got = st.vars[ARRAY + name]
        return None if got == [UNKNOWN] else list(got)
    if name in st.vars and len(st.vars[name]) == 1 and UNKNOWN not in st.vars[name][0]:
        return [st.vars[name][0]]
    return None


def holes_of(st: State, name: str) -> set[int]:
    """The indexes below the highest one that are not set (`unset 'a[1]'`, `a[5]=x` past the end)."""
    return {int(i) for i in st.vars.get(HOLES + name, [])}


def _store(st: State, name: str, elements: list[str], holes: set[int] | frozenset[int] = frozenset()) -> None:
    holes = {i for i in holes if i < len(elements)}
    while elements and len(elements) - 1 in holes:  # bash's highest index is the last set element
        holes.discard(len(elements) - 1)
        elements = elements[:-1]
    st.vars[ARRAY + name] = elements
    st.vars[HOLES + name] = [str(i) for i in sorted(holes)]
    st.vars[name] = [elements[0] if elements and 0 not in holes else ""]


def forget(st: State, name: str) -> None:
    """`name` may now hold anything (read -a with a delimiter, mapfile from a file, ...)."""
    st.vars.pop(HOLES + name, None)
    st.vars[ARRAY + name] = [UNKNOWN]
    st.vars[name] = [UNKNOWN]


def unset(st: State, name: str) -> None:
    st.vars.pop(ARRAY + name, None)
    st.vars.pop(HOLES + name, None)
    st.vars[name] = [""]


def unset_element(st: State, name: str, index: str) -> None:
    """`unset 'a[I]'`: element I is gone and the others keep their indexes (a literal index only)."""
    elements = elements_of(st, name)
    if elements is None or not re.fullmatch(r"-?\d+", index):
        forget(st, name)
        return
    i = int(index) + (len(elements) if index.startswith("-") else 0)
    if 0 <= i < len(elements):
        _store(st, name, elements, holes_of(st, name) | {i})


def assign(st: State, name: str, values: list[str], *, append: bool = False) -> None:
    """A scalar assignment `NAME=value` (element 0 of an array) or `NAME[I]=value`."""
    m = _ELEMENT.match(name + ("+" if append else "") + "=" + SPLIT.join(values))
    if m is not None and "[" in name:
        _assign_element(st, m.group(1), m.group(2), values, append=append)
        return
    if ARRAY + name not in st.vars:
        st.vars[name] = values
        return
    _assign_element(st, name, "0", values, append=append)


def _assign_element(st: State, name: str, index: str, values: list[str], *, append: bool) -> None:
    if ARRAY + name in st.vars or name in st.vars:
        elements = elements_of(st, name)
    else:  # never assigned here: element 0 may come from the environment
        elements = [UNKNOWN]
    if elements is None or not re.fullmatch(r"\d+", index) or len(values) != 1 or int(index) > 1000:
        forget(st, name)
        return
    i = int(index)
    holes = holes_of(st, name) | set(range(len(elements), i))  # a[5]=x past the end: 2..4 stay unset
    elements += [""] * (i + 1 - len(elements))
    elements[i] = elements[i] + values[0] if append and i not in holes else values[0]
    _store(st, name, elements, holes - {i})


def element_assignment(word: str) -> tuple[str, str, bool] | None:
    """(`a[1]`, value, append) when `word` is an element assignment bashlex left as a word."""
    m = _ELEMENT.match(word)
    if m is None:
        return None
    return f"{m.group(1)}[{m.group(2)}]", m.group(4), bool(m.group(3))


def set_positional(st: State, args: list[str]) -> None:
    """`set [OPTIONS] -- W...` or `set [OPTIONS] W...`: "$@", "$*", "$1"... are the words (no words
    and no `--`, as in `set -e`: unchanged)."""
    i = 0
    while i < len(args) and args[i] != "--" and args[i][:1] in ("-", "+") and args[i] != "-":
        i += 2 if args[i] in ("-o", "+o") else 1
    if i < len(args) and args[i] in ("--", "-"):
        words = args[i + 1 :]
    elif i < len(args):
        words = args[i:]
    else:
        return
    _positional(st, words)


def positional_words(st: State) -> list[str] | None:
    """The positional parameters, when known."""
    got = st.vars.get("@", [UNKNOWN])
    if len(got) != 1 or UNKNOWN in got[0]:
        return None
    return got[0].split(SPLIT) if got[0] else []


def shift(st: State, args: list[str]) -> None:
    """`shift [N]`: the positional parameters lose their first N (unknown when N or they are)."""
    words = positional_words(st)
    n = int(args[0]) if args[:1] and args[0].isdigit() else (1 if not args else -1)
    if words is None or n < 0:
        for key in ("@", "*", "#", *map(str, range(1, 10))):
            st.vars[key] = [UNKNOWN]
    elif n <= len(words):  # more than there are: bash leaves them unchanged
        _positional(st, words[n:])


def _positional(st: State, words: list[str]) -> None:
    st.vars["@"] = [SPLIT.join(words)]
    st.vars["*"] = [" ".join(words)]
    st.vars["#"] = [str(len(words))]
    for i in range(1, 10):
        st.vars[str(i)] = [words[i - 1] if i <= len(words) else ""]


def state_changes(
    a: ShellAnalyzer, argv: list[str], env: dict[str, list[str]], st: State, stdin: Flow, depth: int
) -> tuple[list[str], dict[str, list[str]]]:
    """Assignments (element ones too), `set --`, `shift`; returns argv and env with the `+` of `x+=`
    dropped."""
    elements = [element_assignment(w) for w in argv]
    if argv and all(elements):  # a[1]=w: bashlex leaves element assignments as words
        env.update({e[0] + ("+" if e[2] else ""): [e[1]] for e in elements if e})
        argv = []
    if not argv:
        for name, values in env.items():
            assign(st, name.rstrip("+"), values, append=name.endswith("+"))
    env = {name.rstrip("+"): values for name, values in env.items()}
    if argv[:1] == ["set"]:
        set_positional(st, argv[1:])
    elif argv[:1] == ["shift"]:
        shift(st, argv[1:])
    return argv, env


def call_function(
    a: ShellAnalyzer, argv: list[str], st: State, stdin: Flow, depth: int, flows: list[Flow] | None = None
) -> None:
    """A call of a function the script defined: its body analysed again with these arguments.
    Done for every command the analysis runs (`commands.run`), so a call through an alias, `time`,
    a wrapper or `eval` is followed too (also where bash would not find the function: stricter)."""
    body = st.vars.get(FUNCTION + argv[0], [UNKNOWN])[0]
    if UNKNOWN not in body and argv[0] not in a.calling:
        child = st.copy()
        set_positional(child, ["--", *argv[1:]])
        remember_origin(child, ["@", "*", *map(str, range(1, 10))], flows or [])  # f "$(curl ...)": $1 too
        a.calling.add(argv[0])
        a.script(body, child, depth + 1, stdin)
        a.calling.discard(argv[0])
        _returned(st, child, body)


_LOCAL = re.compile(r"(?:^|[;{&|\s])(?:local|declare|typeset)\s+([^;&|\n]*)")
_POSITIONAL = {"@", "*", "#", *map(str, range(1, 10))}


def _returned(st: State, child: State, body: str) -> None:
    """What a called function leaves to its caller (it runs in the same shell): its cwd, and the
    variables and functions it set, except its `local` ones and the positional parameters."""
    st.cwd = child.cwd
    local = {w.partition("=")[0] for m in _LOCAL.finditer(body) for w in m.group(1).split() if w[:1] != "-"}
    for name, value in child.vars.items():
        if name not in _POSITIONAL and name not in local and st.vars.get(name) != value:
            st.vars[name] = value


def glob_bracket(raw: str) -> bool:
    """Whether the word as written has an unquoted `[` (bash globs `unset a[0]` against file names)."""
    quote = ""
    escaped = False
    for ch in raw:
        if escaped:
            escaped = False
        elif ch == "\\" and quote != "'":
            escaped = True
        elif quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "[":
            return True
    return False


def exact_output(word: Any) -> bool:
    """Whether `word` is one process substitution running one echo or printf, whose output the
    analysis knows exactly (a list's flow is only its last command's)."""
    parts = getattr(word, "parts", None) or []
    if len(parts) != 1 or parts[0].kind != "processsubstitution" or parts[0].command.kind != "command":
        return False
    first = parts[0].command.parts[0]
    return first.kind == "word" and first.word in ("echo", "printf")


def map_lines(st: State, args: list[str], stdin: Flow) -> None:
    """`mapfile -t [-n N] [-s N] NAME` reading a known text (here-string, here-doc, `< <(printf ...)`):
    one element per line. Other options (-d, -u, -O, -C) or no -t: the array is unknown."""
    from llmos.kernel.policy.options import parse_opts

    parsed = parse_opts(args, "dnOsuCc")
    names = parsed.positionals or ["MAPFILE"]
    shorts = {name for name, _ in parsed.opts}
    counts = [v for key in ("-n", "-s") for v in parsed.values(key)]
    exact = stdin.kind == "literal" and "-t" in shorts and shorts <= {"-t", "-n", "-s"} and len(names) == 1
    if not exact or not all(c.isdigit() for c in counts):
        for x in names:
            forget(st, x)
        return
    lines = stdin.text.split("\n")
    if lines and lines[-1] == "":  # the text's final newline ends the last line
        lines.pop()
    skip = int(next(iter(parsed.values("-s")), "0"))
    count = int(next(iter(parsed.values("-n")), "0"))
    lines = lines[skip:]
    _store(st, names[0], lines[:count] if count else lines)
