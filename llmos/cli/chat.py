"""`llmos chat`: an interactive session that keeps the conversation between goals and asks the
person when a hook wants confirmation.

Lines that start with `/` are commands, never sent to the model (`/help` lists them; `//text`
sends `/text` as a goal). Line editing and history come from the standard `readline` module where
the platform has it; the history is kept in the workspace (.llmos/chat_history).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llmos._text import plural
from llmos.cli._common import console, esc, open_runtime
from llmos.cli.render import render_budget, render_result, render_stats
from llmos.models.base import Message

if TYPE_CHECKING:
    from llmos.runtime import LLMOS

HELP = """\
/help              this list
/stats             runs, success and spend by mode
/budget            budget balance and spending
/mode [MODE]       show or set the mode of the next goals (auto, learner, follower, mixed, crystallized)
/agent [NAME]      show or set the agent
/model [SPEC]      show or set the model (test, anthropic:NAME, openai:NAME, ollama:NAME)
/last              the last run's id, status and cost
/reset             forget the conversation so far
/quit, /exit       leave (also Ctrl-D)
//text             send "/text" to the model as a goal"""


@dataclass
class ChatState:
    mode: str = "auto"
    agent: str | None = None
    model: str | None = None
    history: list[Message] = field(default_factory=list)
    session: str | None = None  # a stored conversation (`--session`): the runtime keeps its history
    last: dict[str, Any] | None = None
    done: bool = False


def _set_mode(rt: LLMOS, state: ChatState, arg: str) -> None:
    from llmos.result import MODES

    if not arg:
        console.print(f"mode: {state.mode}")
    elif arg.lower() in MODES:
        state.mode = arg.lower()
        console.print(f"mode set to {state.mode}")
    else:
        console.print(f"[red]unknown mode[/red] {esc(arg)}: choose one of {', '.join(MODES)}", highlight=False)


def _set_agent(rt: LLMOS, state: ChatState, arg: str) -> None:
    from llmos.exceptions import LLMOSError

    if not arg:
        console.print(f"agent: {esc(state.agent or rt.config.agent.default)}", highlight=False)
        return
    try:
        rt.agents.get(arg)
    except LLMOSError as e:
        console.print(f"[red]error:[/red] {esc(e)}", highlight=False)
        return
    state.agent = arg
    console.print(f"agent set to {esc(arg)}", highlight=False)


def _set_model(rt: LLMOS, state: ChatState, arg: str) -> None:
    from llmos.exceptions import LLMOSError

    if not arg:
        current = state.model or f"{rt.model.provider}:{rt.model.name}".rstrip(":")
        console.print(f"model: {esc(current)}", highlight=False)
        return
    try:
        rt._resolve(arg)  # fails now (unknown provider, missing key) rather than at the next goal
    except LLMOSError as e:
        console.print(f"[red]error:[/red] {esc(e)}", highlight=False)
        return
    state.model = arg
    console.print(f"model set to {esc(arg)}", highlight=False)


def _last(rt: LLMOS, state: ChatState, arg: str) -> None:
    if state.last is None:
        console.print("no run yet")
        return
    d = state.last
    console.print(f"{d['run_id']} · {d['status']} · ${d['cost_usd']:.6f} · {d['mode']}", highlight=False)


def _stats(rt: LLMOS, state: ChatState, arg: str) -> None:
    render_stats(json.loads(json.dumps(rt.stats(), default=str)))


def _budget(rt: LLMOS, state: ChatState, arg: str) -> None:
    ledger = rt.ledger
    render_budget(
        {
            "balance": ledger.balance().to_dict(),
            "by_mode": ledger.spending("mode"),
            "by_model": ledger.spending("model"),
            "by_agent": ledger.spending("agent"),
        }
    )


def _reset(rt: LLMOS, state: ChatState, arg: str) -> None:
    if state.session:  # a stored session goes on in a new one rather than losing its turns
        state.session = f"{state.session.split('~')[0]}~{int(time.time())}"
        console.print(f"[dim]new session {esc(state.session)}[/dim]", highlight=False)
    state.history = []
    console.print("[dim]history cleared[/dim]")


