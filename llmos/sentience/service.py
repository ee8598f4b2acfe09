"""`Sentience`: the one object the runtime holds. State, triggers, policy, prompt, opportunities.

Integration surface:

    s = Sentience(db, config.sentience, clock=time.time, traces=trace_store)
    s.policy()                      # read by mode selection, budgets, the hook
    s.prompt_block()                # system prompt addition ("" when disabled or not injected)
    s.hook()                        # a SentienceHook for the hook chain
    s.on_run_end(trace, repetition_count=n, novel=b, new_tools=[...])
    s.on_self_modification(kind, ok); s.feedback(run_id, good)
    s.register_action("crystallize", async_fn); await s.improve()
    s.snapshot()                    # GET /v1/state

Disabled (`[sentience] enabled = false`): every method is a no-op, the policy is neutral, the
prompt block is empty and the database is never touched.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from llmos._log import logger
from llmos.config import SentienceConfig
from llmos.exceptions import UserError
from llmos.sentience.dynamics import MAX_MAGNITUDE, apply_trigger, build_triggers, relax, repetition_magnitude
from llmos.sentience.hook import POLICY_MARK, SentienceHook
from llmos.sentience.modes import LatentMode, build_thresholds, derive_mode
from llmos.sentience.opportunities import Opportunity, TraceSource, detect
from llmos.sentience.policy import NEUTRAL_POLICY, Policy, derive_policy
from llmos.sentience.prompt import render_prompt_block
from llmos.sentience.store import HistoryEntry, SentienceStore
from llmos.sentience.valence import DIMENSIONS, Valence, ValenceParams, homeostatic_cost

if TYPE_CHECKING:
    from llmos.storage.base import StoreDB

Action = Callable[[Opportunity], Awaitable[Any]]
Fire = tuple[str, float, dict[str, Any]]  # trigger, magnitude, detail

_TIMEOUT = re.compile(r"time(?:d)?[\s_-]?out|deadline exceeded", re.IGNORECASE)
# failures of the infrastructure (the model provider, MCP servers, the sandbox), never safety events
_INFRASTRUCTURE = re.compile(
    r"^(ModelHTTPError|ModelError|ModelResponseError|MCPServerError|SandboxError|APIConnectionError|APITimeoutError"
    r"|ConnectError|ConnectTimeout|ReadTimeout|ConnectionError|ConnectionRefusedError|TimeoutError)\b"
    r"|could not be reached|connection (refused|reset|error|aborted)|returned HTTP (408|409|429|5\d\d)\b"
    r"|name or service not known|temporary failure in name resolution|server disconnected|overloaded",
    re.IGNORECASE,
)
_CONFIRMATION = re.compile(r"confirmation required|the user declined|needs? confirmation", re.IGNORECASE)
MAX_PER_RUN = 3  # safety violations / near misses counted per run


def classify_call(call: Any) -> str | None:
    """What a tool call says about safety: `violation` (a hard deny), `near_miss` (a confirmation
    that was declined or could not be given) or None. Confirmations this layer's own policy asked
    for count as neither: otherwise a cautious system would talk itself into ever lower safety."""
    decision = getattr(call, "decision", "allow")
    reason = str(getattr(call, "decision_reason", "") or "")
    confirmation = decision == "ask" or _CONFIRMATION.search(reason) is not None
    if decision == "allow" or (confirmation and POLICY_MARK in reason and "need confirmation" in reason):
        return None
    return "near_miss" if confirmation else "violation"


REPLAY_EFFORT = 0.25  # the magnitude of a success that needed no model call


class Sentience:
    def __init__(
        self,
        db: StoreDB,
        config: SentienceConfig | None = None,
        *,
        clock: Callable[[], float] = time.time,
        traces: TraceSource | None = None,
    ) -> None:
        self.config = config or SentienceConfig.model_validate({})
        self.clock = clock
        self.params = ValenceParams.from_config(self.config)
        self.triggers = build_triggers(self.config.triggers)
        self.thresholds = build_thresholds(self.config.thresholds)
        self._db = db
        self._store: SentienceStore | None = None
        self._traces = traces
        self._actions: dict[str, Action] = {}

    # ---- wiring
    @property
    def enabled(self) -> bool:
        return self.config.enabled

    @property
    def store(self) -> SentienceStore:
        if self._store is None:
            self._store = SentienceStore(self._db)
        return self._store

    def attach_traces(self, source: TraceSource) -> None:
        self._traces = source

    def register_action(self, kind: str, fn: Action) -> None:
        """`fn(opportunity)` acts on opportunities of `kind`; return False or raise on failure,
        or a dict of details. `improve()` records the outcome and fires self_modification."""
        self._actions[kind] = fn

    def hook(self) -> SentienceHook:
        return SentienceHook(self)

    # ---- reading (never writes)
    def valence(self, at: float | None = None) -> Valence:
        """The valence at `at` (default now), with idle recovery since the last update applied."""
        if not self.enabled:
            return self.params.setpoint_valence()
        return self._relaxed(self.store.state(), at)

    def _relaxed(self, stored: tuple[Valence, float] | None, at: float | None) -> Valence:
        """The stored valence (None: the set-points) with idle recovery up to `at` applied."""
        if stored is None:
            return self.params.setpoint_valence()
        v, updated_at = stored
        return relax(v, (self.clock() if at is None else at) - updated_at, self.params)

    def mode(self) -> LatentMode:
        return derive_mode(self.valence(), self.thresholds)

    def policy(self) -> Policy:
        if not self.enabled:
            return NEUTRAL_POLICY
        v = self.valence()
        return derive_policy(v, derive_mode(v, self.thresholds), self.thresholds)

    def selection_policy(self) -> Policy:
        """The policy mode selection reads (same as `policy()`; neutral when disabled)."""
        return self.policy()

    def prompt_block(self) -> str:
        if not self.enabled or not self.config.inject_prompt:
            return ""
        v = self.valence()
        mode = derive_mode(v, self.thresholds)
        return render_prompt_block(v, mode, derive_policy(v, mode, self.thresholds))

    def history(self, limit: int | None = None) -> list[HistoryEntry]:
        return self.store.history(limit) if self.enabled else []

    # ---- updating
    def fire(self, trigger: str, magnitude: float = 1.0, *, run_id: str | None = None, **detail: Any) -> Valence:
        """Apply one trigger now (one transaction). Returns the new valence."""
        return self.fire_many([(trigger, magnitude, detail)], run_id=run_id)

    def fire_many(self, fires: Sequence[Fire], *, run_id: str | None = None) -> Valence:
        """Apply triggers in order as one update: all are stored, or none."""
        if not self.enabled:
            return self.valence()
        for name, magnitude, _ in fires:
            if name not in self.triggers:
                raise UserError(f"unknown sentience trigger {name!r} (choose from {', '.join(self.triggers)})")
            if not math.isfinite(magnitude) or magnitude < 0:
                raise UserError(f"trigger {name!r}: magnitude must be a finite number >= 0, got {magnitude}")
        with self.store.transaction() as tx:
            stored = tx.state()
            now = self.clock()
            if stored is None:
                v = self.params.setpoint_valence()
            else:
                v, last = stored
                now = max(now, last)
                v = relax(v, now - last, self.params)
            for name, magnitude, detail in fires:
                v = apply_trigger(v, self.triggers[name], self.params, magnitude)
                mode = derive_mode(v, self.thresholds)
                tx.add_history(now, name, min(magnitude, MAX_MAGNITUDE), run_id, v, mode.value, detail)
            tx.write_state(v, now)
            tx.trim_history(self.config.history_limit)
        return v

    def on_run_end(
        self, trace: Any, *, repetition_count: int = 0, novel: bool = False, new_tools: Sequence[str] = ()
    ) -> list[str]:
        """Fire the triggers a finished run implies; returns their names in order."""
        if not self.enabled:
            return []
        fires = self.run_triggers(trace, repetition_count=repetition_count, novel=novel, new_tools=new_tools)
        if fires:
            before = self.mode()
            after = derive_mode(self.fire_many(fires, run_id=getattr(trace, "id", None)), self.thresholds)
            if after is not before:
                logger.info("sentience: latent mode %s -> %s", before.value, after.value)
        return [f[0] for f in fires]

    def run_triggers(
        self, trace: Any, *, repetition_count: int = 0, novel: bool = False, new_tools: Sequence[str] = ()
    ) -> list[Fire]:
        """The triggers a finished run implies (pure: nothing is stored)."""
        fires: list[Fire] = []
        status = str(getattr(trace, "status", ""))
        error = str(getattr(trace, "error", "") or "")
        cost = float(getattr(trace, "cost_usd", 0.0) or 0.0)
        high = self.thresholds["high_cost_usd"]
        if status == "success":
            # a run that needed no model (a replay, a crystallized call) is light work and weak evidence
            effort = 1.0 if getattr(trace, "model_calls", None) else REPLAY_EFFORT
            fires.append(("task_success", effort, {} if effort == 1.0 else {"replay": True}))
        elif status == "failed" and _INFRASTRUCTURE.search(error):
            fires.append(("infrastructure_failure", 1.0, {"error": error[:200]}))
        elif status == "failed" and _TIMEOUT.search(error):
            fires.append(("timeout", 1.0, {}))
        elif status == "failed":
            fires.append(("task_failure", 1.0, {}))
        elif status == "cancelled":
            fires.append(("external_interruption", 1.0, {}))
        elif status == "budget_exceeded":
            fires.append(("task_failure", 1.0, {"reason": "budget_exceeded"}))
            fires.append(("high_cost", max(1.0, cost / high if high > 0 else 1.0), {"cost_usd": cost}))
        calls = list(getattr(trace, "tool_calls", []) or [])
        kinds = [(c, classify_call(c)) for c in calls]
        denied = [c for c, k in kinds if k == "violation"]
        for c in denied[:MAX_PER_RUN]:
            fires.append(("safety_violation", 1.0, {"tool": c.name, "reason": c.decision_reason[:200]}))
        near = sum(1 for _, k in kinds if k == "near_miss")
        near += sum(1 for e in getattr(trace, "events", []) or [] if e.get("kind") == "near_miss")
        for _ in range(min(near, MAX_PER_RUN)):
            fires.append(("near_miss", 1.0, {}))
        if novel:
            fires.append(("novel_task", 1.0, {}))
        elif repetition_count > 0:
            fires.append(("repetition", repetition_magnitude(repetition_count), {"count": repetition_count}))
        if status != "budget_exceeded" and high > 0 and cost > high:
            fires.append(("high_cost", cost / high, {"cost_usd": round(cost, 6)}))
        if new_tools:
            fires.append(("tool_discovery", min(float(len(new_tools)), 3.0), {"tools": list(new_tools)[:20]}))
        return fires

    def on_self_modification(self, kind: str, ok: bool, **detail: Any) -> None:
        if self.enabled:
            self.fire("self_modification_success" if ok else "self_modification_failure", kind=kind, **detail)

    def feedback(self, run_id: str, good: bool) -> bool:
        """User feedback on a run. Counted once per run (a changed verdict counts again). Returns
        whether the state changed."""
        if not self.enabled:
            return False
        if not run_id:
            raise UserError("feedback needs a run id")
        with self.store.transaction() as tx:
            if tx.feedback(run_id) == good:
                return False
            tx.set_feedback(run_id, good, self.clock())
        self.fire("positive_feedback" if good else "negative_feedback", run_id=run_id)
        return True

    def reset(self) -> None:
        """Back to the set-points: state, history, cooldowns, actions and feedback are cleared."""
        if self.enabled:
            self.store.reset()

    # ---- opportunities and self-improvement
    def opportunities(self, traces: Iterable[Any] | None = None) -> list[Opportunity]:
        if not self.enabled:
            return []
        if traces is None:
            traces = self._traces.recent(int(self.thresholds["trace_window"])) if self._traces else []
        return detect(traces, self.valence(), self.thresholds)

    async def improve(self, traces: Iterable[Any] | None = None, *, max_actions: int = 3) -> list[dict[str, Any]]:
        """Act on actionable opportunities when auto_improve is on and the policy allows it."""
        if not self.enabled or not self.config.auto_improve or not self.policy().allow_self_modification:
            return []
        done: list[dict[str, Any]] = []
        for opp in self.opportunities(traces):
            if len(done) >= max_actions or not self.policy().allow_self_modification:
                break
            fn = self._actions.get(opp.kind)
            now = self.clock()
            if fn is None or self.store.cooldowns().get(opp.key, 0.0) > now:
                continue
            with self.store.transaction() as tx:  # cooldown first: a crash mid-action never loops
                tx.set_cooldown(opp.key, now + self.thresholds["cooldown_s"])
            try:
                result = await fn(opp)
                ok = result is not False
                detail: dict[str, Any] = result if isinstance(result, dict) else {}
            except Exception as e:  # an action's failure is recorded, not raised
                ok, detail = False, {"error": f"{type(e).__name__}: {e}"}
            with self.store.transaction() as tx:
                tx.add_action(self.clock(), opp.kind, opp.target, ok, {"priority": opp.priority, **detail})
            self.on_self_modification(opp.kind, ok, target=opp.target)
            done.append({"kind": opp.kind, "target": opp.target, "ok": ok, "detail": detail})
        return done

    # ---- the GET /v1/state document
    def snapshot(self, traces: Iterable[Any] | None = None) -> dict[str, Any]:
        if not self.enabled:
            return {
                "enabled": False,
                "valence": None,
                "latent_mode": None,
                "policy": NEUTRAL_POLICY.to_dict(),
                "opportunities": [],
            }
        now = self.clock()
        stored = self.store.state()
        v = self._relaxed(stored, now)  # the row just read, not a second read
        mode = derive_mode(v, self.thresholds)
        cooldowns = self.store.cooldowns()
        opps = []
        for o in self.opportunities(traces):
            d = o.to_dict()
            d["actionable"] = o.kind in self._actions
            until = cooldowns.get(o.key, 0.0)
            d["cooldown_until"] = until if until > now else None
            opps.append(d)
        return {
            "enabled": True,
            "valence": v.rounded(),
            "setpoints": dict(self.params.setpoints),
            "homeostatic_cost": round(homeostatic_cost(v, self.params.setpoints), 4),
            "latent_mode": mode.value,
            "updated_at": stored[1] if stored else None,
            "policy": derive_policy(v, mode, self.thresholds).to_dict(),
            "opportunities": opps,
            "auto_improve": self.config.auto_improve,
            "recent_actions": self.store.actions(10),
            "dimensions": list(DIMENSIONS),
        }
