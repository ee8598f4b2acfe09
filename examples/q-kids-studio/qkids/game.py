"""Players, stars, hints and the kid-safe tools LLM OS's agents use (nothing touches files or a shell)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from llmos import Tool, tool
from llmos.kernel.hooks import Hook, HookDecision, ToolUseEvent
from qkids import missions

_URL = re.compile(r"https?://\S+|www\.\S+")
_PATH = re.compile(r"(?:/[\w.-]+){2,}")
_BLOCKED = re.compile(r"\b(stupid|dumb|idiot|hate|kill)\b", re.I)
MAX_ANSWER = 400


def kid_filter(text: str) -> str:
    """What a child may read: no links, no file paths, no unkind words, short."""
    text = _URL.sub("[link removed]", text)
    text = _PATH.sub("[path removed]", text)
    text = _BLOCKED.sub("★", text)
    return text if len(text) <= MAX_ANSWER else text[: MAX_ANSWER - 1] + "…"


@dataclass
class Player:
    name: str
    stars: dict[str, int] = field(default_factory=dict)  # best stars per mission
    attempts: int = 0
    hints: int = 0

    def public(self) -> dict[str, Any]:
        return {"name": self.name, "stars": dict(self.stars), "total_stars": sum(self.stars.values()),
                "attempts": self.attempts, "hints": self.hints}  # fmt: skip


@dataclass
class Game:
    players: dict[str, Player] = field(default_factory=dict)

    def player(self, name: str) -> Player:
        return self.players.setdefault(name, Player(name))

    def leaderboard(self, top: int = 10) -> list[dict[str, Any]]:
        ranked = sorted(self.players.values(), key=lambda p: (-sum(p.stars.values()), p.attempts, p.name))
        return [p.public() for p in ranked[:top]]


KID_TOOLS = ("check_blocks", "give_hint", "record_result", "list_missions")


def game_tools(game: Game) -> list[Tool]:
    @tool
    def check_blocks(mission: str, blocks: str) -> dict[str, Any]:
        """Run a kid's blocks for a mission: passed, what they made, what was wanted, the mistake, stars."""
        return missions.check(mission, blocks)

    @tool
    def give_hint(player: str, mission: str, mistake: str) -> dict[str, Any]:
        """A kid-friendly hint for a mistake on a mission (the player's hint count goes up)."""
        game.player(player).hints += 1
        return {"player": player, "hint": missions.hint(mission, mistake)}

    @tool
    def record_result(player: str, mission: str, stars: int) -> dict[str, Any]:
        """Record an attempt at a mission and the stars earned (0 when it failed)."""
        p = game.player(player)
        p.attempts += 1
        p.stars[mission] = max(p.stars.get(mission, 0), stars)
        return {"player": player, "mission": mission, "stars": stars, "total_stars": sum(p.stars.values())}

    @tool
    def list_missions() -> list[dict[str, Any]]:
        """The missions: name, title, story, qubits, start blocks, forbidden and needed blocks."""
        return [m.public() for m in missions.MISSIONS.values()]

    return [check_blocks, give_hint, record_result, list_missions]


class KidSafeHook(Hook):
    """Only the game's tools may run, in every mode: no files, no shell, no network, no new agents."""

    name = "kid-safe"

    async def pre_tool_use(self, ctx: Any, event: ToolUseEvent) -> HookDecision | None:
        if event.tool in KID_TOOLS or event.source == "crystallized":
            return None  # a crystallized tool only calls game tools, each checked again as an inner call
        return HookDecision.deny(f"'{event.tool}' is not a kid-safe tool; only {', '.join(KID_TOOLS)} may run")
