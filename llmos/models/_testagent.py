"""The default behaviour of `TestModel`: a small deterministic agent that reads the goal.

It plans tool calls from the goal text and the offered tools, makes them one per turn (never the
same call twice), and then answers with a text summary of the results. When no call fits a goal
that names something to act on (a file, an absolute or home path, a command), the answer is an
honest give-up ("I could not do this: ..."), so the run fails (issue 9, rule 7: honest success). The built-in tools
(write_file, edit_file, read_file, list_dir, glob, grep, run_command) are recognised from the
goal's wording; any other tool is chosen when words of its name (or several words of its
description) appear in the goal, with arguments filled from its schema: quoted strings from the
goal, then numbers from the goal, then type-based defaults.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from llmos.models.base import Message, ModelRequest, TextBlock, ToolCall, ToolResult, ToolSpec

QUOTED = re.compile(r"(?<!\w)'([^']+)'(?!\w)|\"([^\"]+)\"|“([^”]+)”|‘([^’]+)’")
BACKTICK = re.compile(r"`([^`]+)`")
FILE = re.compile(r"(?<![\w/.-])((?:[\w.-]+/)*[\w-]+\.[A-Za-z][A-Za-z0-9]{0,7})(?![\w/])")
NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w.]*[A-Za-z])")
# A clause break starts at the first blank of a run (never inside one) and a comma is the only way to
# a second blank run: the old `\s*,?\s*` took cubic time on a goal of blanks (500 tabs: 6 s).
CLAUSES = re.compile(r"(?!(?<=\s)\s)\s*(?:(?:,\s*)?\b(?:and then|then|afterwards|after that)\b|;|\.\s+(?=[A-Z]))\s*")
DIR_AFTER = re.compile(r"\b(?:in|of|under|inside)\s+(?:the\s+)?(?:directory\s+|folder\s+)?([\w./-]+)")
CONTENT_AFTER = re.compile(
    r"\b(?:containing|with the text|with the content|with content|with text|that says|saying)\s+(.+)$", re.I
)
_STOP = "a an and are as at be by for from get in into is it its of on or set the this that to with your you"
STOP_WORDS = frozenset(_STOP.split()) | {"what", "which", "file", "files", "tool", "value", "values"}
PATH_ARGS = ("path", "file", "filename", "file_path")
WORKSPACE_WORDS = frozenset({"workspace", "current", "this", "here", "directory", "folder", "root", "."})


@dataclass
class Goal:
    """What the goal text offers as argument values (each used once)."""

    text: str
    quoted: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    numbers: list[float] = field(default_factory=list)

    @classmethod
    def parse(cls, text: str) -> Goal:
        commands = [m.group(1) for m in BACKTICK.finditer(text)]
        plain = BACKTICK.sub(" ", text)
        quoted = [next(g for g in m.groups() if g is not None) for m in QUOTED.finditer(plain)]
        unquoted = QUOTED.sub(" ", plain)
        files = [q for q in quoted if FILE.fullmatch(q)] + FILE.findall(unquoted)
        numbers = [float(n) for n in NUMBER.findall(unquoted)]
        return cls(text, [q for q in quoted if q not in files], files, commands, numbers)


def words(text: str) -> set[str]:
    return {w.rstrip("s") for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in STOP_WORDS}


def find_tool(tools: list[ToolSpec], base: str) -> ToolSpec | None:
    """The offered tool named `base`, also under an MCP-style prefix (`x__base`, `x.base`, `x_base`)."""
    for t in tools:
        if t.name == base:
            return t
    for t in tools:
        if t.name.endswith(("__" + base, "." + base, "_" + base)):
            return t
    return None


# ---------------------------------------------------------------------------- planning
Step = tuple[str, dict[str, Any]]
AGENT_GOAL = re.compile(
    r"\b(?:create|make|add|build)\s+(?:an?\s+|the\s+)?(?P<name>[A-Za-z][\w-]*)\s+agent\b"
    r"(?:\s+(?:that|which|who|to)\s+(?P<purpose>.+))?",
    re.I,
)


def _agent_clause(clause: str, tools: list[ToolSpec]) -> Step | None:
    """ "Create a haiku-poet agent that writes haikus" -> create_agent(...)."""
    agent = AGENT_GOAL.search(clause)
    if agent is None:
        return None
    if not find_tool(tools, "create_agent"):  # load it first when it is offered on demand
        return ("tool_search", {"query": "create_agent"}) if find_tool(tools, "tool_search") else None
    name = re.sub(r"[^a-z0-9]+", "-", agent.group("name").lower()).strip("-")
    purpose = (agent.group("purpose") or "").strip().rstrip(".") or f"acts as a {name}"
    return "create_agent", {
        "name": name,
        "description": f"An agent that {purpose}.",
        "system_prompt": f"You are {name}, an agent that {purpose}. Do exactly that, well and briefly.",
    }


def _search_clause(clause: str, g: Goal, low: str, path: str | None, tools: list[ToolSpec]) -> Step | None:
    """grep, glob and list_dir clauses."""
    if find_tool(tools, "grep") and g.quoted and re.search(r"\b(search|grep|look for|occurrences?)\b", low):
        args: dict[str, Any] = {"pattern": g.quoted[0]}
        where = DIR_AFTER.search(QUOTED.sub(" ", clause))
        if path:
            args["path"] = path
        elif where and where.group(1).rstrip(".").lower() not in WORKSPACE_WORDS:
            args["path"] = where.group(1).rstrip(".")
        return "grep", args
    if find_tool(tools, "glob") and re.search(r"\b(find|locate|glob)\b", low):
        pattern = next((q for q in g.quoted if "*" in q), None)
        ext = re.search(r"(?<![\w*])\.([A-Za-z0-9]{1,8})\s+files?\b", clause)
        if pattern is None and ext:
            pattern = f"**/*.{ext.group(1)}"
        if pattern:
            return "glob", {"pattern": pattern}
    if find_tool(tools, "list_dir") and re.search(r"\b(list|ls)\b|\b(what|which) files\b", low):
        m = DIR_AFTER.search(clause)
        target = m.group(1).rstrip(".") if m else "."
        return "list_dir", {"path": "." if target.lower() in WORKSPACE_WORDS or not target else target}
    return None


def _builtin_clause(clause: str, tools: list[ToolSpec], last_file: str | None) -> Step | None:
    """One built-in tool call for one clause of the goal, when its wording asks for one."""
    g = Goal.parse(clause)
    low = clause.lower()
    agent_step = _agent_clause(clause, tools)
    if agent_step is not None:
        return agent_step
    path = g.files[0] if g.files else (last_file if re.search(r"\b(it|that file|the file)\b", low) else None)
    if find_tool(tools, "run_command") and (
        g.commands or (re.search(r"\b(run|execute)\b", low) and re.search(r"\bcommand\b", low))
    ):
        command = g.commands[0] if g.commands else (g.quoted[0] if g.quoted else _after(clause, r"\bcommand\b"))
        if command:
            return "run_command", {"command": command}
    if (
        find_tool(tools, "edit_file")
        and path
        and len(g.quoted) >= 2
        and re.search(r"\b(replace|change|substitute)\b", low)
    ):
        return "edit_file", {"path": path, "old": g.quoted[0], "new": g.quoted[1]}
    if find_tool(tools, "write_file") and path and re.search(r"\b(create|write|save|make|put|overwrite)\b", low):
        content = g.quoted[0] if g.quoted else ""
        if not content and (m := CONTENT_AFTER.search(clause)):
            content = m.group(1).strip().rstrip(".")
        return "write_file", {"path": path, "content": content}
    if (
        find_tool(tools, "read_file")
        and path
        and re.search(r"\b(read|show|print|cat|display|open|view|contents?|what'?s in|what is in)\b", low)
    ):
        return "read_file", {"path": path}
    return _search_clause(clause, g, low, path, tools)


def _after(text: str, pattern: str) -> str:
    m = re.search(pattern + r"\s*:?\s*(.+)$", text, re.I)
    return m.group(1).strip().rstrip(".") if m else ""


def _builtin_plan(goal: str, tools: list[ToolSpec]) -> list[Step]:
    plan: list[Step] = []
    last_file: str | None = None
    for clause in CLAUSES.split(goal):
        if not clause.strip():
            continue
        step = _builtin_clause(clause, tools, last_file)
        if step is not None:
            tool = find_tool(tools, step[0])
            plan.append((tool.name if tool else step[0], step[1]))
            last_file = step[1].get("path", last_file)
    return plan


def _score(tool: ToolSpec, goal_words: set[str]) -> int:
    name_hits = len(words(re.sub(r"[_.\-]+", " ", tool.name)) & goal_words)
    desc_hits = len({w for w in words(tool.description) if len(w) > 3} & goal_words)
    return name_hits * 10 + (desc_hits if desc_hits >= 2 else 0)


def fill_arguments(schema: dict[str, Any], goal: Goal) -> dict[str, Any]:
    """Schema-valid arguments: goal values first (each used once), then type-based defaults."""
    props: dict[str, Any] = schema.get("properties") or {}
    required = list(schema.get("required") or [])
    quoted, numbers, files = list(goal.quoted), list(goal.numbers), list(goal.files)
    args: dict[str, Any] = {}
    for name in required or list(props):
        prop = props.get(name) or {}
        kind = prop.get("type", "string")
        kind = next((k for k in kind if k != "null"), "string") if isinstance(kind, list) else kind
        if prop.get("enum"):
            args[name] = next((v for v in prop["enum"] if str(v).lower() in goal.text.lower()), prop["enum"][0])
        elif kind in ("number", "integer"):
            value = numbers.pop(0) if numbers else prop.get("default", 0)
            args[name] = int(value) if kind == "integer" else value
        elif kind == "boolean":
            args[name] = bool(prop.get("default", False))
        elif kind == "array":
            args[name] = []
        elif kind == "object":
            args[name] = {}
        elif name in ("path", "file", "filename", "file_path") and files:
            args[name] = files.pop(0)
        elif name in ("command", "cmd") and goal.commands:
            args[name] = goal.commands[0]
        elif quoted:
            args[name] = quoted.pop(0)
        elif required:
            args[name] = str(prop.get("default", ""))
    return args


def plan(goal: str, tools: list[ToolSpec], tool_choice: str) -> list[Step]:
    """Every call the goal needs, in order."""
    if tool_choice == "none" or not tools:
        return []
    steps = _builtin_plan(goal, tools)
    if steps:
        return steps
    goal_words = words(goal)
    ranked = sorted(
        ((s, i, t) for i, t in enumerate(tools) if (s := _score(t, goal_words)) > 0),
        key=lambda x: (-x[0], x[1]),
    )
    chosen = [t for _, _, t in ranked[:3]]
    if not chosen and tool_choice == "any":
        chosen = [tools[0]]
    parsed = Goal.parse(goal)
    steps = [(t.name, fill_arguments(t.input_schema, parsed)) for t in chosen]
    # a file tool without a file named in the goal would only fail: leave it out
    return [(name, args) for name, args in steps if not any(args.get(k) == "" for k in PATH_ARGS)]


# ---------------------------------------------------------------------------- the conversation
def goal_and_history(messages: list[Message]) -> tuple[str, list[tuple[ToolCall, ToolResult | None]]]:
    """The current instruction (the last user text without tool results; its last paragraph) and the
    calls made since, each with its result."""
    start = 0
    goal = ""
    for i, m in enumerate(messages):
        if m.role == "user" and m.text.strip() and not any(isinstance(b, ToolResult) for b in m.content):
            start, goal = i, m.text.strip()
    goal = re.split(r"\n\s*\n", goal)[-1].strip() if goal else ""
    results = {b.tool_call_id: b for m in messages[start:] for b in m.content if isinstance(b, ToolResult)}
    calls = [(b, results.get(b.id)) for m in messages[start:] if m.role == "assistant" for b in m.tool_calls]
    return goal, calls


def _short(text: str, limit: int = 300) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[:limit] + "…"


ABSOLUTE_PATH = re.compile(r"(?<![\w.~/-])(?:~|\.{1,2})?/[\w.-]+(?:/[\w.-]*)*")


def names_work(goal: str) -> bool:
    """Whether the goal names something to act on: a file, an absolute or home path, a command."""
    parsed = Goal.parse(goal)
    return bool(parsed.files or parsed.commands or ABSOLUTE_PATH.search(BACKTICK.sub(" ", goal)))


def summary(goal: str, done: list[tuple[ToolCall, ToolResult | None]]) -> str:
    if not done and names_work(goal):  # a file, path or command to act on, and nothing done: give up (rule 7)
        return f"I could not do this: I am the offline test model and no tool fits this request: {goal!r}."
    if not done:  # a message with nothing to act on ("Say hi"): a reply, which claims no work
        return f"I am the offline test model and no tool fits this request: {goal!r}."
    failed = [(c, r) for c, r in done if r is not None and r.is_error]
    lines = []
    for c, r in done:
        outcome = "(no result)" if r is None else ("failed: " if r.is_error else "") + _short(r.content)
        lines.append(f"- {c.name}({json.dumps(c.arguments, ensure_ascii=False)[:200]}): {outcome}")
    head = (
        f"I could not finish: {failed[0][0].name} returned an error: {_short(failed[0][1].content, 200)}"
        if failed
        else f"Done: {len(done)} tool call{'s' if len(done) > 1 else ''}."
    )
    return head + "\n" + "\n".join(lines)


def respond(request: ModelRequest) -> list[TextBlock | ToolCall] | str:
    """The next step for this conversation: a tool call to make, or the final text."""
    from llmos.models import _testplanner

    special = _testplanner.respond(request)  # orchestration: plan or combine
    if special is not None:
        return special
    goal, done = goal_and_history(request.messages)
    if any(r is not None and r.is_error for _, r in done):
        return summary(goal, done)
    made = {(c.name, json.dumps(c.arguments, sort_keys=True)) for c, _ in done}
    for name, args in plan(goal, request.tools, request.tool_choice):
        if (name, json.dumps(args, sort_keys=True)) not in made:
            return [ToolCall("", name, args)]
    return summary(goal, done)
