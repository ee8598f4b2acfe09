"""`llmos chat`: an interactive session that keeps the conversation between goals and asks the
person when a hook wants confirmation."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from rich.markup import escape
from rich.prompt import Confirm, Prompt

from llmos.cli._common import console, open_runtime
from llmos.cli.render import render_result
from llmos.models.base import Message


async def chat_loop(
    workspace: Path | None, model: str | None, agent: str | None, *, session: str | None = None
) -> None:
    async with open_runtime(workspace, model) as rt:
        console.print("[bold]LLM OS chat[/bold] — type a goal; /reset clears the history, /quit leaves.")
        if session:
            turns = len(rt.memory.sessions.turns(session)) if rt.memory is not None else 0
            console.print(f"[dim]session {escape(session)}: {turns} earlier turn{'s' if turns != 1 else ''}[/dim]")
        history: list[Message] = []

        async def ask(question: str) -> bool:
            return await asyncio.to_thread(Confirm.ask, f"[yellow]confirm[/yellow] {question}")

        async def events(event: dict[str, Any]) -> None:
            if event["type"] == "tool_call":
                console.print(f"[dim]→ {event['name']} {event.get('arguments')}[/dim]")

        while True:
            try:
                line = await asyncio.to_thread(Prompt.ask, "[bold cyan]you[/bold cyan]")
            except (EOFError, KeyboardInterrupt):
                break
            line = line.strip()
            if not line:
                continue
            if line in ("/quit", "/exit"):
                break
            if line == "/reset":
                if session:  # a stored session goes on in a new one rather than losing its turns
                    session = f"{session}-{int(time.time())}"
                history = []
                console.print("[dim]history cleared[/dim]")
                continue
            if session:
                result = await rt.execute(line, agent=agent, ask=ask, events=events, session_id=session)
            else:
                result = await rt.execute(line, agent=agent, ask=ask, events=events, history=list(history))
            render_result(result.to_dict())
            if result.messages:
                history = result.messages
