"""How a plan's explanations become Python: expression nodes for arguments and answers.

`Gen(plan)` names the slot parameters and result variables, and turns an explanation (a candidate
of `learning.explain`) into a node of `pycode` that computes the same value with the helpers of
`support` (`round_half_up(multiply["result"], 2)`, `f"temp_{city}"`, `lower(name)`). It records
which helpers and which step results the code uses, for the imports and the assignments.
"""

from __future__ import annotations

import json
import keyword
import re
from typing import Any

from llmos.evolution.pycode import Atom, Call, Map, Node, Seq, Str, flat, literal, pystr
from llmos.learning import explain as ex
from llmos.learning.plans import Plan

LONG = 56  # longer f-strings are split (see `Gen._pieces`)

SUPPORT_NAMES = frozenset(
    {"CrystallizedRun", "Diverged", "Number", "Result", "ToolContext", "as_str", "capitalize", "div", "lower"}
    | {"concat", "number", "round_half_even", "round_half_up", "slug", "strip", "text", "title", "upper"}
    | {"round_half_down", "round_floor", "round_ceil", "round_trunc", "possessive", "lead_number"}
)
RESERVED = SUPPORT_NAMES | {
    "ctx",
    "run",
    "answer",
    "CHECKS",
    "TOOL_NAME",
    "PLAN_ID",
    "VERSION",
    "FINGERPRINT",
}
_TF_FUNC = {
    "lower": "lower",
    "upper": "upper",
    "title": "title",
    "capitalize": "capitalize",
    "strip": "strip",
    "possessive": "possessive",
    "lead_num": "lead_number",
}


def identifier(name: str, taken: set[str]) -> str:
    ident = re.sub(r"\W", "_", name, flags=re.ASCII).strip("_") or "value"
    if ident[0].isdigit():
        ident = "v" + ident
    if keyword.iskeyword(ident) or ident in RESERVED or ident.startswith("__"):
        ident += "_"
    base, n = ident, 2
    while ident in taken:
        ident, n = f"{base}_{n}", n + 1
    taken.add(ident)
    return ident


