"""What the shell walk (`shell.py`) passes around: the `Flow` of a command's stdout, the script's
`State` (cwd, variables, functions, files it wrote), and `Cmd`, a simple command after expansion.

Re-exported by `shell.py`, where the checks import them from.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace

from llmos.kernel.policy.paths import UNKNOWN
from llmos.kernel.policy.words import shown

UNKNOWN_VAR = "${__llmos_unknown__}"
ORIGIN = "__llmos_origin__"  # st.vars key prefix: where a variable's value came from (a strong Flow kind)


@dataclass(frozen=True)
class Flow:
    """What a command writes to stdout, as far as the policy cares."""

    kind: str = "none"  # none | literal | download | decoded | network | find | unknown
    text: str = ""
    paths: tuple[str, ...] = ()
    exact: bool = False  # a literal that is the command's whole output, byte for byte (echo, printf %s)


NONE = Flow()
UNKNOWN_FLOW = Flow("unknown")
STRONG = ("download", "network", "decoded", "sensitive")  # data whose origin matters wherever it goes


def merge(a: Flow, b: Flow) -> Flow:
    for kind in STRONG:
        if a.kind == kind:
            return a
        if b.kind == kind:
            return b
    return b if b.kind != "none" else a


def strongest(flows: list[Flow]) -> Flow:
    """The flows merged: the strongest origin among them (a download anywhere makes it a download)."""
    out = NONE
    for f in flows:
        out = merge(out, f)
    return out


def remember_origin(st: State, names: list[str], flows: list[Flow]) -> None:
    """`x=$(curl ...)`: x keeps the origin of what it was set from; set again from known data, it loses it."""
    kind = strongest(flows).kind
    for name in names:
        if kind in STRONG:
            st.vars[ORIGIN + name] = [kind]
        else:
            st.vars.pop(ORIGIN + name, None)


@dataclass
class State:
    """What the script has established so far: cwd, variables, functions, downloaded files."""

    cwd: str | None
    vars: dict[str, list[str]] = field(default_factory=dict)
    functions: set[str] = field(default_factory=set)
    downloaded: set[str] = field(default_factory=set)
    written: dict[str, Flow] = field(default_factory=dict)  # files the script wrote known content to
    links: dict[str, str] = field(default_factory=dict)  # symlinks the script made: path -> target
    programs: dict[str, str] = field(default_factory=dict)  # copies of system programs: path -> program

    def copy(self) -> State:
        return State(
            self.cwd, dict(self.vars), set(self.functions), self.downloaded, self.written, self.links, self.programs
        )

    def lookup(self, name: str, home: str) -> list[str]:
        ref = self.vars.get("__llmos_nameref__" + name)
        if ref and ref[0] != name:  # declare -n NAME=TARGET
            return self.lookup(ref[0], home)
        if name in self.vars:
            return self.vars[name]
        if name == "HOME":
            return [home]
        if name == "PWD" and self.cwd is not None:
            return [self.cwd]
        if name == "IFS":
            return [" \t\n"]
        if name in ("TMPDIR", "TMP", "TEMP"):  # the command's scratch space (private in the sandbox)
            return ["/tmp"]
        return [UNKNOWN]


@dataclass
class Cmd:
    """A simple command after expansion, as the checks see it."""

    argv: list[str]
    st: State
    stdin: Flow = NONE
    flows: list[Flow] = field(default_factory=list)
    env: dict[str, list[str]] = field(default_factory=dict)
    depth: int = 0

    @property
    def name(self) -> str:
        return os.path.basename(self.argv[0]) if self.argv else ""

    @property
    def args(self) -> list[str]:
        return self.argv[1:]

    @property
    def subject(self) -> str:
        return shown(" ".join([self.name, *self.args]))

    def with_argv(self, argv: list[str]) -> Cmd:
        return replace(self, argv=argv, depth=self.depth + 1)

    def flow_kinds(self) -> set[str]:
        return {f.kind for f in self.flows}
