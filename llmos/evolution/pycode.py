"""Rendering Python expressions the way `ruff format` leaves them.

A small tree of nodes (atoms, calls, lists, dicts) is printed flat when it fits in `WIDTH`
columns, else exploded one element per line with a trailing comma. Because every exploded
collection carries a "magic trailing comma" and strings are never split, the output is stable
under `ruff format` at line length 88 and at any longer one.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

WIDTH = 88
CONCAT = "concat"  # the helper that joins the chunks of a long string (llmos.evolution.support.concat)


@dataclass(frozen=True)
class Atom:
    code: str


@dataclass(frozen=True)
class Str:
    """A string literal; when it does not fit, `concat(...)` of chunks that do (support.concat)."""

    value: str


@dataclass(frozen=True)
class Call:
    func: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Seq:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Map:
    items: tuple[tuple[str, Node], ...]  # (key code, value)


Node = Atom | Str | Call | Seq | Map


def pystr(s: str, quote: str | None = None) -> str:
    """A string literal as ruff prints it (double quotes unless single ones need fewer escapes)."""
    if quote is None:
        quote = "'" if s.count('"') > s.count("'") else '"'
    out = [quote]
    for ch in s:
        if ch == "\\":
            out.append("\\\\")
        elif ch == quote:
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 32 or ord(ch) == 127 or (0xD800 <= ord(ch) <= 0xDFFF):
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 256 else f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append(quote)
    return "".join(out)


def literal(value: Any) -> Node:
    """A JSON value as a node (dicts, lists, strings, numbers, booleans, None)."""
    if isinstance(value, dict):
        return Map(tuple((pystr(str(k)), literal(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return Seq(tuple(literal(v) for v in value))
    if isinstance(value, str):
        return Str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return Atom(f'float("{value}")')
    if value is None or isinstance(value, bool | int | float):
        return Atom(repr(value))
    return Atom(pystr(json.dumps(value, default=str)))


def flat(node: Node) -> str:
    if isinstance(node, Atom):
        return node.code
    if isinstance(node, Str):
        return pystr(node.value)
    if isinstance(node, Call):
        return f"{node.func}({', '.join(flat(a) for a in node.args)})"
    if isinstance(node, Seq):
        return "[" + ", ".join(flat(a) for a in node.items) + "]"
    return "{" + ", ".join(f"{k}: {flat(v)}" for k, v in node.items) + "}"


def render(node: Node, indent: int, prefix: int, suffix: int = 0) -> str:
    """`node` starting at column `prefix` (its lines indented by `indent`), followed by `suffix` chars."""
    one = flat(node)
    if prefix + len(one) + suffix <= WIDTH or isinstance(node, Atom):
        return one
    if isinstance(node, Str):
        chunks = _chunks(node.value, WIDTH - indent - 4 - 1)
        if len(chunks) < 2:
            return one
        return render(Call(CONCAT, tuple(Atom(c) for c in chunks)), indent, prefix, suffix)
    if not _items(node):
        return one
    pad = " " * (indent + 4)
    lines: list[str] = []
    if isinstance(node, Map):
        for key, value in node.items:
            head = f"{key}: "
            lines.append(pad + head + render(value, indent + 4, indent + 4 + len(head), 1) + ",")
        open_, close = "{", "}"
    else:
        items = node.args if isinstance(node, Call) else node.items
        lines = [pad + render(item, indent + 4, indent + 4, 1) + "," for item in items]
        open_, close = (node.func + "(", ")") if isinstance(node, Call) else ("[", "]")
    return open_ + "\n" + "\n".join(lines) + "\n" + " " * indent + close


def _chunks(value: str, room: int) -> list[str]:
    """String literals of the pieces of `value`, each at most `room` columns (at least 12)."""
    room = max(12, room)
    out: list[str] = []
    piece = ""
    for ch in value:
        if piece and len(pystr(piece + ch)) > room:
            out.append(pystr(piece))
            piece = ""
        piece += ch
    if piece:
        out.append(pystr(piece))
    return out


def _items(node: Node) -> bool:
    if isinstance(node, Call):
        return bool(node.args)
    if isinstance(node, Seq | Map):
        return bool(node.items)
    return False


def statement(head: str, node: Node, indent: int) -> str:
    """`head` followed by the node (e.g. `x = await run.call` + a call node) as an indented statement."""
    return " " * indent + head + render(node, indent, indent + len(head))
