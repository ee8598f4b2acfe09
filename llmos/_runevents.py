"""What the runtime publishes on its event bus around a run (kept out of runtime.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from llmos._log import logger
from llmos.events import CostRecorded, Crystallized, PlanLearned, RunFinished, RunStarted, StateChanged

if TYPE_CHECKING:
    from llmos.runtime import LLMOS
    from llmos.trace import Trace


async def run_started(rt: LLMOS, trace: Trace) -> None:
    await rt.events.publish(
        RunStarted(
            run_id=trace.id,
            goal=trace.goal,
            agent=trace.agent,
            requested_mode=trace.requested_mode,
            parent_id=trace.parent_id,
        )
    )


async def run_finished(rt: LLMOS, trace: Trace) -> None:
    """The run's end and cost (after its trace is stored, so a subscriber can read it)."""
    bus = rt.events
    await bus.publish(
        CostRecorded(
            run_id=trace.id,
            mode=trace.mode,
            agent=trace.agent,
            cost_usd=trace.cost_usd,
            tokens=trace.input_tokens + trace.output_tokens,
            saved_usd=float(trace.metadata.get("saved_usd") or 0.0),
            saved_tokens=int(trace.metadata.get("saved_tokens") or 0),
        )
    )
    await bus.publish(
        RunFinished(
            run_id=trace.id,
            goal=trace.goal,
            agent=trace.agent,
            mode=trace.mode,
            status=trace.status,
            success=trace.success,
            parent_id=trace.parent_id,
            cost_usd=trace.cost_usd,
            input_tokens=trace.input_tokens,
            output_tokens=trace.output_tokens,
            duration_s=round(trace.duration_s, 4),
            error=trace.error,
        )
    )


async def learned(rt: LLMOS, trace: Trace, report: Any, triggers: list[str], change: Any) -> None:
    """What learning, evolution and the internal state made of a finished run."""
    bus = rt.events
    if report is not None and report.plan_id:
        plan = rt.learning.index.plans.get(report.plan_id)
        await bus.publish(
            PlanLearned(
                run_id=trace.id,
                plan_id=report.plan_id,
                novel=report.novel,
                support=int(getattr(plan, "support", 0) or report.repetition_count),
                reason=report.reason,
            )
        )
    if change is not None and getattr(change, "kind", "") == "tool.crystallize":
        plan_id = (report.plan_id if report is not None else None) or trace.plan_id or ""
        await bus.publish(Crystallized(run_id=trace.id, plan_id=plan_id, tool=change.target.removeprefix("tool:")))
    if rt.sentience is None or not getattr(rt.sentience, "enabled", False):
        return
    try:
        valence = rt.sentience.valence().rounded()
        latent = rt.sentience.mode().value
    except Exception:  # the state is derived data: an unreadable one is not worth failing a run
        logger.warning("reading the internal state after run %s failed", trace.id, exc_info=True)
        return
    await bus.publish(StateChanged(run_id=trace.id, valence=valence, latent_mode=latent, triggers=list(triggers)))
