"""Hooks: classes with no-op async methods; override what you need.

Events, in the order a run meets them:

    user_prompt_submit  the goal arrives (may rewrite it)
    pre_model_call      before every model request (the budget check lives here)
    post_model_call     after it, with usage and cost
    model_call_failed   the request raised, was cancelled or was stopped by a pre_model_call hook
                        (the budget releases its reservation)
    pre_tool_use        before every tool call, in every mode: allow, deny or rewrite the input
    post_tool_use       after a successful call
    post_tool_use_failure  after a call that returned an error (or was denied)
    subagent_start / subagent_stop   around orchestrated sub-runs
    stop                the run ended (trace complete, not yet stored)

`matcher` (a glob, or a list of globs) limits a hook's tool events to tools whose names match.
The first `deny` wins; rewrites apply in order, each hook seeing the previous rewrite.
"""

from __future__ import annotations

import fnmatch
import importlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from llmos.exceptions import ConfigError

if TYPE_CHECKING:
    from llmos.kernel.context import RunContext
    from llmos.models.base import ModelRequest, ModelResponse
    from llmos.trace import ModelCallRecord, ToolCallRecord, Trace

Decision = Literal["allow", "deny", "ask"]


@dataclass
class ToolUseEvent:
    tool: str
    arguments: dict[str, Any]
    source: str  # "model", "replay", "crystallized", "sandbox", "inner"
    kind: str  # the tool's kind: function, file_read, file_write, shell, network
    call_id: str = ""


@dataclass
class HookDecision:
    """A PreToolUse verdict. `arguments` replaces the input when set (and allowed)."""

    decision: Decision = "allow"
    reason: str = ""
    arguments: dict[str, Any] | None = None
    by: str = ""

    @classmethod
    def allow(cls, reason: str = "") -> HookDecision:
        return cls("allow", reason)

    @classmethod
    def deny(cls, reason: str) -> HookDecision:
        return cls("deny", reason)

    @classmethod
    def ask(cls, reason: str) -> HookDecision:
        return cls("ask", reason)

    @classmethod
    def rewrite(cls, arguments: dict[str, Any], reason: str = "") -> HookDecision:
        return cls("allow", reason, arguments)


class Hook:
    """Base class: every method is a no-op. Subclass and override what you need."""

    name: str = ""
    matcher: str | Sequence[str] | None = None  # glob(s) over tool names for tool events

    def matches(self, tool: str) -> bool:
        if self.matcher is None:
            return True
        pats = [self.matcher] if isinstance(self.matcher, str) else list(self.matcher)
        return any(fnmatch.fnmatchcase(tool, p) for p in pats)

    async def user_prompt_submit(self, ctx: RunContext, goal: str) -> str | None:
        """Return a new goal text to rewrite it, or None to keep it."""
        return None

    async def pre_model_call(self, ctx: RunContext, request: ModelRequest) -> None:
        """Raise a ControlFlow exception (e.g. BudgetExceeded) to stop the run."""

    async def post_model_call(
        self, ctx: RunContext, request: ModelRequest, response: ModelResponse, record: ModelCallRecord
    ) -> None:
        pass

    async def model_call_failed(self, ctx: RunContext, request: ModelRequest, error: BaseException) -> None:
        """The model call raised or was cancelled, or a pre_model_call hook stopped it (release what
        your pre_model_call took; it may not have run if an earlier hook raised)."""

    async def pre_tool_use(self, ctx: RunContext, event: ToolUseEvent) -> HookDecision | None:
        return None

    async def post_tool_use(self, ctx: RunContext, record: ToolCallRecord) -> None:
        pass

    async def post_tool_use_failure(self, ctx: RunContext, record: ToolCallRecord) -> None:
        pass

    async def subagent_start(self, ctx: RunContext, agent: str, goal: str) -> None:
        pass

    async def subagent_stop(self, ctx: RunContext, agent: str, trace: Trace) -> None:
        pass

    async def stop(self, ctx: RunContext, trace: Trace) -> None:
        pass


