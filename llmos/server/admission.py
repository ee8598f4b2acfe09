"""Admission control: a bounded number of runs execute at once, a bounded number wait for a slot,
and everything beyond is refused at once (429 with Retry-After) instead of piling up until some
timeout deep inside a run fails it. A run that waited `queue_timeout_s` without a slot gets 503
with Retry-After, and one that would likely wait longer than that (the queue drains at the pace runs
have been finishing) is refused at once. Both answers come back in milliseconds; nothing is half-run.

Configured by `[server] max_in_flight`, `queue` and `queue_timeout_s` in llmos.toml.
"""

from __future__ import annotations

import asyncio
import math
import time
from dataclasses import dataclass, field

from llmos.server.errors import JSON, error


@dataclass
class Ticket:
    """A held slot; `release()` frees it (idempotent) and records how long the run took."""

    admission: Admission
    started: float = field(default_factory=time.monotonic)
    released: bool = False

    def release(self) -> None:
        if not self.released:
            self.released = True
            self.admission._done(time.monotonic() - self.started)


class Admission:
    """Slots for runs: `await acquire()` gives a Ticket, or the JSON refusal to send instead."""

    def __init__(self, max_in_flight: int, queue: int, queue_timeout_s: float) -> None:
        if max_in_flight < 1 or queue < 0 or queue_timeout_s <= 0:
            raise ValueError("max_in_flight >= 1, queue >= 0 and queue_timeout_s > 0 are required")
        self.max_in_flight = max_in_flight
        self.queue = queue
        self.queue_timeout_s = queue_timeout_s
        self.running = 0
        self.waiting = 0
        self.refused = 0
        self.timed_out = 0
        self._avg_run_s = 0.0  # moving average of a run's duration (0: none finished yet)
        self._slots: asyncio.Semaphore | None = None  # made inside the serving loop

    def _semaphore(self) -> asyncio.Semaphore:
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.max_in_flight)
        return self._slots

    def expected_wait_s(self, waiting: int | None = None) -> float:
        """How long a run queued now behind `waiting` others (default: those queued here) would likely
        wait, at the pace runs have been finishing (0 before any finished: nothing is known yet)."""
        ahead = self.waiting if waiting is None else waiting
        return (ahead + 1) / self.max_in_flight * self._avg_run_s

    def retry_after_s(self, waiting: int | None = None) -> int:
        """Whole seconds until a slot is likely free: the queue ahead, drained at the observed pace."""
        return max(1, math.ceil(self.expected_wait_s(waiting)))

    def _refusal(self, status: int, message: str) -> JSON:
        retry = self.retry_after_s()
        response = error(status, f"{message}; retry after {retry} s", retry_after_s=retry)
        response.headers["Retry-After"] = str(retry)
        return response

    async def acquire(self) -> Ticket | JSON:
        slots = self._semaphore()
        if not slots.locked() and self.waiting == 0:
            await slots.acquire()  # free slot, nobody ahead: does not wait
        elif self.waiting >= self.queue or self.expected_wait_s() > self.queue_timeout_s:
            # a full queue, or one that drains too slowly to serve this run in time: say so now
            self.refused += 1
            return self._refusal(
                429,
                f"the server is at capacity ({self.running} runs in flight, {self.waiting} waiting; "
                "[server] max_in_flight and queue in llmos.toml)",
            )
        else:
            self.waiting += 1
            try:
                await asyncio.wait_for(slots.acquire(), timeout=self.queue_timeout_s)
            except TimeoutError:
                self.timed_out += 1
                return self._refusal(
                    503,
                    f"no run slot freed within {self.queue_timeout_s:g} s ([server] queue_timeout_s in llmos.toml)",
                )
            finally:
                self.waiting -= 1
        self.running += 1
        return Ticket(self)

    def _done(self, duration_s: float) -> None:
        self.running -= 1
        self._avg_run_s = duration_s if self._avg_run_s == 0 else 0.8 * self._avg_run_s + 0.2 * duration_s
        self._semaphore().release()

    def snapshot(self) -> dict[str, int | float]:
        return {
            "running": self.running,
            "waiting": self.waiting,
            "max_in_flight": self.max_in_flight,
            "queue": self.queue,
            "refused": self.refused,
            "timed_out": self.timed_out,
        }
