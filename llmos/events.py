"""The public event bus: typed events of what the runtime does, one in-process async publish/subscribe.

    async with LLMOS(workspace="ws") as os:
        sub = os.events.subscribe(print, types=[RunFinished])   # a sync or async callback
        async with os.events.stream() as events:                # or a queue to iterate
            ...
        sub.close()

Who publishes: every run's `RunContext.emit` (mode decision, model calls, tool calls and results,
subtasks, model text...) turns its event into a typed event here; the runtime publishes run
start/finish, cost, plans learned, crystallizations and internal-state changes. Who subscribes: the
server's SSE stream (`GET /v1/events`), OpenTelemetry (`llmos.telemetry`), the MCP server and user code.

Delivery is in-process and best effort: a callback runs inline in the publisher's task (keep it
short; a failing callback is logged and skipped, it never fails a run); a `stream()` has a bounded
queue that drops its oldest events when a slow reader falls behind, so a reader never slows a run.

Crossing processes (designed, not wired): every event is plain data, `to_dict()` and
`event_from_dict()` round-trip it through JSON. A transport is an object with `send(dict)`; the bus
hands it every locally published event. A PostgreSQL transport would `NOTIFY llmos_events, '<json>'`
in `send` (payloads over 8000 bytes carry only the event id, the full event in a table) and run a
`LISTEN llmos_events` connection whose notifications are decoded with `event_from_dict` and passed to
`bus.deliver(event)` (which notifies local subscribers without sending again); events carry `origin`
so a process ignores its own notifications.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import asdict, dataclass, field, fields
from typing import Any, ClassVar, Protocol

from llmos._log import logger

ORIGIN = uuid.uuid4().hex[:12]  # this process, for transports that cross processes


@dataclass(kw_only=True)
class Event:
    """Base of every event. `type` names the kind on the wire (SSE `event:`, JSON `type`)."""

    type: ClassVar[str] = "event"
    run_id: str | None = None
    ts: float = field(default_factory=time.time)
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:16])
    origin: str = ORIGIN

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, **asdict(self)}


@dataclass(kw_only=True)
class RunStarted(Event):
    type: ClassVar[str] = "run_started"
    goal: str = ""
    agent: str = ""
    requested_mode: str = "auto"
    parent_id: str | None = None


@dataclass(kw_only=True)
class RunFinished(Event):
    type: ClassVar[str] = "run_finished"
    goal: str = ""
    agent: str = ""
    mode: str | None = None
    status: str = ""
    success: bool = False
    parent_id: str | None = None
    cost_usd: float = 0.0
    input_tokens: int = 0
    output_tokens: int = 0
    duration_s: float = 0.0
    error: str | None = None


@dataclass(kw_only=True)
class ModeDecided(Event):
    type: ClassVar[str] = "mode"
    mode: str = ""
    confidence: float = 0.0
    plan_id: str | None = None


@dataclass(kw_only=True)
class ModelCalled(Event):
    type: ClassVar[str] = "model_call"
    provider: str = ""
    model: str = ""
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    duration_s: float = 0.0
    stop_reason: str | None = None


@dataclass(kw_only=True)
class ToolCalled(Event):
    """A tool call that passed the hooks' verdict (`decision` is allow or deny)."""

    type: ClassVar[str] = "tool_call"
    name: str = ""
    arguments: dict[str, Any] = field(default_factory=dict)
    source: str = "model"
    call_id: str | None = None
    parent_call_id: str | None = None
    decision: str | None = None
    decision_reason: str | None = None


@dataclass(kw_only=True)
class ToolFinished(Event):
    type: ClassVar[str] = "tool_result"
    name: str = ""
    is_error: bool = False
    result: str = ""
    call_id: str | None = None
    duration_s: float | None = None


@dataclass(kw_only=True)
class CostRecorded(Event):
    """What a finished run cost, and what learning saved against the runs it replays."""

    type: ClassVar[str] = "cost"
    mode: str | None = None
    agent: str = ""
    cost_usd: float = 0.0
    tokens: int = 0
    saved_usd: float = 0.0
    saved_tokens: int = 0


@dataclass(kw_only=True)
class PlanLearned(Event):
    type: ClassVar[str] = "plan_learned"
    plan_id: str = ""
    novel: bool = False
    support: int = 0
    reason: str = ""


@dataclass(kw_only=True)
class Crystallized(Event):
    type: ClassVar[str] = "crystallized"
    plan_id: str = ""
    tool: str = ""


@dataclass(kw_only=True)
class StateChanged(Event):
    """The internal state after a run moved it: the valence variables and the latent mode."""

    type: ClassVar[str] = "state"
    valence: dict[str, float] = field(default_factory=dict)
    latent_mode: str | None = None
    triggers: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class SubtaskStarted(Event):
    type: ClassVar[str] = "subtask_start"
    subtask: str = ""
    agent: str = ""
    goal: str = ""
    attempt: int = 1
    cap_usd: float | None = None


@dataclass(kw_only=True)
class SubtaskFinished(Event):
    type: ClassVar[str] = "subtask_end"
    subtask: str = ""
    agent: str = ""
    child_run_id: str | None = None
    mode: str | None = None
    success: bool = False
    cost_usd: float = 0.0
    error: str | None = None