@dataclass
class HookChain:
    """Runs hooks in order. Built-in hooks come first (security, budget, ...), user hooks after."""

    hooks: list[Hook] = field(default_factory=list)

    def add(self, hook: Hook, *, first: bool = False) -> None:
        if first:
            self.hooks.insert(0, hook)
        else:
            self.hooks.append(hook)

    def extend(self, hooks: Sequence[Hook]) -> None:
        self.hooks.extend(hooks)

    async def user_prompt_submit(self, ctx: RunContext, goal: str) -> str:
        for h in self.hooks:
            new = await h.user_prompt_submit(ctx, goal)
            if new is not None:
                goal = new
        return goal

    async def pre_model_call(self, ctx: RunContext, request: ModelRequest) -> None:
        for h in self.hooks:
            await h.pre_model_call(ctx, request)

    async def post_model_call(
        self, ctx: RunContext, request: ModelRequest, response: ModelResponse, record: ModelCallRecord
    ) -> None:
        for h in self.hooks:
            await h.post_model_call(ctx, request, response, record)

    async def model_call_failed(self, ctx: RunContext, request: ModelRequest, error: BaseException) -> None:
        for h in self.hooks:
            await h.model_call_failed(ctx, request, error)

    async def pre_tool_use(self, ctx: RunContext, event: ToolUseEvent) -> HookDecision:
        """The combined verdict: the first deny wins; an ask is kept unless a later hook denies."""
        verdict = HookDecision.allow()
        for h in self.hooks:
            if not h.matches(event.tool):
                continue
            d = await h.pre_tool_use(ctx, event)
            if d is None:
                continue
            d.by = d.by or h.name or type(h).__name__
            if d.decision == "deny":
                return d
            if d.decision == "ask" and verdict.decision == "allow":
                verdict = d
            if d.arguments is not None:
                event.arguments = d.arguments
                verdict.arguments = d.arguments
            if d.decision == "allow" and d.reason and verdict.decision == "allow" and not verdict.reason:
                verdict.reason, verdict.by = d.reason, d.by
        return verdict

    async def post_tool_use(self, ctx: RunContext, record: ToolCallRecord) -> None:
        for h in self.hooks:
            if h.matches(record.name):
                await h.post_tool_use(ctx, record)

    async def post_tool_use_failure(self, ctx: RunContext, record: ToolCallRecord) -> None:
        for h in self.hooks:
            if h.matches(record.name):
                await h.post_tool_use_failure(ctx, record)

    async def subagent_start(self, ctx: RunContext, agent: str, goal: str) -> None:
        for h in self.hooks:
            await h.subagent_start(ctx, agent, goal)

    async def subagent_stop(self, ctx: RunContext, agent: str, trace: Trace) -> None:
        for h in self.hooks:
            await h.subagent_stop(ctx, agent, trace)

    async def stop(self, ctx: RunContext, trace: Trace) -> None:
        for h in self.hooks:
            await h.stop(ctx, trace)


def load_hook(path: str, options: dict[str, Any] | None = None) -> Hook:
    """Instantiate a hook from an import path 'package.module:ClassName' (or 'package.module.ClassName')."""
    module_name, _, attr = path.partition(":") if ":" in path else path.rpartition(".")
    if not module_name or not attr:
        raise ConfigError(f"hook {path!r}: expected an import path like 'mypkg.hooks:AuditHook'")
    try:
        module = importlib.import_module(module_name)
    except ImportError as e:
        raise ConfigError(f"hook {path!r}: cannot import {module_name!r}: {e}") from e
    cls = getattr(module, attr, None)
    if cls is None:
        raise ConfigError(f"hook {path!r}: {module_name!r} has no attribute {attr!r}")
    hook = cls(**(options or {})) if isinstance(cls, type) else cls
    if not isinstance(hook, Hook):
        raise ConfigError(f"hook {path!r}: {attr} is not a llmos.Hook subclass")
    return hook
