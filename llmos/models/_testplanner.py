"""The test model as an orchestration planner and combiner: deterministic, offline.

The orchestrator's planner and combiner requests start their system prompt with a marker
(`PLANNER_MARKER`, `COMBINE_MARKER`) and carry their data as one JSON object between
`DATA_START` and `DATA_END` in the user message. The test model answers them like this:

- plan: the goal is split into clauses (at "; " when it has one, else at "then" and "and"); a
  clause that refers back ("them", "the results", ...) or asks for a report, summary or comparison
  depends on the clauses before it, the others are independent. Each clause goes to the offered agent whose
  description shares the most words with it, or to a new agent named after its first verb
  ("research" -> researcher). Shares: 0.8 of the cap split evenly (the rest is for combining).
- combine: the answer lists each subtask's output under its id (the orchestrator adds what is missing).
"""

from __future__ import annotations

import json
import re
from typing import Any

from llmos.models.base import ModelRequest

PLANNER_MARKER = "[llmos:orchestration-planner]"
COMBINE_MARKER = "[llmos:orchestration-combiner]"
DATA_START = "<<<DATA"
DATA_END = "DATA>>>"

# linear: a match starts only at the beginning of a run of spaces, and no quantifier gives back
_SPLIT = re.compile(
    r"(?<!\s)\s*+(?:;|,\s*+(?:and\s++then|then|and)(?=\s)|(?<=\s)(?:and\s++then|then|and)(?=\s))\s*+", re.I
)
_BACKREF = re.compile(
    r"\b(them|those|these|the results?|the findings|the outputs?|above|report|summary|summari[sz]e|compare)\b", re.I
)
_SEMICOLON = re.compile(r"(?<!\s)\s*+;\s*+(?:then\s+)?", re.I)
_WORD = re.compile(r"[a-z][a-z0-9]+")
_STOP = frozenset(["the", "and", "for", "with", "that", "this", "from", "into", "about", "then", "your"])


def request_data(request: ModelRequest) -> dict[str, Any] | None:
    """The JSON data block of the last user message, if any."""
    for message in reversed(request.messages):
        if message.role != "user":
            continue
        text = message.text
        start, end = text.find(DATA_START), text.rfind(DATA_END)
        if 0 <= start < end:
            try:
                data = json.loads(text[start + len(DATA_START) : end])
            except json.JSONDecodeError:
                return None
            return data if isinstance(data, dict) else None
        return None
    return None


def _words(text: str) -> set[str]:
    return {w.rstrip("s") for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2}


def _role(clause: str) -> str:
    first = (_WORD.findall(clause.lower()) or ["helper"])[0]
    name = first + ("r" if first.endswith("e") else "er")
    return re.sub(r"[^a-z0-9-]", "", name)[:40] or "helper"


def _agent_for(clause: str, agents: list[dict[str, Any]]) -> str | None:
    words = _words(clause)
    best, best_score = None, 0
    for a in agents:
        name = str(a.get("name") or "")
        if name == "default":
            continue
        score = len(words & _words(str(a.get("description") or ""))) + 2 * len(words & _words(name))
        if score > best_score:
            best, best_score = name, score
    return best


def plan_reply(request: ModelRequest) -> str:
    data = request_data(request) or {}
    goal = str(data.get("goal") or "")
    agents = [a for a in data.get("agents") or [] if isinstance(a, dict)]
    may_create = bool(data.get("may_create_agents", True))
    splitter = _SEMICOLON if ";" in goal else _SPLIT  # "a and b; c" keeps "a and b" together
    clauses = [c.strip().rstrip(".") for c in splitter.split(goal) if c and c.strip(" .")]
    clauses = [c[:1].upper() + c[1:] for c in clauses]  # each a goal of its own
    if not clauses:
        clauses = [goal]
    share = round(0.8 / len(clauses), 4)
    subtasks: list[dict[str, Any]] = []
    new_agents: dict[str, dict[str, Any]] = {}
    for i, clause in enumerate(clauses, 1):
        agent = _agent_for(clause, agents)
        if agent is None and may_create:
            agent = _role(clause)
            if agent not in {str(a.get("name")) for a in agents} and agent not in new_agents:
                new_agents[agent] = {
                    "name": agent,
                    "description": f"Does one kind of task: {clause[:120]}.",
                    "system_prompt": f"You are {agent}. Do the task you are given, well and briefly.",
                    "tools": None,
                }
        depends = [s["id"] for s in subtasks] if i > 1 and _BACKREF.search(clause) else []
        subtasks.append(
            {"id": f"t{i}", "goal": clause, "agent": agent or "default", "depends_on": depends, "budget_share": share}
        )
    return json.dumps({"subtasks": subtasks, "agents": list(new_agents.values()), "combine": "model"})


def combine_reply(request: ModelRequest) -> str:
    data = request_data(request) or {}
    lines = [f"Combined answer for: {data.get('goal', '')}"]
    for r in data.get("results") or []:
        if isinstance(r, dict):
            lines.append(f"## {r.get('id')} ({r.get('agent')})\n{str(r.get('output') or '').strip()}")
    return "\n\n".join(lines)


def respond(request: ModelRequest) -> str | None:
    """The planner's or combiner's reply, or None for any other request."""
    if request.system.startswith(PLANNER_MARKER):
        return plan_reply(request)
    if request.system.startswith(COMBINE_MARKER):
        return combine_reply(request)
    return None
