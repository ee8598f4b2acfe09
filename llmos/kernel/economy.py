"""The token economy: a budget in USD that is never overspent, kept in a persistent ledger.

Before each model call the worst case of that call is *reserved* in one IMMEDIATE transaction
against what remains of the total budget and of the run's cap:

- input: the provider's own token count where it has one (Anthropic `count_tokens`, the test
  model), plus a safety margin; else the byte bound (every input byte a token);
- output: `max_tokens`, *lowered to what the remaining budget can pay* (never below
  `MIN_OUTPUT_TOKENS`, else the call is refused, naming the knob), so a small per-run cap no
  longer refuses a run because of a `max_tokens` it would never use.

After the call the reservation is settled at the real cost or released if the call failed.
Output can never exceed the (lowered) `max_tokens`; input is counted with a margin, and if a
provider still bills more than the reservation, the excess is charged, recorded as an event and
leaves less room for the next call. Because reservation is atomic across threads and processes,
concurrent runs can never together spend past the budget. Reservations of a process that died
are settled (charged at their reserved amount, an upper bound) when the workspace is next opened.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from llmos.exceptions import BudgetExceeded
from llmos.kernel._owner import current_owner, owner_is_gone
from llmos.kernel.hooks import Hook
from llmos.storage.base import StoreDB
from llmos.storage.ledger import LedgerStore, LedgerTx

if TYPE_CHECKING:
    from llmos.config import BudgetConfig
    from llmos.kernel.context import RunContext
    from llmos.models.base import ModelRequest, ModelResponse
    from llmos.models.pricing import Pricing
    from llmos.trace import ModelCallRecord

STALE_RESERVATION_S = 3600.0  # a reservation left by a crashed process stops counting after this
MIN_OUTPUT_TOKENS = 1024  # a call the budget cannot give this many output tokens (or max_tokens) is refused
COUNT_MARGIN = 1.05  # a provider's token count, plus 5% and a few tokens, bounds the billed input
COUNT_SLACK_TOKENS = 64


@dataclass
class Balance:
    total_usd: float | None
    spent_usd: float
    reserved_usd: float
    remaining_usd: float | None
    unpriced_calls: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Ledger:
    """Every charge is a row: run, model, tokens, cost (kept by `llmos.storage.ledger.LedgerStore`)."""

    def __init__(self, db: StoreDB, config: BudgetConfig) -> None:
        self.db = db
        self.config = config
        self.store = LedgerStore(db)

    # ---- queries
    def balance(self) -> Balance:
        spent, reserved = self.store.sums(time.time() - STALE_RESERVATION_S)
        total = self.config.total_usd
        remaining = None if total is None else max(0.0, total - spent - reserved)
        return Balance(total, round(spent, 8), round(reserved, 8), remaining, self.store.unpriced_calls())

    def run_spent(self, run_id: str) -> float:
        return self.store.sums(time.time() - STALE_RESERVATION_S, run_id)[0]

    def spending(self, by: str = "mode") -> dict[str, dict[str, Any]]:
        if by not in ("mode", "model", "agent"):
            raise ValueError(f"cannot group spending by {by!r}")
        return {
            r["k"] or "-": {
                "calls": r["n"],
                "cost_usd": round(r["cost"] or 0, 8),
                "input_tokens": r["tin"] or 0,
                "output_tokens": r["tout"] or 0,
            }
            for r in self.store.spending(by)
        }

    # ---- reservations
    def reserve(
        self,
        run_id: str,
        provider: str,
        model: str,
        worst_case_usd: float | None,
        *,
        run_cap_usd: float | None = None,
        mode: str = "",
        agent: str = "",
    ) -> int:
        """Reserve the worst case of one call, or raise BudgetExceeded. Returns the reservation id."""
        amount = worst_case_usd or 0.0
        stale = time.time() - STALE_RESERVATION_S
        with self.store.transaction() as tx:
            if worst_case_usd is not None:
                spent, reserved = tx.sums(stale)
                total = self.config.total_usd
                if total is not None and spent + reserved + amount > total + 1e-12:
                    remaining = max(0.0, total - spent - reserved)
                    raise BudgetExceeded(
                        f"budget exceeded: the next model call could cost up to ${amount:.4f} but only "
                        f"${remaining:.4f} of the ${total:.2f} budget remains; raise [budget] total_usd in llmos.toml",
                        needed_usd=amount,
                        remaining_usd=remaining,
                    )
                cap = run_cap_usd if run_cap_usd is not None else self.config.per_run_usd
                if cap is not None:
                    r_spent, r_reserved = tx.sums(stale, run_id)
                    if r_spent + r_reserved + amount > cap + 1e-12:
                        remaining = max(0.0, cap - r_spent - r_reserved)
                        raise BudgetExceeded(
                            f"run budget exceeded: the next model call could cost up to ${amount:.4f} but only "
                            f"${remaining:.4f} of this run's ${cap:.2f} cap remains; "
                            "raise [budget] per_run_usd in llmos.toml",
                            needed_usd=amount,
                            remaining_usd=remaining,
                        )
            owner, unpriced = current_owner(), worst_case_usd is None
            return tx.reserve(run_id, mode, agent, provider, model, amount=amount, unpriced=unpriced, owner=owner)

    def reserve_call(
        self,
        run_id: str,
        provider: str,
        model: str,
        *,
        input_usd: float,
        output_usd_per_token: float,
        max_tokens: int,
        run_cap_usd: float | None = None,
        mode: str = "",
        agent: str = "",
    ) -> tuple[int, int]:
        """Reserve one priced call, lowering its output tokens to what the budget can pay.

        Returns (reservation id, output tokens granted). Raises BudgetExceeded, naming the knob,
        when the budget cannot pay the input plus `min(max_tokens, MIN_OUTPUT_TOKENS)` output tokens.
        """
        floor = min(max_tokens, MIN_OUTPUT_TOKENS)
        with self.store.transaction() as tx:
            room, knob, whole = self._room(tx, run_id, run_cap_usd)
            granted = max_tokens
            if room is not None:
                can_pay = (room - input_usd) / output_usd_per_token if output_usd_per_token > 0 else max_tokens
                granted = min(max_tokens, math.floor(can_pay + 1e-9)) if room >= input_usd else -1
                if granted < floor:
                    needed = input_usd + floor * output_usd_per_token
                    raise BudgetExceeded(
                        f"{'run budget' if knob.endswith('per_run_usd') else 'budget'} exceeded: the next model "
                        f"call needs at least ${needed:.4f} (its input and {floor} output tokens) but only "
                        f"${max(0.0, room):.4f} of {whole} remains; raise {knob} in llmos.toml",
                        needed_usd=needed,
                        remaining_usd=max(0.0, room),
                    )
            amount = input_usd + granted * output_usd_per_token
            rid = tx.reserve(run_id, mode, agent, provider, model, amount=amount, unpriced=False, owner=current_owner())
            return rid, granted

    def _room(self, tx: LedgerTx, run_id: str, run_cap_usd: float | None) -> tuple[float | None, str, str]:
        """What the next call may still reserve: (USD or None for unlimited, the knob, its description)."""
        rooms: list[tuple[float, str, str]] = []
        stale = time.time() - STALE_RESERVATION_S
        total = self.config.total_usd
        if total is not None:
            spent, reserved = tx.sums(stale)
            rooms.append((total - spent - reserved, "[budget] total_usd", f"the ${total:.2f} budget"))
        cap = run_cap_usd if run_cap_usd is not None else self.config.per_run_usd
        if cap is not None:
            r_spent, r_reserved = tx.sums(stale, run_id)
            rooms.append((cap - r_spent - r_reserved, "[budget] per_run_usd", f"this run's ${cap:.2f} cap"))
        if not rooms:
            return None, "", ""
        return min(rooms, key=lambda r: r[0])

    def settle_abandoned(self) -> int:
        """Charge the reservations of processes that no longer exist at their reserved amount (an
        upper bound: the call may have been billed before the process died). Returns how many.
        Only a provably gone owner counts (same host, dead pid): never another live server's."""
        gone = [i for i, owner in self.store.reserved_with_owner() if owner_is_gone(owner)]
        if gone:
            self.store.charge_abandoned(gone)
        return len(gone)

    def settle(self, reservation: int, record: ModelCallRecord, *, mode: str = "") -> float:
        """Charge the real cost; returns by how much it exceeded the reservation (0 normally)."""
        tokens = (record.input_tokens, record.output_tokens, record.cache_write_tokens, record.cache_read_tokens)
        reserved = self.store.charge(reservation, cost_usd=record.cost_usd, tokens=tokens, mode=mode)
        return max(0.0, (record.cost_usd or 0.0) - reserved) if reserved is not None else 0.0

    def release(self, reservation: int) -> None:
        self.store.release(reservation)


