"""The token economy: a budget in USD that is never overspent, kept in a persistent ledger.

Before each model call the worst case of that call (every input byte a token, the whole
`max_tokens` of output, at the model's prices) is *reserved* in one IMMEDIATE transaction
against what remains of the total budget and of the run's cap. After the call the reservation
is settled at the real cost (always <= the reservation) or released if the call failed.
Because reservation is atomic across threads and processes, concurrent runs can never
together spend past the budget.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from llmos.exceptions import BudgetExceeded
from llmos.kernel.hooks import Hook
from llmos.storage.db import Database

if TYPE_CHECKING:
    from llmos.kernel.config import BudgetConfig
    from llmos.kernel.context import RunContext
    from llmos.learning.trace import ModelCallRecord
    from llmos.models.base import ModelRequest, ModelResponse
    from llmos.models.pricing import Pricing

SCHEMA = """
CREATE TABLE IF NOT EXISTS ledger (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id TEXT NOT NULL,
    mode TEXT NOT NULL DEFAULT '',
    agent TEXT NOT NULL DEFAULT '',
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    status TEXT NOT NULL,           -- reserved | charged | released
    reserved_usd REAL NOT NULL DEFAULT 0,
    cost_usd REAL NOT NULL DEFAULT 0,
    unpriced INTEGER NOT NULL DEFAULT 0,
    input_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    cache_write_tokens INTEGER NOT NULL DEFAULT 0,
    cache_read_tokens INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL,
    settled_at REAL
);
CREATE INDEX IF NOT EXISTS ledger_run ON ledger(run_id);
CREATE INDEX IF NOT EXISTS ledger_status ON ledger(status);
"""

STALE_RESERVATION_S = 3600.0  # a reservation left by a crashed process stops counting after this


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
    """Every charge is a row: run, model, tokens, cost."""

    def __init__(self, db: Database, config: BudgetConfig) -> None:
        self.db = db
        self.config = config
        db.ensure_schema("ledger", SCHEMA)

    # ---- queries
    def _sums(self, conn: Any, run_id: str | None = None) -> tuple[float, float]:
        stale = time.time() - STALE_RESERVATION_S
        where, params = ("AND run_id = ?", (run_id,)) if run_id else ("", ())
        row = conn.execute(
            "SELECT COALESCE(SUM(CASE WHEN status='charged' THEN cost_usd END), 0), "
            "COALESCE(SUM(CASE WHEN status='reserved' AND created_at > ? THEN reserved_usd END), 0) "
            f"FROM ledger WHERE 1=1 {where}",
            (stale, *params),
        ).fetchone()
        return float(row[0]), float(row[1])

    def balance(self) -> Balance:
        conn = self.db.connection()
        spent, reserved = self._sums(conn)
        unpriced = conn.execute("SELECT COUNT(*) FROM ledger WHERE unpriced = 1").fetchone()[0]
        total = self.config.total_usd
        remaining = None if total is None else max(0.0, total - spent - reserved)
        return Balance(total, round(spent, 8), round(reserved, 8), remaining, int(unpriced))

    def run_spent(self, run_id: str) -> float:
        return self._sums(self.db.connection(), run_id)[0]

    def spending(self, by: str = "mode") -> dict[str, dict[str, Any]]:
        if by not in ("mode", "model", "agent"):
            raise ValueError(f"cannot group spending by {by!r}")
        col = "provider || ':' || model" if by == "model" else by
        rows = (
            self.db.connection()
            .execute(
                f"SELECT {col} k, COUNT(*) n, SUM(cost_usd) cost, SUM(input_tokens) tin, SUM(output_tokens) tout "
                "FROM ledger WHERE status='charged' GROUP BY k ORDER BY cost DESC"
            )
            .fetchall()
        )
        return {
            r["k"] or "-": {
                "calls": r["n"],
                "cost_usd": round(r["cost"] or 0, 8),
                "input_tokens": r["tin"] or 0,
                "output_tokens": r["tout"] or 0,
            }
            for r in rows
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
        with self.db.transaction() as conn:
            if worst_case_usd is not None:
                spent, reserved = self._sums(conn)
                total = self.config.total_usd
                if total is not None and spent + reserved + amount > total + 1e-12:
                    remaining = max(0.0, total - spent - reserved)
                    raise BudgetExceeded(
                        f"budget exceeded: the next model call could cost up to ${amount:.4f} but only "
                        f"${remaining:.4f} of the ${total:.2f} budget remains",
                        needed_usd=amount,
                        remaining_usd=remaining,
                    )
                cap = run_cap_usd if run_cap_usd is not None else self.config.per_run_usd
                if cap is not None:
                    r_spent, r_reserved = self._sums(conn, run_id)
                    if r_spent + r_reserved + amount > cap + 1e-12:
                        remaining = max(0.0, cap - r_spent - r_reserved)
                        raise BudgetExceeded(
                            f"run budget exceeded: the next model call could cost up to ${amount:.4f} but only "
                            f"${remaining:.4f} of this run's ${cap:.2f} cap remains",
                            needed_usd=amount,
                            remaining_usd=remaining,
                        )
            cur = conn.execute(
                "INSERT INTO ledger (run_id, mode, agent, provider, model, status, reserved_usd, unpriced, "
                "created_at) VALUES (?,?,?,?,?,'reserved',?,?,?)",
                (run_id, mode, agent, provider, model, amount, int(worst_case_usd is None), time.time()),
            )
            return int(cur.lastrowid or 0)

    def settle(self, reservation: int, record: ModelCallRecord, *, mode: str = "") -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE ledger SET status='charged', cost_usd=?, unpriced=?, input_tokens=?, output_tokens=?, "
                "cache_write_tokens=?, cache_read_tokens=?, settled_at=?, mode=COALESCE(NULLIF(?, ''), mode) "
                "WHERE id=?",
                (
                    record.cost_usd or 0.0,
                    int(record.cost_usd is None),
                    record.input_tokens,
                    record.output_tokens,
                    record.cache_write_tokens,
                    record.cache_read_tokens,
                    time.time(),
                    mode,
                    reservation,
                ),
            )

    def release(self, reservation: int) -> None:
        with self.db.transaction() as conn:
            conn.execute("UPDATE ledger SET status='released', settled_at=? WHERE id=?", (time.time(), reservation))


def worst_case_input_tokens(request: ModelRequest) -> int:
    """An upper bound on a request's input tokens: a token is never shorter than one UTF-8 byte."""
    payload = {
        "system": request.full_system,
        "messages": [[asdict(b) for b in m.content] for m in request.messages],
        "tools": [asdict(t) for t in request.tools],
    }
    return len(json.dumps(payload, ensure_ascii=False).encode()) + 64 * (len(request.messages) + len(request.tools) + 4)


