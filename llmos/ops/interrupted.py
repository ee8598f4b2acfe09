"""Runs whose process died: relabelled `interrupted` at start-up, when that is certain.

A run saves its trace step by step with status `running` (llmos.storage.checkpoint) and records its
owner (`host:pid:start-time`, llmos.kernel._owner) in `metadata.owner`. A killed process leaves such a
trace behind. At start-up, a `running` trace whose owner is provably gone (same host, that process no
longer exists) is finished as `interrupted`, unless durable recovery is going to resume it: that is
the `resumable` predicate (the DBOS integration passes one that says whether the run's workflow will
be recovered). A trace without an owner, or owned by another host, is left alone: nothing proves it
dead. `interrupted_reason` is the one place that rule lives.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from llmos._log import logger
from llmos.exceptions import StoreError
from llmos.kernel._owner import owner_is_gone

if TYPE_CHECKING:
    from llmos.storage.traces import TraceStore
    from llmos.trace import Trace

Resumable = Callable[["Trace"], bool]

SCAN_LIMIT = 1000  # running traces looked at per start-up


def interrupted_reason(trace: Trace, resumable: Resumable | None = None) -> str | None:
    """Why `trace` is to be relabelled `interrupted`, or None when it must be left as it is."""
    owner = str(trace.metadata.get("owner") or "")
    if trace.status != "running" or trace.ended_at is not None or not owner:
        return None
    if not owner_is_gone(owner):
        return None
    if resumable is not None and resumable(trace):
        return None
    return f"the process running it ({owner}) ended before the run finished"


def last_seen(trace: Trace) -> float:
    """The last moment the run was known alive: its latest recorded step (or its start)."""
    times = [trace.started_at]
    times += [c.started_at + c.duration_s for c in trace.model_calls]
    times += [c.started_at + c.duration_s for c in trace.tool_calls]
    times += [float(e.get("at") or 0.0) for e in trace.events]
    return max(times)


def relabel_interrupted(traces: TraceStore, *, resumable: Resumable | None = None) -> list[str]:
    """Finish every provably dead `running` trace as `interrupted`; returns their run ids."""
    done: list[str] = []
    try:
        running = traces.list(limit=SCAN_LIMIT, status="running")
    except StoreError:
        logger.debug("cannot list running traces", exc_info=True)
        return done
    for trace in running:
        reason = interrupted_reason(trace, resumable)
        if reason is None:
            continue
        ended = last_seen(trace)
        trace.event("interrupted", reason=reason, owner=trace.metadata.get("owner"))
        trace.finish("interrupted", error=f"interrupted: {reason}")
        trace.ended_at = ended
        try:
            traces.save(trace)
        except StoreError:
            logger.debug("cannot relabel trace %s", trace.id, exc_info=True)
            continue
        done.append(trace.id)
    return done
