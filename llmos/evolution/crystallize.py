"""Crystallization: a learned plan becomes a Python module, generated from the plan (no model call).

    problems(plan)                      why a plan cannot be crystallized ([] when it can)
    tool_name_for(plan, taken)          a readable, unique function name from the plan's skeleton
    generate(plan, name, version=1)     -> Generated(name, source, fingerprint, params)

The module holds one async function whose parameters are the plan's slots. Its body calls the
plan's tools in order (a group of concurrent calls through `run.gather`), computing each argument
with the plan's preferred explanation, written out as code (`round_half_up(multiply["result"], 2)`).
Every other explanation the evidence allows sits in the module's `CHECKS` table, and
`support.CrystallizedRun` checks at each call that they all agree with the computed value, that
results have known shapes and that constants that mattered did not change: the same safety
checks as FOLLOWER replay. The layout is the one `ruff format` produces (see `pycode.py`).
"""

from __future__ import annotations

import hashlib
import io
import json
import keyword
import re
import textwrap
import tokenize
from dataclasses import dataclass
from typing import Any

from llmos.evolution.expressions import RESERVED, CodegenError, Gen, arguments
from llmos.evolution.pycode import CONCAT, Atom, Call, Node, Seq, literal, pystr, statement
from llmos.learning import answers
from llmos.learning import explain as ex
from llmos.learning.goals import STOPWORDS
from llmos.learning.plans import Plan

CODEGEN_VERSION = 2  # 2: the answer is built from the run's own values (`run.answer()`)
_KIND_RANK = {"val": 0, "arith": 1, "tmpl": 2, "const": 3}
MAX_NAME = 40


@dataclass
class Generated:
    name: str
    source: str
    fingerprint: str
    params: list[tuple[int, str, str]]  # (goal position, slot name, parameter name)


# ---------------------------------------------------------------- eligibility and naming
def problems(plan: Plan) -> list[str]:
    """Why this plan cannot become a tool ([] when it can)."""
    out = list(plan.unsafe_reasons())
    if plan.sibling and plan.support < 2:  # `learning/wordings.py`: its evidence is lent while it holds
        out.append(f"learned from a sibling wording ({plan.support} run of its own): a tool needs its own runs")
    if not plan.steps:
        out.append("the plan makes no tool calls")
    if not out:
        try:
            generate(plan, "check")
        except CodegenError as e:
            out.append(str(e))
    return out


def fingerprint(plan: Plan) -> str:
    """What the generated code depends on: equal fingerprints generate the same function body."""
    data = {
        "codegen": CODEGEN_VERSION,
        "skeleton": [[t.kind, t.text] for t in plan.skeleton],
        "slots": [[p, s.name, sorted(s.shapes)] for p, s in sorted(plan.slots.items())],
        "steps": [_step_checks(plan, i) for i in range(len(plan.steps))],
        "answer": answers.fingerprint_parts(plan.answer),
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]


