"""What a plan's steps do to the world, and how much agreeing evidence that asks for (rule 4).

Every tool gets one of four risks, from the MCP annotations its server declared (kept raw on the
tool as `metadata["annotations"]`) or, for the built-in tools, from `Tool.kind`:

    read_only    readOnlyHint (unless the tool's name, description or results say it writes: `tools.hint_trust`),
                 a built-in file_read tool, or a tool that says it is a pure function
                 (`@tool(kind="pure")`: its result depends on its arguments only, it changes nothing)
    idempotent   a write whose repetition changes nothing more (idempotentHint, destructiveHint false)
    write        a non-idempotent write: every tool that says nothing (rule 4: no hint is no promise)
    destructive  destructiveHint (the MCP default once a server annotates a tool that is not read-only),
                 or a built-in shell tool

A plan's risk is its riskiest step. FOLLOWER needs `min_support + extra_support[risk]` independent
successful runs (at least one): read-only plans replay sooner, destructive ones later. The table is
`[learning] extra_support` in llmos.toml.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from llmos.tools.hint_trust import contradiction

RISKS = ("read_only", "idempotent", "write", "destructive")
DEFAULT_EXTRA_SUPPORT: dict[str, int] = {"read_only": -1, "idempotent": 0, "write": 0, "destructive": 1}
_KIND_RISK = {
    "pure": "read_only",
    "file_read": "read_only",
    "file_write": "write",
    "shell": "destructive",
    "network": "write",
}

RiskOf = Callable[[str], str]  # tool name -> risk


def annotations_of(tool: Any) -> Mapping[str, Any]:
    meta = getattr(tool, "metadata", None)
    ann = meta.get("annotations") if isinstance(meta, dict) else None
    return ann if isinstance(ann, Mapping) else {}


def hints_not_trusted(tool: Any) -> dict[str, str]:
    """hint -> why it is not trusted, for the hints of `tool` that would lower its risk (`tools.hint_trust`)."""
    ann = annotations_of(tool)
    out: dict[str, str] = {}
    for hint in ("readOnlyHint", "idempotentHint"):
        why = contradiction(tool, hint) if ann.get(hint) is True else None
        if why is not None:
            out[hint] = why
    return out


def tool_risk(tool: Any) -> str:
    """The risk of one tool (`None`, a tool that is not registered, counts as a write)."""
    if tool is None:
        return "write"
    ann = annotations_of(tool)
    if ann:
        # a hint that lowers the risk counts only while the tool's name, description and results agree
        if ann.get("readOnlyHint") is True and contradiction(tool) is None:
            return "read_only"
        if ann.get("destructiveHint", True) is not False:  # the MCP default is destructive
            return "destructive"
        return (
            "idempotent"
            if ann.get("idempotentHint") is True and contradiction(tool, "idempotentHint") is None
            else "write"
        )
    return _KIND_RISK.get(str(getattr(tool, "kind", "")), "write")


class _RegistryRisk:
    """A risk lookup over a tool registry (read at call time: tools may be registered later), which also
    tells what a tool says of itself (`describe`: its description and its input schema, as text)."""

    def __init__(self, registry: Any) -> None:
        self.registry = registry

    def __call__(self, name: str) -> str:
        return tool_risk(self.registry.get(name))

    def not_trusted(self, name: str) -> dict[str, str]:
        tool = self.registry.get(name)
        return hints_not_trusted(tool) if tool is not None else {}

    def declares_write(self, name: str) -> bool:
        tool = self.registry.get(name)
        if tool is None:
            return False
        ann = annotations_of(tool)
        if ann:
            return ann.get("readOnlyHint") is False
        # a built-in file write declares itself by its kind; an MCP tool without hints has the kind
        # "file_write" too (`kind_for`: the policy's default), but says nothing of itself (helper words3:
        # every unannotated MCP tool counted as a declared write, and its unread result went unjudged)
        meta = getattr(tool, "metadata", None)
        mcp = isinstance(meta, dict) and "mcp_server" in meta
        return not mcp and str(getattr(tool, "kind", "")) == "file_write"

    def describe(self, name: str) -> str:
        tool = self.registry.get(name)
        if tool is None:
            return ""
        schema = getattr(tool, "input_schema", None)
        return f"{getattr(tool, 'description', '') or ''}\n{json.dumps(schema, default=str) if schema else ''}"


def registry_risk(registry: Any) -> RiskOf:
    """A risk lookup over a tool registry (read at call time: tools may be registered later)."""
    return _RegistryRisk(registry)


def describe(risk_of: RiskOf | None, name: str) -> str | None:
    """What tool `name` says of itself, when the risk lookup knows (None: nothing to read)."""
    fn = getattr(risk_of, "describe", None)
    return str(fn(name)) if callable(fn) else None


def declares_write(risk_of: RiskOf | None, name: str) -> bool:
    """Whether tool `name` is declared a write: its server's `readOnlyHint: false`, or a built-in file write
    (`Tool.kind` "file_write"), when the lookup can tell. A tool that says nothing is no declared write."""
    fn = getattr(risk_of, "declares_write", None)
    return bool(fn(name)) if callable(fn) else False


def not_trusted(risk_of: RiskOf | None, names: Iterable[str]) -> dict[str, dict[str, str]]:
    """tool -> (hint -> why it is not trusted), for `--explain`; empty when the lookup cannot tell."""
    fn = getattr(risk_of, "not_trusted", None)
    if not callable(fn):
        return {}
    out: dict[str, dict[str, str]] = {}
    for n in dict.fromkeys(names):
        why = fn(n)
        if why:
            out[n] = dict(why)
    return out


def rank(risk: str) -> int:
    return RISKS.index(risk) if risk in RISKS else RISKS.index("write")


def plan_risk(tool_names: list[str], risk_of: RiskOf | None) -> tuple[str, dict[str, str]]:
    """(the riskiest step's risk, tool -> risk). Without a lookup every tool counts as a write."""
    risks = {n: (risk_of(n) if risk_of is not None else "write") for n in dict.fromkeys(tool_names)}
    worst = max(risks.values(), key=rank, default="read_only")
    return worst, risks


def all_read_only(tool_names: Iterable[str], risk_of: RiskOf | None) -> bool:
    """Whether every tool is read-only (a plan whose answer is decided on its results). Without a lookup: no."""
    return risk_of is not None and all(risk_of(n) == "read_only" for n in tool_names)


def required_support(min_support: int, risk: str, extra: Mapping[str, int] | None = None) -> int:
    table = DEFAULT_EXTRA_SUPPORT if extra is None else {**DEFAULT_EXTRA_SUPPORT, **extra}
    return max(1, min_support + int(table.get(risk, 0)))


def writes_after(step: int, names: list[str], groups: list[int], risk_of: RiskOf | None) -> bool:
    """Whether a step of a later group than `step`'s is not read-only (a side effect still ahead)."""
    g = groups[step]
    return any(gr > g and (risk_of is None or risk_of(n) != "read_only") for n, gr in zip(names, groups, strict=True))