@dataclass(kw_only=True)
class RunEvent(Event):
    """Any other per-run event (model text, an orchestration plan, a skipped subtask...)."""

    type: ClassVar[str] = "run_event"
    kind: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind or self.type, **self.data, **{k: v for k, v in asdict(self).items() if k != "data"}}


EVENT_TYPES: dict[str, type[Event]] = {
    cls.type: cls
    for cls in (
        RunStarted,
        RunFinished,
        ModeDecided,
        ModelCalled,
        ToolCalled,
        ToolFinished,
        CostRecorded,
        PlanLearned,
        Crystallized,
        StateChanged,
        SubtaskStarted,
        SubtaskFinished,
    )
}
_RENAMES = {"subtask_end": {"run_id": "child_run_id"}}  # emit's names that collide with Event's


def event_from_emit(kind: str, run_id: str | None, data: dict[str, Any]) -> Event:
    """The typed event for a `RunContext.emit(kind, **data)` (unknown kinds become `RunEvent`)."""
    cls = EVENT_TYPES.get(kind)
    if cls is None:
        return RunEvent(run_id=run_id, kind=kind, data=dict(data))
    renames = _RENAMES.get(kind, {})
    names = {f.name for f in fields(cls)} - {"run_id", "ts", "id", "origin"}
    kwargs = {renames.get(k, k): v for k, v in data.items()}
    return cls(run_id=run_id, **{k: v for k, v in kwargs.items() if k in names})


def event_from_dict(data: dict[str, Any]) -> Event:
    """Rebuild an event from `to_dict()` (what a cross-process transport carries)."""
    data = dict(data)
    kind = str(data.pop("type", ""))
    cls = EVENT_TYPES.get(kind)
    base = {k: data.pop(k) for k in ("run_id", "ts", "id", "origin") if k in data}
    if cls is None:
        data.pop("kind", None)
        return RunEvent(kind=kind, data=data, **base)
    names = {f.name for f in fields(cls)}
    return cls(**base, **{k: v for k, v in data.items() if k in names})


Callback = Callable[[Event], Awaitable[None] | None]


class Transport(Protocol):
    """Carries locally published events to other processes (see the module docstring)."""

    def send(self, event: dict[str, Any]) -> None: ...


class Subscription:
    """A subscriber's handle: `close()` (or leave a `with` block) to stop receiving."""

    def __init__(self, bus: EventBus, callback: Callback, types: frozenset[str] | None) -> None:
        self._bus = bus
        self.callback = callback
        self.types = types

    def wants(self, event: Event) -> bool:
        return self.types is None or event.type in self.types or getattr(event, "kind", None) in self.types

    def close(self) -> None:
        self._bus._remove(self)

    def __enter__(self) -> Subscription:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _type_names(types: Iterable[str | type[Event]] | None) -> frozenset[str] | None:
    if types is None:
        return None
    return frozenset(t if isinstance(t, str) else t.type for t in types)


class EventBus:
    """In-process async publish/subscribe of `Event`s."""

    def __init__(self, transport: Transport | None = None) -> None:
        self._subs: list[Subscription] = []
        self.transport = transport

    def __len__(self) -> int:
        return len(self._subs)

    def subscribe(self, callback: Callback, types: Iterable[str | type[Event]] | None = None) -> Subscription:
        """Call `callback(event)` (sync or async) for every event, or only those of `types`."""
        sub = Subscription(self, callback, _type_names(types))
        self._subs.append(sub)
        return sub

    def _remove(self, sub: Subscription) -> None:
        with contextlib.suppress(ValueError):
            self._subs.remove(sub)

    async def publish(self, event: Event) -> None:
        """Deliver `event` to local subscribers, and hand it to the transport."""
        if self.transport is not None:
            try:
                self.transport.send(event.to_dict())
            except Exception:
                logger.warning("the event transport failed on %s", event.type, exc_info=True)
        await self.deliver(event)

    async def deliver(self, event: Event) -> None:
        """Notify local subscribers only (what a transport's listener calls)."""
        for sub in list(self._subs):
            if not sub.wants(event):
                continue
            try:
                value = sub.callback(event)
                if inspect.isawaitable(value):
                    await value
            except Exception:  # a subscriber must never fail a run
                logger.warning("an event subscriber failed on %s", event.type, exc_info=True)

    @contextlib.asynccontextmanager
    async def stream(
        self, types: Iterable[str | type[Event]] | None = None, maxsize: int = 1000
    ) -> AsyncIterator[asyncio.Queue[Event]]:
        """A bounded queue receiving events while the block runs (oldest dropped when full)."""
        queue: asyncio.Queue[Event] = asyncio.Queue(maxsize=maxsize)

        def put(event: Event) -> None:
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(event)

        sub = self.subscribe(put, types)
        try:
            yield queue
        finally:
            sub.close()


__all__ = [
    "EVENT_TYPES",
    "CostRecorded",
    "Crystallized",
    "Event",
    "EventBus",
    "ModeDecided",
    "ModelCalled",
    "PlanLearned",
    "RunEvent",
    "RunFinished",
    "RunStarted",
    "StateChanged",
    "Subscription",
    "SubtaskFinished",
    "SubtaskStarted",
    "ToolCalled",
    "ToolFinished",
    "Transport",
    "event_from_dict",
    "event_from_emit",
]
