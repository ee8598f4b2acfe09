"""The context of one run: what every layer needs to execute a goal under the same rules."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llmos.kernel.hooks import HookChain
from llmos.tools.registry import ToolRegistry
from llmos.trace import Trace

if TYPE_CHECKING:
    from llmos.config import Config
    from llmos.events import EventBus
    from llmos.kernel.steps import StepRunner

EventSink = Callable[[dict[str, Any]], Awaitable[None]]


@dataclass(frozen=True)
class AskAnswer:
    """An asker's answer with its why (e.g. "nobody approved it within 60 s"), kept in the decision."""

    approved: bool
    reason: str = ""


Asker = Callable[[str], Awaitable[bool | AskAnswer]]


@dataclass
class RunContext:
    """Everything a run shares across layers.

    `ask` answers a hook's "ask" verdict (an interactive session asks the person); without it,
    "ask" becomes "deny" with the reason. `events` receives streaming events (SSE, chat UI).
    `scratch` is for hooks to keep per-run state.
    """

    trace: Trace
    workspace: Path
    registry: ToolRegistry
    hooks: HookChain
    config: Config
    ask: Asker | None = None
    events: EventSink | None = None
    turn: int = 0
    scratch: dict[str, Any] = field(default_factory=dict)
    bus: EventBus | None = None  # the runtime's public event bus (llmos.events): every emit is published
    steps: StepRunner | None = None  # a durable run checkpoints model and tool calls here (kernel.steps)

    @property
    def run_id(self) -> str:
        return self.trace.id

    async def emit(self, type_: str, **data: Any) -> None:
        if self.bus is not None:
            from llmos.events import event_from_emit

            await self.bus.publish(event_from_emit(type_, self.trace.id, data))
        if self.events is not None:
            await self.events({"type": type_, "run_id": self.trace.id, **data})
