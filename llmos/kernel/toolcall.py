"""The one seam every tool call passes through, in every mode.

    PreToolUse hooks (security policy, sentience confirmations, user hooks)
      -> allow / deny / ask (ask -> the person, or deny when nobody can answer)
      -> the tool itself (validated arguments; exceptions become error results)
      -> PostToolUse / PostToolUseFailure hooks
      -> the call recorded in the run's trace

The learner loop, FOLLOWER replay, crystallized tools and sandboxed code all call
`execute_tool_call`; nothing calls `Tool.invoke` directly.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Sequence
from typing import Any

from llmos.exceptions import StoreError
from llmos.kernel._clip import clip
from llmos.kernel.context import AskAnswer, RunContext
from llmos.kernel.hooks import ToolUseEvent
from llmos.limits import MAX_TRACE_RESULT_CHARS
from llmos.models.base import ToolCall
from llmos.tools.base import ToolContext, ToolOutput
from llmos.tools.hint_trust import note_result
from llmos.trace import CallSource, ToolCallRecord


def _clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters (a JSON listing between whole entries: `_clip.py`)."""
    return clip(text, limit)


async def _refused(ctx: RunContext, record: ToolCallRecord, result: str) -> ToolCallRecord:
    """A call that never reached its tool (unknown, or denied): an error result, traced."""
    record.result = result
    record.is_error = True
    ctx.trace.tool_calls.append(record)
    await ctx.hooks.post_tool_use_failure(ctx, record)
    await ctx.emit("tool_result", name=record.name, is_error=True, result=record.result, call_id=record.id)
    return record


async def execute_tool_call(
    ctx: RunContext,
    call: ToolCall,
    *,
    source: CallSource = "model",
    turn: int | None = None,
    parent_id: str | None = None,
) -> ToolCallRecord:
    """Run one tool call through the hook chain and record it in the trace.

    In a durable run (`ctx.steps`) a top-level call, with its hooks and the inner calls it makes,
    is one step: a run recovered after a crash gets the recorded records back, never runs it again."""
    if ctx.steps is None or parent_id is not None:
        return await _execute_tool_call(ctx, call, source=source, turn=turn, parent_id=parent_id)
    here = False

    async def step() -> list[ToolCallRecord]:
        nonlocal here
        here = True
        record = await _execute_tool_call(ctx, call, source=source, turn=turn, parent_id=parent_id)
        return [record, *_descendants(ctx.trace.tool_calls, record.id)]

    records = await ctx.steps.run(f"tool:{call.name}", step)
    if not here:  # done before the process died: the trace gets its records back
        ctx.trace.tool_calls.extend(records)
    return records[0]


def _descendants(records: list[ToolCallRecord], root: str) -> list[ToolCallRecord]:
    ids, out = {root}, []
    for r in records:
        if r.parent_id in ids:
            ids.add(r.id)
            out.append(r)
    return out


