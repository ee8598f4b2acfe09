"""`llmos chat`: an interactive session that keeps the conversation between goals and asks the
person when a hook wants confirmation."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from rich.prompt import Confirm, Prompt

from llmos.cli._common import console, esc, open_runtime
from llmos.cli.render import render_result
from llmos.models.base import Message


async def chat_loop(workspace: Path | None, model: str | None, agent: str | None) -> None:
    async with open_runtime(workspace, model) as rt:
        console.print("[bold]LLM OS chat[/bold] — type a goal; /reset clears the history, /quit leaves.")
        history: list[Message] = []

        async def ask(question: str) -> bool:
            return await asyncio.to_thread(Confirm.ask, f"[yellow]confirm[/yellow] {question}")

        async def events(event: dict[str, Any]) -> None:
            if event["type"] == "tool_call":
                console.print(f"[dim]→ {esc(event['name'])} {esc(event.get('arguments'))}[/dim]", highlight=False)

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
                history = []
                console.print("[dim]history cleared[/dim]")
                continue
            result = await rt.execute(line, agent=agent, ask=ask, events=events, history=list(history))
            render_result(result.to_dict())
            if result.messages:
                history = result.messages