class BudgetHook(Hook):
    """Built-in, always on: reserves the worst case before a model call, settles after."""

    name = "budget"

    def __init__(self, ledger: Ledger, pricing: Pricing) -> None:
        self.ledger = ledger
        self.pricing = pricing

    async def pre_model_call(self, ctx: RunContext, request: ModelRequest) -> None:
        model = ctx.scratch["model"]
        worst = self.pricing.worst_case(
            model.provider, model.name, worst_case_input_tokens(request), request.max_tokens
        )
        cap = ctx.scratch.get("run_cap_usd")
        ctx.scratch["reservation"] = self.ledger.reserve(
            ctx.run_id,
            model.provider,
            model.name,
            worst,
            run_cap_usd=cap,
            mode=ctx.trace.mode,
            agent=ctx.trace.agent,
        )

    async def post_model_call(
        self, ctx: RunContext, request: ModelRequest, response: ModelResponse, record: ModelCallRecord
    ) -> None:
        reservation = ctx.scratch.pop("reservation", None)
        if reservation is not None:
            self.ledger.settle(reservation, record, mode=ctx.trace.mode)

    async def model_call_failed(self, ctx: RunContext, request: ModelRequest, error: BaseException) -> None:
        reservation = ctx.scratch.pop("reservation", None)
        if reservation is not None:
            self.ledger.release(reservation)
