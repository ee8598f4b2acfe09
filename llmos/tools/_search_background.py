"""Index builds in a background thread, one per tool set, for `ToolSearch(background=True)`.

A cold index of a large catalog embeds every tool description with e5 (about 45 s of CPU for
1,000 tools here); a runtime starts that build when it starts (`ToolSearch.prepare`) and answers
the searches made meanwhile from a quick index without e5 (BM25 and wordllama), saying so. The
vectors are cached per text as they are computed, so a process that ends first leaves its progress.
The e5 engine releases the GIL while it computes (ctypes), so the event loop keeps running.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class Builds(Generic[T]):
    """Background builds by key: start one, ask whether it is running, take its result."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[Hashable, threading.Thread] = {}
        self._done: dict[Hashable, T] = {}
        self._failed: dict[Hashable, BaseException] = {}

    def start(self, key: Hashable, build: Callable[[], T]) -> bool:
        """Start `build` in a daemon thread unless one runs, is done or failed for `key`."""
        with self._lock:
            if key in self._running or key in self._done or key in self._failed:
                return False
            thread = threading.Thread(target=self._run, args=(key, build), name="llmos-tool-index", daemon=True)
            self._running[key] = thread
        thread.start()
        return True

    def _run(self, key: Hashable, build: Callable[[], T]) -> None:
        try:
            result = build()
        except Exception as e:  # kept: the foreground build of the same key raises it for the caller
            with self._lock:
                self._failed[key] = e
                self._running.pop(key, None)
            return
        with self._lock:
            self._done[key] = result
            self._running.pop(key, None)

    def running(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._running

    def failed(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._failed

    def take(self, key: Hashable) -> T | None:
        """The finished build of `key` (handed over once), or None."""
        with self._lock:
            return self._done.pop(key, None)

    def wait(self, key: Hashable, timeout: float | None = None) -> bool:
        """Wait for the build of `key` to end; True when none is running any more."""
        with self._lock:
            thread = self._running.get(key)
        if thread is not None:
            thread.join(timeout)
        return not self.running(key)


__all__ = ["Builds"]
