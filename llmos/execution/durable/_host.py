"""DBOS is a process-wide singleton: one system database per process, shared by the runtimes in it.

The first durable runtime of a process launches DBOS on its system database (which recovers the
runs of this executor left unfinished by a crash); later runtimes on the same database share it;
a runtime on another database fails with a ConfigError that says so. The last to close destroys it.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from llmos.exceptions import ConfigError

if TYPE_CHECKING:
    from llmos.execution.durable import DurableRuns

QUEUE_NAME = "llmos-runs"
_LOCK = threading.Lock()


@dataclass
class _Host:
    url: str
    executor_id: str
    users: list[DurableRuns] = field(default_factory=list)
    queue: Any = None
    launched: Future[None] = field(default_factory=Future)
    queue_key: tuple[Any, ...] | None = None


_HOST: _Host | None = None


@dataclass(frozen=True)
class Hosting:
    runtime: Any
    loop: asyncio.AbstractEventLoop


def hosting() -> Hosting | None:
    """The runtime that resumes recovered runs in this process (the first one still open)."""
    host = _HOST
    if host is None or not host.users:
        return None
    first = host.users[0]
    return Hosting(first.runtime, first.loop)


def redact(url: str) -> str:
    if "@" not in url:
        return url
    scheme, _, rest = url.partition("://")
    return f"{scheme}://…@{rest.rpartition('@')[2]}"


def acquire(user: DurableRuns) -> Future[None]:
    """Register `user` and launch DBOS for it (or share the running one); returns the launch, done
    when DBOS runs. Launching (importing dbos, migrating its tables, scanning for unfinished runs to
    resume) takes seconds, so it runs in a thread: the runtime (and `llmos serve`) starts meanwhile,
    and a run waits for it. A conflicting database is refused here, at once."""
    global _HOST
    with _LOCK:
        if _HOST is not None:
            if _HOST.url != user.url or _HOST.executor_id != user.executor_id:
                raise ConfigError(
                    f"durable runs: this process already runs DBOS on {redact(_HOST.url)} "
                    f"(executor {_HOST.executor_id!r}); one process serves one DBOS system database, so "
                    f"{user.runtime.workspace} (on {redact(user.url)}) cannot be durable here: run it in its "
                    "own process, share [durable] database_url, or set [durable] enabled = false"
                )
            _HOST.users.append(user)
            return _HOST.launched
        host = _Host(user.url, user.executor_id, [user])
        _HOST = host
    threading.Thread(target=_launch, args=(host,), name="llmos-dbos-launch", daemon=True).start()
    return host.launched


def _launch(host: _Host) -> None:
    global _HOST
    try:
        from dbos import DBOS

        from llmos.execution.durable import _workflow  # noqa: F401  (registers the workflow before launch)

        DBOS(
            config={
                "name": "llmos",
                "system_database_url": host.url,
                "executor_id": host.executor_id,
                "log_level": "WARNING",
                "application_version": "llmos-1",  # a resumed run may run under newer code of the same release
            }
        )
        DBOS.launch()
    except BaseException as e:  # handed to every run waiting for the launch
        with _LOCK:
            if _HOST is host:
                _HOST = None
        with contextlib.suppress(Exception):
            from dbos import DBOS

            DBOS.destroy()
        host.launched.set_exception(e)
        return
    host.launched.set_result(None)


async def queue_for(user: DurableRuns) -> Any:
    """The run queue with `user`'s limits (registered on first use; None when no limit is configured).
    Registering again is harmless (the same configuration), so concurrent first runs need no lock."""
    cfg = user.config
    if cfg.max_runs is None and cfg.per_model is None:
        return None
    key = (cfg.max_runs, cfg.per_model, cfg.poll_s)
    host = _HOST
    if host is None:
        raise ConfigError("durable runs: DBOS is not running in this process (the runtime was closed)")
    if host.queue is None or host.queue_key != key:
        from dbos import DBOS

        host.queue = await DBOS.register_queue_async(
            QUEUE_NAME,
            global_concurrency=cfg.max_runs,
            partition_concurrency=cfg.per_model,
            polling_interval_sec=cfg.poll_s,
            on_conflict="always_update",
        )
        host.queue_key = key
    return host.queue


def release(user: DurableRuns) -> None:
    """`user` is closing: DBOS stops with the last runtime that used it."""
    global _HOST
    with _LOCK:
        host = _HOST
        if host is None or user not in host.users:
            return
        host.users.remove(user)
        if host.users:
            return
        _HOST = None
        from dbos import DBOS

        DBOS.destroy()
