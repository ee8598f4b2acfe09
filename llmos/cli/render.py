"""Rich rendering of results, budgets and statistics for people (machines use --json)."""

from __future__ import annotations

import json
from typing import Any

from rich.panel import Panel
from rich.table import Table

from llmos._text import plural
from llmos.cli._common import console, esc

MODE_COLOURS = {
    "learner": "yellow",
    "mixed": "cyan",
    "follower": "green",
    "crystallized": "magenta",
    "orchestrator": "blue",
}


def _money(x: float | None) -> str:
    return "unpriced" if x is None else f"${x:.6f}"


def _render_subtasks(subtasks: list[dict[str, Any]]) -> None:
    table = Table(title="Subtasks", show_lines=False)
    for col in ("id", "agent", "mode", "status", "cost", "run", "goal"):
        table.add_column(col, overflow="fold")
    for s in subtasks:
        status = str(s.get("status") or ("success" if s.get("success") else "failed"))
        style = "" if s.get("success") else ("yellow" if status == "skipped" else "red")
        table.add_row(
            str(s.get("id")),
            str(s.get("agent")),
            str(s.get("mode") or "-"),
            status,
            _money(s.get("cost_usd")),
            str(s.get("run_id") or "-"),
            str(s.get("goal"))[:80],
            style=style,
        )
    console.print(table)


def render_result(data: dict[str, Any], *, explain: bool = False) -> None:
    mode = data.get("mode", "?")
    colour = MODE_COLOURS.get(mode, "white")
    ok = "[green]success[/green]" if data.get("success") else f"[red]{data.get('status') or 'failed'}[/red]"
    if data.get("tool_calls"):
        table = Table(title="Tool calls", show_lines=False)
        for col in ("#", "tool", "arguments", "result"):
            table.add_column(col, overflow="fold")
        for i, c in enumerate(data["tool_calls"], 1):
            res = str(c.get("result", ""))
            res = res if len(res) < 160 else res[:157] + "…"
            style = "red" if c.get("is_error") else ""
            args = json.dumps(c.get("arguments"), ensure_ascii=False)[:120]
            table.add_row(str(i), esc(c["name"]), esc(args), esc(res), style=style)
        console.print(table)
    if data.get("subtasks"):
        _render_subtasks(data["subtasks"])
    body = esc(data.get("output") or "")
    if data.get("error"):
        body += f"\n\n[red]error:[/red] {esc(data['error'])}"
    console.print(Panel(body or "(no answer)", title=f"[{colour}]{mode}[/{colour}] · {ok}", expand=False))
    out_tokens = data["output_tokens"]
    saved = f" · saved ≈ ${data['saved_usd']:.6f}" if data.get("saved_usd") else ""
    console.print(
        f"run [bold]{data['run_id']}[/bold] · {plural(data['llm_calls'], 'model call')} · "
        f"{data['input_tokens']} in / {data['output_tokens']} out {'token' if out_tokens == 1 else 'tokens'} · "
        f"{_money(data.get('cost_usd'))}{' (some calls unpriced)' if data.get('unpriced') else ''}"
        f"{saved} · {data['duration_s']:.2f}s",
        highlight=False,
    )
    if explain and data.get("mode_reason"):
        used = data["mode_reason"].get("mode_used") or mode
        selected = data["mode_reason"].get("mode_selected") or used
        line = f"mode used: {used}" + (f" (selected: {selected})" if selected != used else "")
        if data["mode_reason"].get("fallback_reason"):
            line += f" · {data['mode_reason']['fallback_reason']}"
        console.print(esc(line), highlight=False)
        console.print(Panel(esc(json.dumps(data["mode_reason"], indent=2, default=str)), title="why this mode"))


def render_budget(data: dict[str, Any]) -> None:
    b = data["balance"]
    total = "unlimited" if b["total_usd"] is None else f"${b['total_usd']:.2f}"
    remaining = "unlimited" if b["remaining_usd"] is None else f"${b['remaining_usd']:.6f}"
    console.print(
        f"Budget {total} · spent ${b['spent_usd']:.6f} · reserved ${b['reserved_usd']:.6f} · "
        f"remaining {remaining}" + (f" · {b['unpriced_calls']} unpriced calls" if b["unpriced_calls"] else "")
    )
    for key in ("by_mode", "by_model", "by_agent"):
        rows = data.get(key) or {}
        if not rows:
            continue
        table = Table(title=f"Spending {key.replace('_', ' ')}")
        for col in ("", "calls", "input tokens", "output tokens", "cost"):
            table.add_column(col)
        for k, v in rows.items():
            table.add_row(k, str(v["calls"]), str(v["input_tokens"]), str(v["output_tokens"]), f"${v['cost_usd']:.6f}")
        console.print(table)


def render_stats(data: dict[str, Any]) -> None:
    table = Table(
        title=f"{data['runs']} runs · {data['success']} succeeded · spent ${data['cost_usd']:.6f} · "
        f"saved ≈ ${data['saved_usd']:.6f} ({data['saved_tokens']} tokens)"
    )
    for col in (
        "mode",
        "runs",
        "success",
        "model calls",
        "tokens in",
        "tokens out",
        "cost",
        "saved",
        "avg s",
    ):
        table.add_column(col)
    for mode, m in data["by_mode"].items():
        colour = MODE_COLOURS.get(mode, "white")
        table.add_row(
            f"[{colour}]{mode}[/{colour}]",
            str(m["runs"]),
            str(m["success"]),
            str(m["llm_calls"]),
            str(m["input_tokens"]),
            str(m["output_tokens"]),
            f"${m['cost_usd']:.6f}",
            f"${m['saved_usd']:.6f}",
            f"{m['avg_duration_s']:.3f}",
        )
    console.print(table)
    b = data.get("budget")
    if b:
        remaining = "unlimited" if b["remaining_usd"] is None else f"${b['remaining_usd']:.4f}"
        console.print(f"budget remaining: {remaining} · learned plans: {data.get('plans', 0)}")
