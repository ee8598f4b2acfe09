"""The agent loop (LEARNER mode): model → tool calls → results → … → final answer.

One turn: PreModelCall hooks (the budget reserves the call's worst case) → the model →
PostModelCall hooks (cost settled, trace updated) → the turn's tool calls, concurrently, each
through `execute_tool_call` (the hook chain) → results back to the model. The loop ends on a
final answer, `max_turns`, or a ControlFlow signal (budget, cancellation), which the runtime
turns into the run's outcome with its trace saved.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from llmos.exceptions import ModelError
from llmos.kernel._clip import listed_names
from llmos.kernel.context import RunContext
from llmos.kernel.offer import CODE_TOOL, SEARCH_TOOL, OfferRules, make_offer
from llmos.kernel.toolcall import execute_tool_calls
from llmos.models.base import (
    Message,
    Model,
    ModelRequest,
    ModelResponse,
    RawBlock,
    StreamDone,
    TextDelta,
    ToolCallDelta,
    ToolResult,
    ToolSpec,
)
from llmos.trace import ModelCallRecord, Status

if TYPE_CHECKING:
    from llmos.models.pricing import Pricing


@dataclass
class LoopOptions:
    model: Model
    pricing: Pricing
    system: str = ""
    system_volatile: str = ""  # changes between runs (internal state): kept out of the cached prefix
    tools: list[str] | None = None  # glob patterns of the tools offered; None = all
    tool_search: bool = False  # offer `tool_search` so the model can load tools not offered yet
    max_turns: int = 20
    max_tokens: int = 4096
    temperature: float | None = None
    stream: bool = False
    rules: OfferRules = field(default_factory=OfferRules)  # the tool offer: deferral, code mode, examples
    search_variant: Literal["bm25", "regex"] = "bm25"  # the provider's server-side tool search
    programmatic: bool = False  # the provider's code execution may call the tools


@dataclass
class LoopOutcome:
    status: Status
    output: str = ""
    error: str | None = None
    messages: list[Message] = field(default_factory=list)


def _offered(ctx: RunContext, opts: LoopOptions, found: set[str]) -> list[ToolSpec]:
    """The tools of this request (see `kernel.offer`): held-back tools load through tool search."""
    selected = ctx.registry.select(opts.tools)
    names = {t.name for t in selected}
    extra = [t for n in sorted(found - names) if (t := ctx.registry.get(n)) is not None]  # loaded by a search
    offer = make_offer(
        [*selected, *extra],
        named=set(opts.tools or ()),
        found=found,
        search=ctx.registry.get(SEARCH_TOOL),
        code=ctx.registry.get(CODE_TOOL),
        rules=opts.rules,
        force_search=opts.tool_search,
    )
    return offer.specs


def _found_by_search(result: str) -> set[str]:
    """The tool names a `tool_search` result lists. The listing is the JSON array the result starts
    with: a note after it (a search answered while the full index is still being built says so)
    must not hide the tools it found, or the model is told a tool is available and never offered it.
    A listing cut at `output_limit` is cut between whole entries (`_clip.py`), so its names stay."""
    return listed_names(result) if isinstance(result, str) else set()


async def _call_model(ctx: RunContext, opts: LoopOptions, request: ModelRequest) -> ModelResponse:
    if not opts.stream:
        return await opts.model.request(request)
    final: ModelResponse | None = None
    async for event in opts.model.stream(request):
        if isinstance(event, TextDelta):
            await ctx.emit("model_text", text=event.text)
        elif isinstance(event, ToolCallDelta):
            pass  # announced when it runs
        elif isinstance(event, StreamDone):
            final = event.response
    if final is None:
        from llmos.exceptions import ModelResponseError

        raise ModelResponseError("the model stream ended without a final response")
    return final


async def _paid_call(
    ctx: RunContext, opts: LoopOptions, request: ModelRequest
) -> tuple[ModelResponse, ModelCallRecord]:
    """The model call with the budget's reservation before it and its settlement (and the trace) after it."""
    started = time.perf_counter()
    try:
        # a hook after the budget may stop the call once its worst case is reserved: the
        # failure path releases the reservation either way
        await ctx.hooks.pre_model_call(ctx, request)
        response = await _call_model(ctx, opts, request)
    except BaseException as e:
        await ctx.hooks.model_call_failed(ctx, request, e)
        raise
    usage = response.usage
    record = ModelCallRecord(
        provider=opts.model.provider,
        model=response.model or opts.model.name,
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        cache_write_tokens=usage.cache_write_tokens,
        cache_read_tokens=usage.cache_read_tokens,
        cost_usd=opts.pricing.cost(opts.model.provider, opts.model.name, usage),
        duration_s=time.perf_counter() - started,
        stop_reason=response.stop_reason,
    )
    ctx.trace.model_calls.append(record)
    await ctx.hooks.post_model_call(ctx, request, response, record)
    return response, record


