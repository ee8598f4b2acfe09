"""What the dashboard pages show, read from the runtime's stores (sync: called in worker threads)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from llmos.runtime import LLMOS
    from llmos.trace import Trace

RUN_LIMIT = 200


def runs(rt: LLMOS, mode: str | None, agent: str | None, success: str | None) -> list[dict[str, Any]]:
    """Recent runs, newest first, filtered by mode, agent and success ("yes"/"no")."""
    from llmos.server.app import trace_summary

    items = [trace_summary(t) for t in rt.traces.list(RUN_LIMIT, 0, mode=mode or None, agent=agent or None)]
    if success in ("yes", "no"):
        items = [r for r in items if r["success"] is (success == "yes")]
    return items


def _tree(trace: Trace) -> list[dict[str, Any]]:
    """The run's tool calls as a tree: inner calls (a crystallized tool's) under their parent."""
    nodes: dict[str, dict[str, Any]] = {c.id: {"call": c, "children": []} for c in trace.tool_calls}
    roots: list[dict[str, Any]] = []
    for c in trace.tool_calls:
        parent = nodes.get(c.parent_id or "")
        (parent["children"] if parent is not None else roots).append(nodes[c.id])
    return roots


def run_detail(rt: LLMOS, run_id: str) -> dict[str, Any] | None:
    trace = rt.traces.get(run_id)
    if trace is None:
        return None
    children = [
        {"trace": child, "tree": _tree(child), "model_calls": child.model_calls}
        for child in rt.traces.children(trace.id)
    ]
    fallbacks = [e for e in trace.events if e.get("kind") == "fallback"]
    return {
        "trace": trace,
        "tree": _tree(trace),
        "children": children,
        "fallbacks": fallbacks,
        "denied": [c for c in trace.tool_calls if c.decision != "allow"],
    }


def learning(rt: LLMOS) -> list[dict[str, Any]]:
    """Every plan with its confidence, and its crystallized tool (status, source, outcomes) if any."""
    from llmos.evolution import generated as gen
    from llmos.learning.selection import follower_confidence

    out = []
    for plan in rt.learning.plans():
        row = rt.evolution.record(plan.id)
        source = None
        if row is not None and row.status == "active":
            path = rt.workspace / gen.rel_path(row.name)
            source = path.read_text(encoding="utf-8") if path.exists() else None
        out.append(
            {
                "plan": plan.describe(),
                "confidence": round(follower_confidence(plan, rt.learning.config), 4),
                "tool": row,
                "source": source,
            }
        )
    return out


def savings(rt: LLMOS) -> dict[str, Any]:
    """Cumulative spend and savings over time, by mode, and the budget."""
    rows = rt.traces.top_level_costs()
    modes = sorted({r["mode"] for r in rows})
    times: list[float] = []
    spent: dict[str, list[float]] = {m: [] for m in modes}
    total_saved: list[float] = []
    acc = dict.fromkeys(modes, 0.0)
    saved = 0.0
    for r in rows:
        acc[r["mode"]] += r["cost_usd"] or 0.0
        saved += r["saved_usd"] or 0.0
        times.append(float(r["started_at"]))
        for m in modes:
            spent[m].append(round(acc[m], 8))
        total_saved.append(round(saved, 8))
    return {
        "series": {"t": times, "spent": spent, "saved": total_saved},
        "stats": rt.traces.stats(),
        "budget": rt.ledger.balance().to_dict(),
    }


def state(rt: LLMOS) -> dict[str, Any]:
    """The valence trajectory (four variables, set-points, latent mode) and the recent triggers."""
    snap = rt.sentience.snapshot() if rt.sentience is not None else {"enabled": False}
    history = rt.sentience.history(500) if rt.sentience is not None else []
    dims = list(snap.get("dimensions") or [])
    series = {
        "t": [h.at for h in history],
        "values": {d: [round(h.valence.as_dict()[d], 4) for h in history] for d in dims},
        "modes": [h.mode for h in history],
    }
    recent = [h.to_dict() for h in history[-15:]][::-1]
    return {"snapshot": snap, "series": series, "recent": recent}


def agents(rt: LLMOS) -> list[dict[str, Any]]:
    """The agents, each with its recorded versions (diffs) from the version store."""
    from llmos.server.app import agent_dict

    out = []
    for a in rt.agents.list():
        changes = rt.versions.history(f"agent:{a.name}", limit=20)
        out.append({"agent": agent_dict(a), "changes": changes})
    return out
