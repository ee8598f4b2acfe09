"""Markdown agents: YAML front matter plus a Markdown body that is the system prompt.

    ---
    name: haiku-poet
    description: Writes haikus on any subject.
    tools: [read_file, "web_*"]      # names or glob patterns; absent = every tool, [] = none
    model: anthropic:claude-haiku-4-5 # optional model spec
    max_turns: 5                      # optional
    budget_usd: 0.10                  # optional
    ---
    You are a poet. Answer with a single haiku.

Rules: `name` is required, lowercase letters, digits and hyphens, and must equal the file name
(`agents/haiku-poet.md` holds `name: haiku-poet`), so a name always leads to exactly one file.
Unknown keys are errors (a typo never silently does nothing), and so is an empty body.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from llmos.exceptions import AgentError

NAME_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
KEYS = ("name", "description", "tools", "model", "max_turns", "budget_usd")
_FENCE = "---"

Source = Literal["builtin", "workspace"]


@dataclass
class Agent:
    """One agent: who it is (system prompt) and what it may use (tools, model, limits)."""

    name: str
    description: str
    system_prompt: str
    tools: list[str] | None = None  # names or glob patterns; None = every tool
    model: str | None = None
    max_turns: int | None = None
    budget_usd: float | None = None
    path: Path | None = None
    source: Source = "workspace"

    def allows(self, tool_name: str) -> bool:
        """Whether this agent may use the tool (same glob rules as `ToolRegistry.select`)."""
        if self.tools is None:
            return True
        return any(fnmatch.fnmatchcase(tool_name, p) for p in self.tools)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "tools": self.tools,
            "model": self.model,
            "max_turns": self.max_turns,
            "budget_usd": self.budget_usd,
            "source": self.source,
            "path": str(self.path) if self.path else None,
            "system_prompt": self.system_prompt,
        }


def check_name(name: object) -> str:
    """`name` if it is a valid agent name, else an AgentError saying what is allowed."""
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise AgentError(
            f"invalid agent name {name!r}: use lowercase letters, digits and hyphens "
            "(start and end with a letter or digit, at most 64 characters)"
        )
    return name


def split_front_matter(text: str) -> tuple[str, str]:
    """(YAML front matter, body) of an agent file; AgentError if there is no front matter."""
    text = text.lstrip("\ufeff")
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != _FENCE:
        raise AgentError("missing YAML front matter: the file must start with a '---' line")
    for i in range(1, len(lines)):
        if lines[i].rstrip() == _FENCE:
            return "".join(lines[1:i]), "".join(lines[i + 1 :])
    raise AgentError("unterminated YAML front matter: no closing '---' line")


def _optional_str(meta: dict[str, Any], key: str) -> str | None:
    value = meta.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise AgentError(f"{key!r} must be a string, got {type(value).__name__}")
    return value.strip() or None


def _tools(value: Any) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(t, str) and t.strip() for t in value):
        raise AgentError("'tools' must be a list of tool names or glob patterns (omit it for every tool)")
    return [t.strip() for t in value]


def _max_turns(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise AgentError(f"'max_turns' must be a positive integer, got {value!r}")
    return value


def _budget(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise AgentError(f"'budget_usd' must be a non-negative number, got {value!r}")
    return float(value)


def _yaml_problem(e: yaml.YAMLError) -> str:
    mark = getattr(e, "problem_mark", None)
    problem = getattr(e, "problem", None)
    if mark is None or not problem:
        return " ".join(str(e).split())
    # +2: the file's first line is the opening '---'
    return f"{problem} (line {mark.line + 2}, column {mark.column + 1})"


def parse_agent(text: str, *, path: Path | None = None, source: Source = "workspace") -> Agent:
    """Parse an agent file's text. Raises AgentError naming the problem (not the file: callers add it)."""
    header, body = split_front_matter(text)
    try:
        meta = yaml.safe_load(header)
    except yaml.YAMLError as e:
        raise AgentError(f"invalid YAML front matter: {_yaml_problem(e)}") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise AgentError(f"the front matter must be a YAML mapping, got {type(meta).__name__}")
    unknown = sorted(str(k) for k in meta if k not in KEYS)
    if unknown:
        raise AgentError(f"unknown front matter key(s) {', '.join(unknown)}; allowed: {', '.join(KEYS)}")
    if "name" not in meta:
        raise AgentError("missing 'name' in the front matter")
    name = check_name(meta["name"])
    if path is not None and path.stem != name:
        raise AgentError(f"name {name!r} does not match the file name {path.name!r} (expected {name}.md)")
    prompt = body.strip()
    if not prompt:
        raise AgentError("the body (the system prompt) is empty")
    return Agent(
        name=name,
        description=_optional_str(meta, "description") or "",
        system_prompt=prompt,
        tools=_tools(meta.get("tools")),
        model=_optional_str(meta, "model"),
        max_turns=_max_turns(meta.get("max_turns")),
        budget_usd=_budget(meta.get("budget_usd")),
        path=path,
        source=source,
    )


def load_agent_file(path: Path, *, source: Source = "workspace") -> Agent:
    """Read and parse one agent file; errors name the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise AgentError(f"{path.name}: cannot read: {e}") from None
    try:
        return parse_agent(text, path=path, source=source)
    except AgentError as e:
        raise AgentError(f"{path.name}: {e}") from None


def render_agent(agent: Agent) -> str:
    """The file text of an agent (parse_agent(render_agent(a)) gives back the same fields)."""
    meta: dict[str, Any] = {"name": agent.name, "description": agent.description}
    if agent.tools is not None:
        meta["tools"] = list(agent.tools)
    if agent.model:
        meta["model"] = agent.model
    if agent.max_turns is not None:
        meta["max_turns"] = agent.max_turns
    if agent.budget_usd is not None:
        meta["budget_usd"] = agent.budget_usd
    header = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, default_flow_style=False, width=1000)
    return f"{_FENCE}\n{header}{_FENCE}\n\n{agent.system_prompt.strip()}\n"
