"""The orchestration plan: what the planner model must return, and the checks it must pass.

    {"subtasks": [{"id": "research", "goal": "...", "agent": "researcher",
                   "depends_on": [], "budget_share": 0.4}, ...],
     "agents": [{"name": "researcher", "description": "...", "system_prompt": "...", "tools": null}],
     "combine": "model"}

`agents` defines new Markdown agents (created through `create_agent`, so each is versioned); every
subtask names an existing agent or one defined here. `budget_share` is the fraction of the run's
cap a subtask may spend; the shares together may not exceed 1. `combine` is "model" (a final
model call writes the answer) or "last" (the last subtask's output is the answer).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from llmos.agents.parse import NAME_RE
from llmos.exceptions import PlanInvalid

MAX_SUBTASKS = 12
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
_FENCED = re.compile(r"```(?:json)?\s*(\{.*\})\s*```", re.S)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AgentSpec(_Strict):
    name: str
    description: str = Field(min_length=1)
    system_prompt: str = Field(min_length=1)
    tools: list[str] | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not NAME_RE.match(v):
            raise ValueError(f"agent name {v!r} must be lowercase letters, digits and hyphens")
        return v


class SubtaskSpec(_Strict):
    id: str
    goal: str = Field(min_length=1)
    agent: str = "default"
    depends_on: list[str] = Field(default_factory=list)
    budget_share: float = Field(default=0.0, ge=0.0, le=1.0)

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not ID_RE.match(v):
            raise ValueError(f"subtask id {v!r} must be 1-40 letters, digits, '_' or '-'")
        return v


class PlanSpec(_Strict):
    subtasks: list[SubtaskSpec] = Field(min_length=1, max_length=MAX_SUBTASKS)
    agents: list[AgentSpec] = Field(default_factory=list)
    combine: Literal["model", "last"] = "model"


@dataclass
class OrchestrationPlan:
    """A plan that passed every check; `order` is a topological order of the subtask ids."""

    spec: PlanSpec
    order: list[str]
    new_agents: list[AgentSpec] = field(default_factory=list)

    @property
    def subtasks(self) -> dict[str, SubtaskSpec]:
        return {s.id: s for s in self.spec.subtasks}

    def dependants(self, subtask_id: str) -> set[str]:
        """Every subtask that needs `subtask_id`, directly or through others."""
        out: set[str] = set()
        frontier = [subtask_id]
        while frontier:
            current = frontier.pop()
            for s in self.spec.subtasks:
                if current in s.depends_on and s.id not in out:
                    out.add(s.id)
                    frontier.append(s.id)
        return out

    def independent_parts(self) -> int:
        """How many subtasks depend on nothing (what makes a goal multi-part)."""
        return sum(1 for s in self.spec.subtasks if not s.depends_on)

    def to_dict(self) -> dict[str, object]:
        return self.spec.model_dump()


def extract_json(text: str) -> object:
    """The JSON object in a model reply: the whole text, a fenced block, or the outermost braces."""
    text = text.strip()
    candidates = [text]
    if m := _FENCED.search(text):
        candidates.append(m.group(1))
    start, end = text.find("{"), text.rfind("}")
    if 0 <= start < end:
        candidates.append(text[start : end + 1])
    for c in candidates:
        try:
            return json.loads(c)
        except json.JSONDecodeError:
            continue
    raise PlanInvalid("the plan is not JSON: reply with one JSON object and nothing else")


def validate_plan(
    raw: str | object,
    *,
    known_agents: Iterable[str],
    may_create_agents: bool = True,
) -> OrchestrationPlan:
    """Parse and check a plan; PlanInvalid says exactly what is wrong."""
    data = extract_json(raw) if isinstance(raw, str) else raw
    try:
        spec = PlanSpec.model_validate(data)
    except ValidationError as e:
        problems = "; ".join(f"{'.'.join(str(p) for p in err['loc']) or 'plan'}: {err['msg']}" for err in e.errors())
        raise PlanInvalid(f"the plan does not match the schema: {problems}") from None
    ids = [s.id for s in spec.subtasks]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise PlanInvalid(f"duplicate subtask ids: {', '.join(dupes)}")
    known = set(known_agents)
    defined = [a.name for a in spec.agents]
    clash = sorted({n for n in defined if defined.count(n) > 1})
    if clash:
        raise PlanInvalid(f"agents defined twice: {', '.join(clash)}")
    new = [a for a in spec.agents if a.name not in known]
    if new and not may_create_agents:
        raise PlanInvalid(
            f"the plan defines new agents ({', '.join(a.name for a in new)}) but creating agents is not "
            f"allowed now: use existing agents ({', '.join(sorted(known))})"
        )
    usable = known | set(defined)
    for s in spec.subtasks:
        if s.agent not in usable:
            raise PlanInvalid(
                f"subtask {s.id!r} names unknown agent {s.agent!r}: use one of {', '.join(sorted(usable))} "
                "or define it under 'agents'"
            )
        for dep in s.depends_on:
            if dep not in ids:
                raise PlanInvalid(f"subtask {s.id!r} depends on unknown subtask {dep!r}")
            if dep == s.id:
                raise PlanInvalid(f"subtask {s.id!r} depends on itself")
    total = sum(s.budget_share for s in spec.subtasks)
    if total > 1.0 + 1e-9:
        raise PlanInvalid(f"the budget shares add up to {total:.3f} of the run's cap: together they may not exceed 1.0")
    try:
        order = list(TopologicalSorter({s.id: set(s.depends_on) for s in spec.subtasks}).static_order())
    except CycleError as e:
        cycle = " -> ".join(str(x) for x in e.args[1]) if len(e.args) > 1 else "?"
        raise PlanInvalid(f"the dependencies form a cycle: {cycle}") from None
    return OrchestrationPlan(spec, order, new)


SCHEMA_TEXT = json.dumps(PlanSpec.model_json_schema(), separators=(",", ":"))
