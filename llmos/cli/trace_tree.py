"""The tree of an orchestrated run: the parent, its subtasks (with every attempt) and any runs
its agents started as tools (`llmos traces show`, `llmos run` of an orchestrated goal)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.markup import escape
from rich.tree import Tree

if TYPE_CHECKING:
    from llmos.storage.traces import TraceStore
    from llmos.trace import Trace

MAX_DEPTH = 4


def _run_label(t: Trace) -> str:
    colour = "green" if t.success else "red"
    return (
        f"[bold]{t.id}[/bold] {t.agent} · {t.mode} · [{colour}]{t.status}[/{colour}] · "
        f"${t.cost_usd:.6f} · {escape(t.goal[:80])}"
    )


def _subtask_label(s: dict[str, Any]) -> str:
    status = str(s.get("status") or ("success" if s.get("success") else "failed"))
    colour = {"success": "green", "skipped": "yellow", "cancelled": "yellow"}.get(status, "red")
    deps = f" ← {', '.join(s['depends_on'])}" if s.get("depends_on") else ""
    return (
        f"[bold]{escape(str(s.get('id')))}[/bold]{escape(deps)} · {s.get('agent')} · {s.get('mode') or '-'} · "
        f"[{colour}]{status}[/{colour}] · ${float(s.get('cost_usd') or 0):.6f} · {escape(str(s.get('goal'))[:70])}"
    )


def _add_children(store: TraceStore, node: Tree, trace: Trace, depth: int) -> None:
    children = {c.id: c for c in store.children(trace.id)}
    listed: set[str] = set()
    for s in trace.metadata.get("subtasks") or []:
        branch = node.add(_subtask_label(s))
        for rid in s.get("run_ids") or []:
            child = children.get(rid)
            if child is None:
                continue
            listed.add(rid)
            sub = branch.add(_run_label(child))
            if depth < MAX_DEPTH:
                _add_children(store, sub, child, depth + 1)
        if s.get("error") and s.get("status") != "success":
            branch.add(f"[dim]{escape(str(s['error'])[:160])}[/dim]")
    for rid, child in children.items():  # runs started by agents called as tools
        if rid not in listed:
            sub = node.add(_run_label(child))
            if depth < MAX_DEPTH:
                _add_children(store, sub, child, depth + 1)


def run_tree(store: TraceStore, trace: Trace) -> Tree | None:
    """The tree under `trace`, or None when it started no other run."""
    if not trace.metadata.get("subtasks") and not store.children(trace.id):
        return None
    root = Tree(_run_label(trace))
    _add_children(store, root, trace, 1)
    return root