def _quit(rt: LLMOS, state: ChatState, arg: str) -> None:
    state.done = True


def _help(rt: LLMOS, state: ChatState, arg: str) -> None:
    console.print(esc(HELP), highlight=False)


COMMANDS: dict[str, Callable[[LLMOS, ChatState, str], None]] = {
    "help": _help,
    "?": _help,
    "stats": _stats,
    "budget": _budget,
    "mode": _set_mode,
    "agent": _set_agent,
    "model": _set_model,
    "last": _last,
    "reset": _reset,
    "quit": _quit,
    "exit": _quit,
}


def run_command(rt: LLMOS, state: ChatState, line: str) -> None:
    """Run one `/command` line."""
    name, _, arg = line[1:].strip().partition(" ")
    handler = COMMANDS.get(name.lower())
    if handler is None:
        console.print(f"[red]unknown command[/red] /{esc(name)}: type /help for the list", highlight=False)
        return
    handler(rt, state, arg.strip())


def _enable_line_editing(history: Path) -> Callable[[], None]:
    """Arrow keys, editing and a persistent history through stdlib readline; returns a saver."""
    try:
        import readline
    except ImportError:  # not on this platform: plain input still works
        return lambda: None
    with contextlib.suppress(OSError, ValueError):
        readline.read_history_file(history)
    readline.set_history_length(1000)

    def save() -> None:
        with contextlib.suppress(OSError):
            readline.write_history_file(history)

    return save


def _prompt() -> str:
    from rich.prompt import Prompt

    return Prompt.ask("[bold cyan]you[/bold cyan]")


async def chat_loop(
    workspace: Path | None,
    model: str | None,
    agent: str | None,
    *,
    read_line: Callable[[], str] | None = None,
    session: str | None = None,
) -> None:
    from rich.prompt import Confirm

    from llmos.storage.db import DB_DIR

    async with open_runtime(workspace, model) as rt:
        state = ChatState(agent=agent, session=session)
        save_history = _enable_line_editing(rt.workspace / DB_DIR / "chat_history") if read_line is None else None
        reader = read_line or _prompt
        console.print("[bold]LLM OS chat[/bold] — type a goal; /help lists the commands, /quit leaves.")
        if session and rt.memory is not None:
            turns = len(rt.memory.sessions.turns(session))
            console.print(f"[dim]session {esc(session)}: {plural(turns, 'earlier turn')}[/dim]", highlight=False)

        async def ask(question: str) -> bool:
            return bool(await asyncio.to_thread(Confirm.ask, f"[yellow]confirm[/yellow] {esc(question)}"))

        async def events(event: dict[str, Any]) -> None:
            if event["type"] == "tool_call":
                console.print(f"[dim]→ {esc(event['name'])} {esc(event.get('arguments'))}[/dim]", highlight=False)

        try:
            while not state.done:
                try:
                    line = (await asyncio.to_thread(reader)).strip()
                except (EOFError, KeyboardInterrupt):
                    break
                if not line:
                    continue
                if line.startswith("/") and not line.startswith("//"):
                    run_command(rt, state, line)
                    continue
                goal = line[1:] if line.startswith("//") else line
                await _one_goal(rt, state, goal, ask, events)
        finally:
            if save_history is not None:
                save_history()


async def _one_goal(
    rt: LLMOS,
    state: ChatState,
    goal: str,
    ask: Callable[[str], Awaitable[bool]],
    events: Callable[[dict[str, Any]], Awaitable[None]],
) -> None:
    from llmos.exceptions import UserError

    try:
        result = await rt.execute(
            goal,
            mode=state.mode,
            agent=state.agent,
            model=state.model,
            ask=ask,
            events=events,
            history=None if state.session else list(state.history),
            session_id=state.session,
        )
    except UserError as e:  # a goal the runtime refuses (mode unavailable...): say so, keep chatting
        console.print(f"[red]error:[/red] {esc(e)}", highlight=False)
        return
    state.last = result.to_dict()
    render_result(state.last)
    if result.messages:
        state.history = result.messages
