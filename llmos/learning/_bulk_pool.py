"""Rule 1's extraction of a large batch's runs, made ahead in worker processes (`LearningEngine.observe_many`).

What `_seen.record` adds to a plan for a run is a function of the run alone (`_seen_extract`), and it is a
third of what storing a run costs. In a batch of at least `MIN_BATCH` runs, on a machine with more than
one core, workers normalise each run and extract its records while the engine merges the runs before it;
the engine leaves each run's extraction on its evidence's `Env` (`_seen_extract.keep`), and `record` uses
it only when it was made from the very inputs `record` got, else extracts as before. The plans are the
same either way (tests/test_learning_bulk_pool.py compares the stored rows byte for byte).

The extraction comes back as `marshal` bytes (plain numbers, texts, lists, tuples and dicts: loading it
costs a tenth of making it; `pickle` costs half). A run whose extraction does not marshal, or a worker
that fails, gives None: that run is extracted on the engine's process, as before.

The pool is the engine's, made on the first large batch and closed by `LearningEngine.close` (and at the
interpreter's exit). Its workers start from a fork server (`forkserver`: never a fork of a process that
runs threads, as a server does); each chunk carries the engine's `ignore_tools` of the batch.
"""

from __future__ import annotations

import marshal
import multiprocessing
import os
import threading
from concurrent.futures import Executor, Future, ProcessPoolExecutor

from llmos.learning import _seen_extract, induction
from llmos.learning._seen_extract import Step
from llmos.trace import Trace

MIN_BATCH = 2000  # runs: below this a batch is observed as before (starting workers costs ~1 s the first time)
CHUNK = 250  # runs sent to a worker at once
MAX_WORKERS = 4
WINDOW = 4  # chunks asked for ahead of the one the engine is at


def workers() -> int:
    """How many workers a large batch gets: the cores this process may run on but one (the engine's), at
    most `MAX_WORKERS` (a container's CPU set, not the host's count, where the platform says it)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(0, min(cores - 1, MAX_WORKERS))


def _extract(ignore: frozenset[str], traces: list[Trace]) -> list[bytes | None]:
    """In a worker: each run's extraction (`_seen_extract.extract` of its evidence), marshalled."""
    out: list[bytes | None] = []
    for t in traces:
        try:
            ev = induction.normalise(t, ignore)
            if isinstance(ev, str):
                out.append(None)
                continue
            env, args = ev.env(), [c.arguments for c in ev.calls]
            groups, names = [c.group for c in ev.calls], [c.name for c in ev.calls]
            got = _seen_extract.extract(groups, names, ev.tokens, args, env.texts, env.parsed, env)
            out.append(marshal.dumps((groups, names, got)))
        except Exception:  # the engine extracts this run itself, and meets the same error where it always did
            out.append(None)
    return out


class Ahead:
    """The extractions of one batch's runs, by position, asked of the workers a few chunks ahead of the run the
    engine reaches (`WINDOW`: what waits in memory stays small however large the batch) and handed out once;
    a run asked again (a conflicting write observes the batch again), or past a broken pool, gets None."""

    def __init__(self, executor: Executor | None, ignore: frozenset[str], chunks: list[list[Trace]]) -> None:
        self._executor, self._ignore, self._chunks = executor, ignore, chunks
        self._futures: dict[int, Future[list[bytes | None]]] = {}
        self._sent = 0  # chunks asked for so far
        self._current: tuple[int, list[bytes | None]] = (-1, [])

    def _send(self, upto: int) -> None:
        while self._executor is not None and self._sent < min(upto, len(self._chunks)):
            self._futures[self._sent] = self._executor.submit(_extract, self._ignore, self._chunks[self._sent])
            self._sent += 1

    def get(self, k: int) -> bytes | None:
        c, j = divmod(k, CHUNK)
        try:
            if self._current[0] != c:
                self._send(c + 1 + WINDOW)
                fut = self._futures.pop(c, None)
                self._current = (c, fut.result() if fut is not None else [])
            got = self._current[1]
            return got[j] if j < len(got) else None
        except Exception:  # the pool broke: the rest is extracted on this process
            self._executor, self._current = None, (c, [])
            return None


def give(ev: induction.Evidence, data: bytes | None) -> None:
    """Leave a worker's extraction of this run on its evidence's Env for `_seen.record` (`_seen_extract.keep`)."""
    if data is None:
        return
    groups, names, got = marshal.loads(data)
    env = ev.env()
    steps: list[Step] = got
    _seen_extract.keep(env, groups, names, ev.tokens, [c.arguments for c in ev.calls], steps)


class Pool:
    """The engine's workers, made on first use."""

    def __init__(self) -> None:
        self._executor: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def ahead(self, batch: list[Trace], ignore: frozenset[str]) -> Ahead | None:
        """The batch's extractions made ahead, or None (a small batch, one core, or no pool to be had)."""
        n = workers()
        if len(batch) < MIN_BATCH or n < 1 or multiprocessing.current_process().daemon:  # a worker has none
            return None
        chunks = [batch[i : i + CHUNK] for i in range(0, len(batch), CHUNK)]
        try:
            with self._lock:
                if self._executor is None:
                    ctx = multiprocessing.get_context("forkserver")
                    self._executor = ProcessPoolExecutor(max_workers=n, mp_context=ctx)
                executor = self._executor
            return Ahead(executor, ignore, chunks)
        except Exception:  # no pool to be had, or it could not take the work: observe as before
            return None

    def close(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