class Gen:
    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        taken: set[str] = set()
        self.params: dict[int, str] = {p: identifier(s.name, taken) for p, s in sorted(plan.slots.items())}
        self.kinds: dict[int, str] = {}
        for p, s in plan.slots.items():
            nums = [sh == "number" for sh in s.shapes] or [False]
            self.kinds[p] = "number" if all(nums) else ("mixed" if any(nums) else "str")
        self.vars: list[str] = []
        for step in plan.steps:
            base = re.split(r"__|\.", step.name)[-1] or "result"
            base = base.removeprefix("get_") if len(base) > 4 else base
            self.vars.append(identifier(base, taken))
        self.used: set[int] = set()
        self.helpers: set[str] = set()
        self.quote = '"'
        self.in_fstring = False

    def call(self, func: str, args: tuple[Node, ...]) -> Call:
        self.helpers.add(func)
        return Call(func, args)

    def annotation(self, pos: int) -> str:
        kind = self.kinds[pos]
        if kind != "str":
            self.helpers.add("Number")
        return {"number": "Number", "str": "str", "mixed": "str | Number"}[kind]

    def _token_text(self, pos: int) -> Node:
        p = self.params[pos]
        return Atom(p) if self.kinds[pos] == "str" else self.call("text", (Atom(p),))

    def _result(self, step: int, path: ex.Path) -> Node:
        self.used.add(step)
        code = self.vars[step]
        if not path:
            return Atom(code + ".text")
        for k in path:
            key = str(k) if isinstance(k, int) else pystr(k, self.quote if self.in_fstring else None)
            if self.in_fstring and not isinstance(k, int) and ("'" in k or '"' in k or "\\" in k):
                raise NeedsJoin
            code += f"[{key}]"
        return Atom(code)

    def ref(self, ref: ex.Cand, tf: str) -> Node:
        if ref[0] == "tok":
            pos = ref[1]
            if pos not in self.params:
                return self._constant_token(pos, tf)
            if tf == "num":
                p = Atom(self.params[pos])
                return p if self.kinds[pos] == "number" else self.call("number", (p,))
            base = self._token_text(pos)
        elif ref[0] == "res":
            base = self._result(ref[1], tuple(ref[2]))
            if tf == "num":
                return self.call("number", (base,))
        else:
            raise CodegenError(f"unknown reference {ref!r}")
        if tf == "id":
            return base
        if tf == "str":
            return self.call("as_str", (base,))
        if tf in ("slug_", "slug-"):
            return self.call("slug", (base, Atom(pystr(tf[-1]))))
        if tf in _TF_FUNC:
            return self.call(_TF_FUNC[tf], (base,))
        raise CodegenError(f"unknown transform {tf!r}")

    def _constant_token(self, pos: int, tf: str) -> Node:
        return literal(self._constant_value(pos, tf))

    def _constant_value(self, pos: int, tf: str) -> Any:
        tok = self.plan.skeleton[pos]
        try:
            value: Any = (
                ex.number_of(("tok", pos), ex.Env(self.plan.skeleton, [], []))
                if tf == "num"
                else (ex.transform(tf, tok.text))
            )
        except ex.Unavailable as e:
            raise CodegenError(f"goal word {pos} ({tok.text!r}) cannot be used as {tf}: {e}") from None
        return value

    def operand(self, ref: ex.Cand) -> Node:
        if ref[0] == "k":
            return Atom(repr(float(ref[1])))
        return self.ref(ref, "num")

    def cand(self, c: ex.Cand) -> Node:
        kind = c[0]
        if kind == "const":
            return literal(json.loads(c[1]))
        if kind == "val":
            return self.ref(c[1], c[2])
        if kind == "tmpl":
            return self.template(c[1])
        if kind == "arith":
            op, a, b, rnd = c[1], c[2], c[3], c[4]
            x = self.operand(a)
            if op == "/":
                x = self.call("div", (x, self.operand(b)))
            elif op in ("+", "-", "*"):
                x = Atom(f"{flat(x)} {op} {flat(self.operand(b))}")
            elif op != "id":
                raise CodegenError(f"unknown operator {op!r}")
            if rnd:
                return self.call(ex.rounding_name(rnd[0]), (x, Atom(str(int(rnd[1])))))
            return x
        if kind == "expr":
            return self._form(c[1], c[2], c[3])
        raise CodegenError(f"unknown explanation {kind!r}")

    def _form(self, form: str, operands: tuple[Any, ...], rnd: Any) -> Node:
        """A three-operand form of `explain` (the same float operations, in the same order)."""
        a, b, c = (flat(self.operand(r)) for r in operands)
        code = {
            "(a-b)*c": f"({a} - {b}) * {c}",
            "(a+b)*c": f"({a} + {b}) * {c}",
            "a-b*c": f"{a} - {b} * {c}",
            "a+b*c": f"{a} + {b} * {c}",
        }.get(form)
        if code is not None:
            x: Node = Atom(code)
        elif form in ("(a-b)/c", "(a+b)/c", "a*b/c"):
            x = self.call("div", (Atom(f"{a} {form[2] if form[0] == '(' else '*'} {b}"), Atom(c)))
        else:
            raise CodegenError(f"unknown form {form!r}")
        if rnd:
            return self.call(ex.rounding_name(rnd[0]), (x, Atom(str(int(rnd[1])))))
        return x

    def template(self, parts: tuple[Any, ...] | list[Any], *, split: bool = True) -> Node:
        """An f-string (the join of text() parts when an expression would need a quote or backslash)."""
        parts = self._fold(parts)
        if all(p[0] == "lit" for p in parts):
            return Str("".join(p[1] for p in parts))
        lit = "".join(p[1] for p in parts if p[0] == "lit")
        outer = "'" if lit.count('"') > lit.count("'") else '"'
        used, helpers = set(self.used), set(self.helpers)
        try:
            self.quote, self.in_fstring = ("'" if outer == '"' else '"'), True
            body = []
            for p in parts:
                if p[0] == "lit":
                    body.append(pystr(p[1], outer)[1:-1].replace("{", "{{").replace("}", "}}"))
                else:
                    code = flat(self.ref(p[1], p[2]))
                    if outer in code or "\\" in code or "{" in code or "}" in code:
                        raise NeedsJoin
                    body.append("{" + code + "}")
            code = "f" + outer + "".join(body) + outer
            if len(code) <= LONG or not split:
                return Atom(code)
            return self._pieces(parts)
        except NeedsJoin:
            self.used, self.helpers = used, helpers
        finally:
            self.quote, self.in_fstring = '"', False
        items = [Atom(pystr(p[1])) if p[0] == "lit" else self.call("text", (self.ref(p[1], p[2]),)) for p in parts]
        self.helpers.add("concat")
        return Call("concat", tuple(items))

    def _fold(self, parts: tuple[Any, ...] | list[Any]) -> list[Any]:
        """Constant goal words become literal text; adjacent literals merge."""
        out: list[Any] = []
        for p in parts:
            if p[0] == "val" and p[1][0] == "tok" and p[1][1] not in self.params:
                value = self._constant_value(p[1][1], p[2])
                p = ("lit", value if isinstance(value, str) else str(value))
            if p[0] == "lit" and out and out[-1][0] == "lit":
                out[-1] = ("lit", out[-1][1] + p[1])
            else:
                out.append(p)
        return out

    def _pieces(self, parts: tuple[Any, ...] | list[Any]) -> Node:
        """A long template as `concat(...)` of short f-strings (never a line over 88 columns)."""
        pieces: list[list[Any]] = [[]]
        for part in split_literals(list(parts), LONG // 2):
            if pieces[-1] and len(flat(self.template([*pieces[-1], part], split=False))) > LONG:
                pieces.append([])
            pieces[-1].append(part)
        self.helpers.add("concat")
        return Call("concat", tuple(self.template(p, split=False) for p in pieces))


def split_literals(parts: list[Any], size: int) -> list[Any]:
    """Template parts with every literal longer than `size` cut in pieces (at spaces when possible)."""
    out: list[Any] = []
    for p in parts:
        if p[0] != "lit" or len(p[1]) <= size:
            out.append(p)
            continue
        text = p[1]
        while len(text) > size:
            cut = text.rfind(" ", 0, size) + 1 or size
            out.append(("lit", text[:cut]))
            text = text[cut:]
        if text:
            out.append(("lit", text))
    return out


class CodegenError(Exception):
    """The plan has a feature the generator cannot express (the plan is then not crystallized)."""


class NeedsJoin(Exception):
    pass


def arguments(value: Any, path: ex.Path, leaves: dict[ex.Path, Node]) -> Node:
    if path in leaves:
        return leaves[path]
    if isinstance(value, dict):
        return Map(tuple((pystr(str(k)), arguments(v, (*path, str(k)), leaves)) for k, v in value.items()))
    if isinstance(value, list):
        return Seq(tuple(arguments(v, (*path, i), leaves) for i, v in enumerate(value)))
    return literal(value)
