"""`Evolution`: crystallized tools and the versioned log of self-modification.

    evo = Evolution(db, workspace, registry, versions, config.evolution)
    evo.load()                                   # start-up: register active generated tools
    evo.refresh()                                # before each run: follow edits/reverts (cheap)
    tool = evo.tool_for(plan_id)                 # the plan's active crystallized tool, if any
    outcome = await evo.run_crystallized(ctx, decision)
    evo.record_outcome(plan_id, outcome.success, outcome.diverged or "")
    evo.maybe_crystallize(plan)                  # after every run: crystallize on enough evidence
    evo.crystallize(plan_id, who="user")         # on demand
    evo.revert(change_id)                        # restore the previous version; the registry follows

Every change to a generated tool (crystallize, demote, revert) is a VersionStore change with who,
when, why and a diff. The `evolution_tools` table keeps each crystallized plan's tool name,
status (active | demoted | reverted), version, and the outcomes of its CRYSTALLIZED runs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from llmos.config import EvolutionConfig
from llmos.evolution import crystallize as cz
from llmos.evolution import generated as gen
from llmos.evolution._export import export_active
from llmos.evolution._loader import GeneratedTools
from llmos.evolution.dispatch import run_crystallized
from llmos.evolution.records import ToolRecord, ToolRecords
from llmos.exceptions import EvolutionError, ToolDefinitionError, VersionError
from llmos.execution.replay import ReplayOutcome
from llmos.kernel.context import RunContext
from llmos.learning.envelope import PRECAUTION
from llmos.learning.plans import Plan
from llmos.storage.base import StoreDB
from llmos.storage.db import DB_DIR, DB_FILE
from llmos.storage.versions import Change, VersionStore
from llmos.tools.base import Tool
from llmos.tools.registry import ToolRegistry

PlanLookup = Callable[[str], Plan | None]


def evidence(plan: Plan) -> tuple[int, int]:
    """(successful uses, runs): supporting runs + successful replays, supporting runs + replays."""
    return plan.support + plan.replay_successes, plan.support + plan.uses


class Evolution:
    def __init__(
        self,
        db: StoreDB,
        workspace: Path,
        registry: ToolRegistry,
        versions: VersionStore,
        config: EvolutionConfig,
        *,
        plans: PlanLookup | None = None,
    ) -> None:
        self.db = db
        self.workspace = Path(workspace)
        self.registry = registry
        self.versions = versions
        self.config = config
        self.plans: PlanLookup = plans or self._plan_from_db
        self._lock = threading.RLock()
        self._tools = GeneratedTools(self.workspace, registry, versions, self._lock)
        self.store = ToolRecords(db)
        self._shared = db.label != str(self.workspace / DB_DIR / DB_FILE)  # not this workspace's own file
        self.sandbox: Any = None  # set by the runtime: created tools come back through it on a revert

    # ------------------------------------------------------------------ loading
    def load(self) -> list[str]:
        """Register every active generated tool (start-up). Returns their names."""
        self.refresh(force=True)
        return sorted(self._tools.loaded)

    def refresh(self, *, force: bool = False) -> bool:
        """Follow changes on disk (a revert from another process, a demotion): cheap when nothing changed.
        Returns whether the registry changed."""
        if force or self._shared:  # a tool crystallized by another server sharing the database
            export_active(self.workspace, self.store.all(), self.versions)
        return self._tools.refresh(force=force)

    def tool_for(self, plan_id: str | None) -> Tool | None:
        """The active crystallized tool of a plan (None when there is none)."""
        return self._tools.tool_for(plan_id)

    # ------------------------------------------------------------------ running
    async def run_crystallized(self, ctx: RunContext, decision: Any) -> ReplayOutcome:
        """CRYSTALLIZED: call the plan's generated tool (see `dispatch.run_crystallized`)."""
        tool = self.tool_for(getattr(decision, "plan_id", None))
        if tool is None:
            return ReplayOutcome(False, "", [], "the plan has no active crystallized tool", 0)
        return await run_crystallized(ctx, decision, tool)

    def record_outcome(self, plan_id: str, ok: bool, reason: str = "") -> Change | None:
        """Count a CRYSTALLIZED run; `demote_after_failures` failures in a row demote the tool.
        Returns the demotion change, if there was one."""
        with self._lock:
            if not ok and reason.startswith(PRECAUTION):
                return None  # the run left the plan's evidence envelope: a precaution, not a failure of the tool
            row = self.store.count_outcome(plan_id, ok, reason)  # counted in the database: other servers count too
            if row is None:
                return None
            streak = row.streak
            if ok or row.status != "active" or streak < self.config.demote_after_failures:
                return None
            why = f"{streak} crystallized runs in a row failed; last: {reason or 'no reason given'}"
            return self.demote(plan_id, why)

    # ------------------------------------------------------------------ crystallizing
    def maybe_crystallize(self, plan: Plan, *, min_uses_delta: int = 0) -> Change | None:
        """Crystallize (or regenerate, or demote) as the plan's evidence says. Never raises for
        a plan that is simply not ready; returns the change made, if any."""
        if not self.config.crystallize:
            return None
        with self._lock:
            row = self.record(plan.id)
            good, runs = evidence(plan)
            if row is not None and row.status == "active":
                return self._maintain(plan, row)
            if row is not None:
                if row.status == "reverted" or row.stop_runs is None or row.stop_successes is None:
                    if row.stop_runs is None:  # the first look after a demotion: start counting
                        self.store.update(plan.id, stop_runs=runs, stop_successes=good)
                    return None
                good, runs = good - row.stop_successes, runs - row.stop_runs
            need = self.config.min_uses + max(0, min_uses_delta)
            if plan.demotion(need):  # feedback demoted it: new supporting runs first
                return None
            if good < need or runs <= 0 or good / runs < self.config.min_success or cz.problems(plan):
                return None
            why = (
                f"plan {plan.id} reached {good} successful uses of {runs} runs ({good / runs:.0%}; "
                f"needs {need} and {self.config.min_success:.0%})"
            )
            if row is not None:
                why += f" since it was {row.status}"
            return self._write(plan, who="llmos", why=why)

    def _maintain(self, plan: Plan, row: ToolRecord) -> Change | None:
        unsafe = plan.unsafe_reasons()
        if unsafe:
            return self.demote(plan.id, "the plan became unsafe: " + "; ".join(unsafe[:3]))
        if row.pinned or cz.fingerprint(plan) == row.fingerprint:
            return None
        try:
            return self._write(
                plan,
                who="llmos",
                why=f"plan {plan.id} changed with new evidence ({plan.support} supporting runs): regenerated",
            )
        except EvolutionError as e:
            return self.demote(plan.id, f"the changed plan cannot be crystallized: {e}")

    def crystallize(self, plan_id: str, *, who: str = "user", why: str = "", plan: Plan | None = None) -> Change:
        """Crystallize a plan now (a person or the cognitive kernel asked). Raises EvolutionError
        with the reasons when the plan is unsafe or unknown."""
        plan = plan or self.plans(plan_id)
        if plan is None:
            raise EvolutionError(f"no plan {plan_id!r}: `llmos plans list` shows the learned plans")
        with self._lock:
            row = self.record(plan.id)
            if row is not None and row.status == "active" and row.fingerprint == cz.fingerprint(plan):
                if row.pinned:
                    self.store.update(plan.id, pinned=0)
                raise EvolutionError(f"plan {plan.id} is already crystallized as {row.name} (version {row.version})")
            return self._write(plan, who=who, why=why or f"crystallize plan {plan.id} on request")

    def _write(self, plan: Plan, *, who: str, why: str) -> Change:
        problems = cz.problems(plan)
        if problems:
            raise EvolutionError(f"plan {plan.id} cannot be crystallized: " + "; ".join(problems[:5]))
        row = self.record(plan.id)
        name = row.name if row is not None else cz.tool_name_for(plan, self._taken())
        path = self.workspace / gen.rel_path(name)
        before = path.read_text(encoding="utf-8") if path.exists() else None
        version = 1 + max([0, *(_version(c.after) for c in self.versions.history(gen.target(name), limit=1000))])
        code = cz.generate(plan, name, version)
        try:
            tool = gen.build_tool(code.source, path)  # load it before anything is written
        except ToolDefinitionError as e:
            raise EvolutionError(f"the generated module for plan {plan.id} does not load: {e}") from e
        current = self.registry.get(name)
        if current is not None and current.source != gen.SOURCE:
            raise EvolutionError(f"a {current.source} tool is already named {name}")
        change = self.versions.write(
            "tool.crystallize",
            gen.target(name),
            gen.rel_path(name),
            code.source,
            who=who,
            why=why,
            expect_before=before,
        )
        self.store.activate(plan.id, name, version, code.fingerprint, pinned=False, reason="")
        self._tools.remember(code.source, tool)
        self.refresh(force=True)
        return change

    def demote(self, plan_id: str, reason: str, *, who: str = "llmos") -> Change:
        """Turn a crystallized tool back into a plan: unregistered, file removed, logged with the reason."""
        with self._lock:
            row = self.record(plan_id)
            if row is None or row.status != "active":
                raise EvolutionError(f"plan {plan_id} has no active crystallized tool")
            change = self.versions.write(
                "tool.demote", gen.target(row.name), gen.rel_path(row.name), None, who=who, why=reason
            )
            self.store.update(
                plan_id, status="demoted", streak=0, stop_runs=None, stop_successes=None, reason=reason[:500]
            )
            self.refresh(force=True)
            return change

    # ------------------------------------------------------------------ versions
    def revert(self, change_id: int, who: str = "user", *, force: bool = False, why: str = "") -> Change:
        """Restore what a change replaced; generated tools follow at once (loaded or unregistered)."""
        from llmos.evolution.create_tool import created_path

        change = self.versions.get(int(change_id))
        with self._lock:
            done = self.versions.revert(change.id, who=who, why=why, force=force)
            name = change.target.removeprefix("tool:")
            if change.target.startswith("tool:") and change.path == gen.rel_path(name):
                self._after_revert(name, done)
            elif change.target.startswith("tool:") and change.path == created_path(name):
                self._follow_created(name, done)
            self.refresh(force=True)
            return done

    def _follow_created(self, name: str, done: Change) -> None:
        """A model-created tool (create_tool) was reverted: unregister it, or load the restored version."""
        current = self.registry.get(name)
        if done.after is None or self.sandbox is None:
            if current is not None and current.metadata.get("created_by") == "create_tool":
                self.registry.remove(name)
            return
        from llmos.evolution.create_tool import parse_created, sandboxed_tool

        parsed = parse_created(done.after)
        if parsed is None:
            return
        meta, source = parsed
        path = self.workspace / (done.path or "")
        self.registry.register(
            sandboxed_tool(self.sandbox, name, meta["description"], source, path=str(path)), replace=True
        )

    def _after_revert(self, name: str, done: Change) -> None:
        row = self.store.by_name(name)
        if done.after is None:
            if row is not None:
                self.store.update(
                    row.plan_id,
                    status="reverted",
                    pinned=1,
                    stop_runs=None,
                    stop_successes=None,
                    reason=done.why,
                )
            return
        try:
            info = gen.read_info(done.after)
        except ToolDefinitionError:
            return
        self.store.activate(info.plan_id, info.name, info.version, info.fingerprint, pinned=True, reason=done.why)

    def log(self, limit: int = 50, kind: str | None = None) -> list[Change]:
        return self.versions.history(kind=kind, limit=limit)

    # ------------------------------------------------------------------ inspection
    def record(self, plan_id: str) -> ToolRecord | None:
        return self.store.get(plan_id)

    def records(self) -> list[ToolRecord]:
        return self.store.all()

    def tools(self) -> list[dict[str, Any]]:
        """Generated tools with plan, version, uses and status (for `llmos evolve list`)."""
        out = []
        for r in self.records():
            d = r.to_dict()
            d["loaded"] = r.name in self._tools.loaded
            d["path"] = gen.rel_path(r.name)
            d["success_rate"] = round(r.successes / r.uses, 4) if r.uses else None
            out.append(d)
        return out

    def _taken(self) -> set[str]:
        names = set(self.registry.names()) | {r.name for r in self.records()}
        return names | {p.stem for p in gen.module_files(self.workspace)}

    def _plan_from_db(self, plan_id: str) -> Plan | None:
        from llmos.learning.store import PlanStore

        return PlanStore(self.db).get(plan_id)

    # ------------------------------------------------------------------ the cognitive kernel
    async def crystallize_action(self, opportunity: Any) -> dict[str, Any] | bool:
        """For `sentience.register_action("crystallize", ...)`: crystallize the plan the
        opportunity's runs support. Returns details, or False when nothing could be done."""
        from llmos.learning.store import PlanStore

        store = PlanStore(self.db)
        evidence_ = getattr(opportunity, "evidence", {}) or {}
        plan_ids: list[str] = []
        for run_id in reversed(list(evidence_.get("run_ids", []))):
            pid = store.plan_of_trace(run_id)
            if pid and pid not in plan_ids:
                plan_ids.append(pid)
        target = str(getattr(opportunity, "target", ""))
        if target.startswith("plan_") and target not in plan_ids:
            plan_ids.insert(0, target)
        reasons = []
        for pid in plan_ids:
            row = self.record(pid)
            if row is not None and row.status == "active":
                return {"plan_id": pid, "tool": row.name, "already": True}
            try:
                change = self.crystallize(pid, who="sentience", why=f"cognitive kernel: {opportunity.description}")
            except (EvolutionError, VersionError) as e:
                reasons.append(f"{pid}: {e}")
                continue
            return {"plan_id": pid, "change_id": change.id, "tool": change.target.removeprefix("tool:")}
        if reasons:
            raise EvolutionError("; ".join(reasons[:3]))
        return False


def _version(source: str | None) -> int:
    if not source:
        return 0
    try:
        return gen.read_info(source).version
    except ToolDefinitionError:
        return 0