async def _execute_tool_call(
    ctx: RunContext,
    call: ToolCall,
    *,
    source: CallSource,
    turn: int | None,
    parent_id: str | None,
) -> ToolCallRecord:
    record = ToolCallRecord(
        id=call.id or "call_" + uuid.uuid4().hex[:12],
        name=call.name,
        arguments=dict(call.arguments),
        turn=ctx.turn if turn is None else turn,
        source=source,
        parent_id=parent_id,
    )
    tool = ctx.registry.get(call.name)
    started = time.perf_counter()
    if tool is None:
        known = ", ".join(ctx.registry.names()[:30])
        return await _refused(ctx, record, f"ERROR: unknown tool {call.name!r}. Available tools: {known}")

    event = ToolUseEvent(call.name, dict(call.arguments), source, tool.kind, record.id)
    verdict = await ctx.hooks.pre_tool_use(ctx, event)
    if verdict.decision == "ask":
        answer = await ctx.ask(f"{call.name} {event.arguments}: {verdict.reason}") if ctx.ask else False
        allowed = answer.approved if isinstance(answer, AskAnswer) else bool(answer)
        said = answer.reason if isinstance(answer, AskAnswer) else ""
        if allowed:
            verdict.decision, verdict.reason = "allow", f"{said or 'confirmed by the user'} ({verdict.reason})"
        else:
            verdict.decision = "deny"
            if ctx.ask is None:
                verdict.reason = (
                    f"confirmation required, and nobody can confirm in a non-interactive run: {verdict.reason}"
                )
            else:
                verdict.reason = f"{said or 'the user declined'}: {verdict.reason}"
    record.decision = verdict.decision
    record.decision_reason = verdict.reason
    if verdict.arguments is not None and verdict.arguments != record.arguments:
        record.original_arguments = record.arguments
        record.arguments = dict(verdict.arguments)
    await ctx.emit(
        "tool_call",
        name=record.name,
        arguments=record.arguments,
        source=source,
        call_id=record.id,
        parent_call_id=parent_id,
        decision=record.decision,
        decision_reason=record.decision_reason,
    )

    if record.decision == "deny":
        return await _refused(ctx, record, f"ERROR: denied by {verdict.by or 'policy'}: {verdict.reason}")

    async def call_inner(name: str, arguments: dict[str, Any]) -> ToolOutput:
        inner = await execute_tool_call(
            ctx, ToolCall("", name, arguments), source="inner", turn=record.turn, parent_id=record.id
        )
        # `data` is the inner record: a crystallized tool checks it for a denial or a rewritten input
        return ToolOutput(inner.result, inner.is_error, data=inner)

    tctx = ToolContext(
        workspace=ctx.workspace,
        run_id=ctx.run_id,
        call_tool=call_inner,
        extra={"config": ctx.config, "record_id": record.id, "run_context": ctx},
    )
    # the record goes into the trace before the call so inner calls appear after their parent
    ctx.trace.tool_calls.append(record)
    try:
        output = await tool.call(record.arguments, tctx)
    except asyncio.CancelledError:
        # the run is being stopped: the record already in the trace says so, never a blank result
        record.duration_s = time.perf_counter() - started
        record.result = "ERROR: cancelled before it finished (the run was stopped)"
        record.is_error = True
        raise
    record.duration_s = time.perf_counter() - started
    limit = min(ctx.config.tools.output_limit, MAX_TRACE_RESULT_CHARS)
    record.result = _clip(output.content, limit)
    if len(output.content) > limit:  # the trace keeps the size of what the tool returned
        record.result_chars = len(output.content)
    record.is_error = output.is_error
    if not record.is_error:  # a tool that claims to read and returned a receipt is no longer trusted to
        why = note_result(tool, record.arguments, record.result)
        if why is not None:  # ... in this process and the next ones (the registry stores the note)
            with contextlib.suppress(StoreError):  # unsaved, it still holds in this process
                ctx.registry.note(tool, why)
    if record.is_error:
        await ctx.hooks.post_tool_use_failure(ctx, record)
    else:
        await ctx.hooks.post_tool_use(ctx, record)
    await ctx.emit(
        "tool_result",
        name=record.name,
        is_error=record.is_error,
        result=record.result,
        call_id=record.id,
        duration_s=record.duration_s,
    )
    return record


async def execute_tool_calls(
    ctx: RunContext, calls: Sequence[ToolCall], *, source: CallSource = "model", turn: int | None = None
) -> list[ToolCallRecord]:
    """Run the calls of one turn concurrently; records come back in call order. A durable run
    (`ctx.steps`) runs them one after another: its steps must come in the same order on recovery."""
    if len(calls) == 1 or ctx.steps is not None:
        return [await execute_tool_call(ctx, c, source=source, turn=turn) for c in calls]
    start = len(ctx.trace.tool_calls)
    tasks = [asyncio.ensure_future(execute_tool_call(ctx, c, source=source, turn=turn)) for c in calls]
    try:
        records = list(await asyncio.gather(*tasks))
    except BaseException:
        # one call raised (a hook bug, a control-flow signal): stop its siblings too, so that no
        # tool keeps running, or writes into the trace, after the run has ended
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
    # concurrent calls may have entered the trace in any order: put them back in call order,
    # each followed by the inner calls it made
    segment = ctx.trace.tool_calls[start:]
    children: dict[str, list[ToolCallRecord]] = {}
    for r in segment:
        if r.parent_id is not None:
            children.setdefault(r.parent_id, []).append(r)

    def with_children(r: ToolCallRecord) -> list[ToolCallRecord]:
        out = [r]
        for child in children.get(r.id, []):
            out.extend(with_children(child))
        return out

    ordered = [x for r in records for x in with_children(r)]
    if len(ordered) == len(segment):
        ctx.trace.tool_calls[start:] = ordered
    return records
