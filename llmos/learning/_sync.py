"""Keeping a process's plan index in step with a plan store that other processes write too.

Several servers share one store: a plan one of them learns must be replayed by the others, and two
of them observing runs at the same moment must not overwrite each other's support. The store keeps
a generation and a log of the plan ids each generation changed (`PlanStore.generation`,
`changed_since`); a process that is behind reloads just those plans (`catch_up`). Writes are
optimistic: a write computed at generation G is refused with StoreConflict when another process
moved past G meanwhile; the writer then forgets what it changed in memory (`forget`), catches up
and computes the change again (`LearningEngine._apply`). A lone process never reloads anything.
"""

from __future__ import annotations

from collections.abc import Iterable

from llmos.learning.index import PlanIndex
from llmos.learning.store import Changes, PlanStore


class PlanSync:
    """The generation an index reflects, and the reloads that bring it up to date."""

    def __init__(self, store: PlanStore, index: PlanIndex, seen: dict[str, str | None]) -> None:
        self.store = store
        self.index = index
        self.seen = seen
        self.gen = store.generation()  # read before the plans: a write in between is reloaded again
        for plan in store.load():
            index.put(plan)

    def catch_up(self) -> bool:
        """Reload the plans other processes changed since this index was current. Returns whether any were."""
        gen = self.store.generation()
        if gen == self.gen:
            return False
        ids = self.store.changed_since(self.gen)
        if ids is None:  # too far behind (or the plans were cleared): everything again
            self.reload_all()
        else:
            self.reload(ids)
        self.gen = gen
        return True

    def reload(self, plan_ids: Iterable[str]) -> None:
        ids = set(plan_ids)
        found = {p.id: p for p in self.store.load(ids)}
        for pid in ids:
            plan = found.get(pid)
            if plan is None:
                self.index.remove(pid)
            else:
                self.index.put(plan)

    def reload_all(self) -> None:
        for pid in list(self.index.plans):
            self.index.remove(pid)
        for plan in self.store.load():
            self.index.put(plan)
        self.seen.clear()
        self.seen.update(self.store.seen())

    def forget(self, changes: Changes) -> None:
        """Undo in memory what a refused write had changed: its plans come back from the store."""
        self.reload(set(changes.plans) | changes.deleted)
        for trace_id, _pid in changes.seen:
            self.seen.pop(trace_id, None)

    def reset(self) -> None:
        """After the store was cleared by this process: an empty index at the store's generation."""
        for pid in list(self.index.plans):
            self.index.remove(pid)
        self.seen.clear()
        self.gen = self.store.generation()