async def model_turn(ctx: RunContext, opts: LoopOptions, request: ModelRequest) -> ModelResponse:
    """One model call with budget, cost accounting and trace capture around it.

    In a durable run (`ctx.steps`) the call, its reservation and its settlement are one step: a
    run recovered after a crash gets the recorded response, neither calling nor charging again."""
    ctx.scratch["model"] = opts.model
    here = True
    if ctx.steps is None:
        response, record = await _paid_call(ctx, opts, request)
    else:
        here = False

        async def step() -> tuple[ModelResponse, ModelCallRecord]:
            nonlocal here
            here = True
            return await _paid_call(ctx, opts, request)

        response, record = await ctx.steps.run(f"model:{opts.model.provider}:{opts.model.name}", step)
        if not here:  # made and paid before the process died: only the trace is redone
            ctx.trace.model_calls.append(record)
    await ctx.emit(
        "model_call",
        provider=record.provider,
        model=record.model,
        input_tokens=record.input_tokens,
        output_tokens=record.output_tokens,
        cost_usd=record.cost_usd,
        duration_s=record.duration_s,
        stop_reason=record.stop_reason,
    )
    if response.text and (not opts.stream or not here):
        await ctx.emit("model_text", text=response.text)
    return response


async def run_loop(ctx: RunContext, opts: LoopOptions, messages: list[Message]) -> LoopOutcome:
    """Run the model with tools until it answers. `messages` may already hold earlier turns
    (a replay that fell back: the model sees what was done)."""
    found: set[str] = set()
    last_errors: list[str] = []
    container: str | None = None
    for _ in range(opts.max_turns):
        request = ModelRequest(
            messages=list(messages),
            system=opts.system,
            system_volatile=opts.system_volatile,
            tools=_offered(ctx, opts, found),
            max_tokens=opts.max_tokens,
            temperature=opts.temperature,
            tool_search=opts.search_variant,
            programmatic_tools=opts.programmatic,
            container=container,
        )
        try:
            response = await model_turn(ctx, opts, request)
        except ModelError as e:
            return LoopOutcome("failed", error=f"{type(e).__name__}: {e}", messages=messages)
        messages.append(response.to_message())
        container = response.container or container  # the provider's code execution container, reused
        calls = response.tool_calls
        if not calls and response.stop_reason == "other" and any(isinstance(b, RawBlock) for b in response.content):
            continue  # a provider's server tool paused the turn (Anthropic pause_turn): send it back to go on
        if not calls:
            output = response.text
            if response.stop_reason == "max_tokens":
                return LoopOutcome("failed", output, "the model stopped at max_tokens before finishing", messages)
            if last_errors:
                return LoopOutcome(
                    "failed",
                    output,
                    "the model stopped after failed tool calls: " + "; ".join(last_errors)[:500],
                    messages,
                )
            return LoopOutcome("success", output, None, messages)
        ctx.turn += 1
        records = await execute_tool_calls(ctx, calls, source="model", turn=ctx.turn)
        for rec in records:
            if rec.name == SEARCH_TOOL and not rec.is_error:
                found |= _found_by_search(rec.result)
        last_errors = [f"{r.name}: {r.result[:200]}" for r in records if r.is_error]
        messages.append(
            Message("user", [ToolResult(c.id, r.result, r.is_error) for c, r in zip(calls, records, strict=True)])
        )
    return LoopOutcome("failed", "", f"stopped after max_turns={opts.max_turns} without a final answer", messages)
