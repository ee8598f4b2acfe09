"""How the runtime uses memory around a run: the session's history before, and after it the
session's new turn and the mark that keeps context-dependent runs out of learning's evidence."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from llmos._log import logger
from llmos.exceptions import StoreError, UserError
from llmos.memory.hook import SCRATCH as RECALL
from llmos.memory.service import Memory, used_context
from llmos.storage.memory import check_session_id

if TYPE_CHECKING:
    from llmos.kernel.context import RunContext
    from llmos.models.base import Message
    from llmos.runtime import LLMOS

SESSION = "session_id"
PREFIX = "session_prefix"
CONTEXT = "session_context"


def start_memory(rt: LLMOS) -> Memory | None:
    assert rt.db is not None
    return Memory(rt.db, rt.config.memory) if rt.config.memory.enabled else None


def session_history(rt: LLMOS, ctx: RunContext, session_id: str, history: list[Message] | None) -> list[Message]:
    """The stored conversation of `session_id`, fitted to the token budget, as this run's history."""
    from llmos.memory.history import message_to_dict

    if rt.memory is None:
        raise UserError("sessions need the memory layer: set [memory] enabled = true in llmos.toml")
    if history:
        raise UserError("pass either a history or a session_id, not both")
    sid = check_session_id(session_id)
    messages = rt.memory.history(sid)
    ctx.scratch[SESSION] = sid
    ctx.scratch[PREFIX] = len(messages)
    ctx.scratch[CONTEXT] = json.dumps([message_to_dict(m) for m in messages], ensure_ascii=False)
    ctx.trace.metadata["session_id"] = sid
    return messages


def finish_memory(rt: LLMOS, ctx: RunContext) -> None:
    """After a run: mark it context-dependent if its tool arguments used recalled facts or session
    history, then add it to its session. Never fails the run."""
    if rt.memory is None:
        return
    trace = ctx.trace
    recalled = ctx.scratch.get(RECALL, ("", []))[0]
    context = "\n".join(p for p in (str(recalled or ""), str(ctx.scratch.get(CONTEXT) or "")) if p)
    used = used_context(trace, context)
    if used:
        trace.metadata["context_dependent"] = used[:20]
        trace.event("memory_context", values=used[:20], note="not evidence for a plan: values came from memory")
    sid = ctx.scratch.get(SESSION)
    if not sid:
        return
    messages = list(ctx.scratch.get("messages") or [])[int(ctx.scratch.get(PREFIX) or 0) :]
    try:
        rt.memory.record_turn(sid, trace, messages)
    except (StoreError, UserError) as e:
        logger.warning("run %s could not be added to session %s: %s", trace.id, sid, e)
        trace.event("memory_error", error=str(e))