def worst_case_input_tokens(request: ModelRequest) -> int:
    """An upper bound on a request's input tokens: a token is never shorter than one UTF-8 byte."""
    payload = {
        "system": request.full_system,
        "messages": [[asdict(b) for b in m.content] for m in request.messages],
        "tools": [asdict(t) for t in request.tools],
    }
    return len(json.dumps(payload, ensure_ascii=False).encode()) + 64 * (len(request.messages) + len(request.tools) + 4)


async def estimate_input_tokens(model: Any, request: ModelRequest, *, trust_count: bool = True) -> int:
    """The input tokens to reserve: the provider's count (with a margin) where the model can count,
    never more than the byte bound; the byte bound otherwise."""
    bound = worst_case_input_tokens(request)
    count = getattr(model, "count_tokens", None) if trust_count else None
    if not callable(count):
        return bound
    try:
        counted = await count(request)
    except Exception:  # counting is an optimisation: the bound is always safe
        return bound
    if not isinstance(counted, int) or counted <= 0:
        return bound
    return min(bound, math.ceil(counted * COUNT_MARGIN) + COUNT_SLACK_TOKENS)


class BudgetHook(Hook):
    """Built-in, always on: reserves the worst case before a model call, settles after."""

    name = "budget"

    def __init__(self, ledger: Ledger, pricing: Pricing) -> None:
        self.ledger = ledger
        self.pricing = pricing
        self._untrusted: set[tuple[str, str]] = set()  # models whose count fell short once: bound only

    async def pre_model_call(self, ctx: RunContext, request: ModelRequest) -> None:
        model = ctx.scratch["model"]
        cap = ctx.scratch.get("run_cap_usd")
        price = self.pricing.price(model.provider, model.name)
        if price is None:  # unpriced: recorded, never refused
            ctx.scratch["reservation"] = self.ledger.reserve(
                ctx.run_id,
                model.provider,
                model.name,
                None,
                run_cap_usd=cap,
                mode=ctx.trace.mode,
                agent=ctx.trace.agent,
            )
            return
        key = (model.provider, model.name)
        input_tokens = await estimate_input_tokens(model, request, trust_count=key not in self._untrusted)
        dearest_input = max(price.input, price.cache_write, price.cache_read)
        reservation, granted = self.ledger.reserve_call(
            ctx.run_id,
            model.provider,
            model.name,
            input_usd=input_tokens * dearest_input / 1_000_000,
            output_usd_per_token=price.output / 1_000_000,
            max_tokens=request.max_tokens,
            run_cap_usd=cap,
            mode=ctx.trace.mode,
            agent=ctx.trace.agent,
        )
        if granted < request.max_tokens:  # the budget pays for this much output, not more
            ctx.trace.event("max_tokens_lowered", requested=request.max_tokens, granted=granted)
            request.max_tokens = granted
        ctx.scratch["reservation"] = reservation
        ctx.scratch["reserved_input_tokens"] = input_tokens

    async def post_model_call(
        self, ctx: RunContext, request: ModelRequest, response: ModelResponse, record: ModelCallRecord
    ) -> None:
        reservation = ctx.scratch.pop("reservation", None)
        if reservation is not None:
            over = self.ledger.settle(reservation, record, mode=ctx.trace.mode)
            if over > 0:  # billed more than reserved: charged all the same, said so, and never again
                ctx.trace.event("reservation_overrun", over_usd=round(over, 8), input_tokens=record.input_tokens)
                model = ctx.scratch.get("model")
                if model is not None:  # its token count was wrong: reserve its byte bound from now on
                    self._untrusted.add((model.provider, model.name))

    async def model_call_failed(self, ctx: RunContext, request: ModelRequest, error: BaseException) -> None:
        reservation = ctx.scratch.pop("reservation", None)
        if reservation is not None:
            self.ledger.release(reservation)