def tool_name_for(plan: Plan, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """`convert_save`, `email_report`: the skeleton's constant content words, made unique."""
    words = []
    for i, t in enumerate(plan.skeleton):
        if i in plan.slots or t.kind != "word":
            continue
        w = re.sub(r"[^a-z0-9]+", "_", t.text.lower()).strip("_")
        if w and w not in STOPWORDS and len(w) > 1 and not w.isdigit() and w not in words:
            words.append(w)
    base = ""
    for w in words:
        if base and len(base) + 1 + len(w) > MAX_NAME:
            break
        base = f"{base}_{w}" if base else w
    base = base[:MAX_NAME] or "plan_" + plan.id.removeprefix("plan_")[:8]
    if base[0].isdigit() or keyword.iskeyword(base) or base in RESERVED:
        base = "do_" + base
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    return name


def _rank(c: ex.Cand, slots: dict[int, Any]) -> tuple[Any, ...]:
    """Preferred explanation first: data flow from results, then slots; constants; and last,
    expressions of constant goal words (a coincidence of wording, not data flow)."""
    tf = c[2] if c[0] == "val" else "id"
    rnd = c[4] if c[0] == "arith" else None
    varies = c[0] == "const" or ex.uses_results(c) or bool(ex.token_positions(c) & slots.keys())
    return (
        _KIND_RANK.get(c[0], 9) if varies else 9,
        0 if ex.uses_results(c) else 1,
        tf not in ("id", "num"),
        rnd is not None,
        len(list(ex.refs(c))),
        len(repr(c)),
        repr(c),
    )


def _step_checks(plan: Plan, i: int) -> dict[str, Any]:
    step = plan.steps[i]
    return {
        "tool": step.name,
        "group": step.group,
        "leaves": [
            [list(lf.path), lf.type, [ex.to_json(c) for c in sorted(lf.cands, key=lambda c: _rank(c, plan.slots))]]
            for lf in step.leaves
        ],
        "shapes": step.result_shapes,
        "constants": step.const_results if plan.fixed_leaf_after(i) else {},
    }


# ---------------------------------------------------------------- the module
def generate(plan: Plan, name: str, version: int = 1) -> Generated:
    """The source of the crystallized module for `plan` (raises CodegenError when it cannot)."""
    if not plan.steps:
        raise CodegenError("the plan makes no tool calls")
    g = Gen(plan)
    args: list[Node] = []
    summary: list[str] = []
    names, steps = plan.slot_names(), [s.name for s in plan.steps]
    for step in plan.steps:
        leaves: dict[ex.Path, Node] = {}
        said = []
        for leaf in step.leaves:
            if not leaf.cands:
                raise CodegenError(f"{step.name}.{ex.format_path(leaf.path)} is unexplained")
            # the code computes one explanation in use; the run's checks compare it with all of them
            usable = [c for c in ex.awake(leaf.cands) if c[0] not in ("lin", "rlin", "band")]
            best = sorted(usable or leaf.cands, key=lambda c: _rank(c, plan.slots))[0]
            leaves[tuple(leaf.path)] = g.cand(best)
            said.append(f"{ex.format_path(leaf.path)}={ex.describe(best, names, steps)}")
        args.append(arguments(step.arguments, (), leaves))
        summary.append(f"{step.name}({', '.join(said)})")

    slot_list = Seq(tuple(Atom(g.params[p]) for p in sorted(g.params)))
    body = [statement("run = ", Call("CrystallizedRun", (Atom("ctx"), Atom("CHECKS"), slot_list)), 4)]
    for n, group in enumerate(sorted({s.group for s in plan.steps}), 1):
        idxs = [i for i, s in enumerate(plan.steps) if s.group == group]
        calls = [Call("run.call", (Atom(str(i)), Atom(pystr(plan.steps[i].name)), args[i])) for i in idxs]
        comment = f"    # {n}. {' + '.join(plan.steps[i].name for i in idxs)}"
        body.append(comment if len(comment) <= 88 else f"    # {n}. {len(idxs)} concurrent calls")
        if len(idxs) == 1:
            head = f"{g.vars[idxs[0]]} = await " if idxs[0] in g.used else "await "
            body.append(statement(head, calls[0], 4))
        else:
            targets = [g.vars[i] if i in g.used else "_" for i in idxs]
            head = f"{', '.join(targets)} = await " if any(t != "_" for t in targets) else "await "
            body.append(statement(head, Call("run.gather", tuple(calls)), 4))
    # the answer states only this run's values: CHECKS["answer"] filled in, else a listing of the results
    body.append("    return run.answer()")

    checks = {
        "plan": plan.id,
        "skeleton": [[t.kind, t.text] for t in plan.skeleton],
        "slots": [[p, g.params[p]] for p in sorted(g.params)],
        "steps": [_step_checks(plan, i) for i in range(len(plan.steps))],
        "answer": answers.fingerprint_parts(plan.answer),
    }
    fp = fingerprint(plan)
    params = [f"{g.params[p]}: {g.annotation(p)}" for p in sorted(g.params)] + ["ctx: ToolContext"]
    signature = f"async def {name}({', '.join(params)}) -> str:"
    if len(signature) > 88:
        signature = f"async def {name}(\n" + "".join(f"    {p},\n" for p in params) + ") -> str:"
    checks_code = statement("CHECKS = ", literal(checks), 0)
    rendered = "\n".join(body) + "\n" + checks_code
    if _uses_name(rendered, CONCAT):  # long strings rendered as concat(...) by pycode
        g.helpers.add(CONCAT)
    imports = sorted(g.helpers | {"CrystallizedRun", "ToolContext"}, key=_import_key)
    parts = [
        _docstring(_module_doc(plan, name, version), 0),
        "",
        _import_line("llmos.evolution.support", imports),
        "",
        f"TOOL_NAME = {pystr(name)}",
        f"PLAN_ID = {pystr(plan.id)}",
        f"VERSION = {int(version)}",
        f"FINGERPRINT = {pystr(fp)}",
        "",
        "",
        signature,
        _docstring(_function_doc(plan, g, summary), 4),
        *body,
        "",
        "",
        "# What the evidence allows, checked at every call: all explanations of each argument",
        "# (they must agree with the value computed above), result shapes seen, and results",
        "# that never varied while a later argument is a constant.",
        checks_code,
    ]
    source = "\n".join(parts) + "\n"
    return Generated(name, source, fp, [(p, plan.slots[p].name, g.params[p]) for p in sorted(g.params)])


def _uses_name(code: str, name: str) -> bool:
    """Whether `name` appears in `code` as a name (not inside a string)."""
    tokens = tokenize.generate_tokens(io.StringIO(code).readline)
    return any(t.type == tokenize.NAME and t.string == name for t in tokens)


def _import_key(name: str) -> tuple[int, str]:
    if name.isupper():
        return (0, name)
    return (1 if name[0].isupper() else 2, name)


def _import_line(module: str, names: list[str]) -> str:
    line = f"from {module} import {', '.join(names)}"
    if len(line) <= 88:
        return line
    return f"from {module} import (\n" + "".join(f"    {n},\n" for n in names) + ")"


def _clean(text: str) -> str:
    out = "".join(ch if ch.isprintable() or ch == "\n" else " " for ch in text)
    return out.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


def _docstring(paragraphs: list[str], indent: int) -> str:
    """A docstring: paragraphs wrapped to fit; a paragraph starting with '- ' or a digit keeps its lines."""
    pad = " " * indent
    width = 88 - indent
    lines: list[str] = []
    for i, para in enumerate(paragraphs):
        if i:
            lines.append("")
        for raw in para.split("\n"):
            sub = "    " if raw.startswith("    ") else ""
            lead = len(raw) - len(raw.lstrip(" "))
            hang = " " * (lead + (3 if re.match(r"\s*\d+\. ", raw) else 4 if sub else 0))
            wrapped = textwrap.wrap(
                _clean(raw.strip()),
                width - lead - (3 if i == 0 and not lines else 0),
                initial_indent=" " * lead,
                subsequent_indent=hang,
                break_long_words=True,
                break_on_hyphens=False,
            ) or [""]
            lines.extend(wrapped)
    if len(lines) == 1:
        return f'{pad}"""{lines[0].strip()}"""'
    first, rest = lines[0].strip(), lines[1:]
    inner = "\n".join((pad + line).rstrip() for line in rest)
    return f'{pad}"""{first}\n{inner}\n{pad}"""'


def _module_doc(plan: Plan, name: str, version: int) -> list[str]:
    return [
        f"Crystallized tool `{name}`: {plan.skeleton_text()}.",
        f"Generated by LLM OS from plan {plan.id} (version {version}) without a model call. Do not "
        "edit by hand: every version is in the evolution log (`llmos evolve log`), and `llmos "
        "evolve revert ID` restores an earlier one.",
    ]


def _function_doc(plan: Plan, g: Gen, summary: list[str]) -> list[str]:
    runs = ", ".join(plan.trace_ids[-5:]) + (", ..." if len(plan.trace_ids) > 5 else "")
    calls = "\n".join(f"{i}. {line}" for i, line in enumerate(summary, 1))
    args = ["Args:"]
    for p in sorted(g.params):
        slot = plan.slots[p]
        kind = {"number": "a number", "str": "a word", "mixed": "a word or number"}[g.kinds[p]]
        if "quoted" in slot.shapes:
            kind = "a text"
        seen = ", ".join(v if len(v) <= 30 else v[:27] + "..." for v in slot.values[:3])
        args.append(f"    {g.params[p]}: {{{slot.name}}} in the goal, {kind}" + (f" (e.g. {seen})" if seen else ""))
    return [
        f"{plan.skeleton_text()}.",
        f"Crystallized from plan {plan.id}: learned from {plan.support} successful runs ({runs}) and "
        f"{plan.replay_successes} successful replays. It calls, in order:",
        calls,
        "Every call passes the hook chain (policy, budget, trace). It stops with an error when a call "
        "fails or a result breaks what the evidence showed, so the caller can take over.",
        "\n".join(args),
    ]
