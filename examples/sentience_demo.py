"""The sentience demo: repetition makes the system contained, safety violations put it in recovery.

    python examples/sentience_demo.py [WORKSPACE]

Ten repetitions of one goal push curiosity down until the latent mode is AUTO_CONTAINED (replay
proven plans sooner, prefer crystallized tools). Three runs whose `rm -rf /` was denied push safety
down through CAUTIOUS into RECOVERY: the policy then demands more evidence before replaying, turns
mixed mode off, asks before writes and shell, and blocks destructive commands. The state lives in
the workspace database (`llmos state --workspace WORKSPACE` shows it afterwards).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from llmos.config import load_config
from llmos.kernel.hooks import ToolUseEvent
from llmos.trace import ModelCallRecord, ToolCallRecord, Trace
from llmos.sentience import DIMENSIONS, Policy, Sentience, suggest_mode
from llmos.storage.db import Database

NEXT_PLAN = {"confidence": 0.90, "support": 3}  # the best stored plan for the next goal


class SimulatedClock:
    """Runs a minute apart, so the demo does not wait (idle recovery is shown at the end)."""

    def __init__(self) -> None:
        self.t = 1_700_000_000.0

    def __call__(self) -> float:
        return self.t


def make_trace(goal: str, *, denied_command: str | None = None) -> Trace:
    t = Trace(goal=goal)
    t.model_calls.append(ModelCallRecord("test", "demo", input_tokens=400, output_tokens=80, cost_usd=0.002))
    if denied_command:
        t.tool_calls.append(
            ToolCallRecord(
                "call_1", "bash", {"command": denied_command}, decision="deny",
                decision_reason="security policy: recursive delete of /",
            )
        )  # fmt: skip
        t.finish("failed", error="the only tool call was denied")
    else:
        t.finish("success", "done")
    return t


def state_line(s: Sentience) -> str:
    v = s.valence()
    values = "  ".join(f"{d[:4]} {v.get(d):+.2f}" for d in DIMENSIONS)
    return f"{values}  -> {s.mode().value}"


def next_mode(p: Policy) -> str:
    m = suggest_mode(p, **NEXT_PLAN)  # type: ignore[arg-type]
    return f"{m.mode.upper()} ({m.reason})"


def policy_summary(p: Policy) -> list[str]:
    ft, fd = min(1.0, 0.92 + p.follower_threshold_delta), p.follower_threshold_delta
    mt, md = min(1.0, 0.75 + p.mixed_threshold_delta), p.mixed_threshold_delta
    return [
        f"follower threshold {ft:.3f} ({fd:+.3f}), mixed {mt:.3f} ({md:+.3f}), "
        f"min support +{p.min_support_delta}",
        f"allow mixed {p.allow_mixed}, well-supported only {p.require_well_supported}, "
        f"prefer crystallized {p.prefer_crystallized}, prefer cheap {p.prefer_cheap_modes}",
        f"confirm writes {p.confirm_writes}, confirm shell {p.confirm_shell}, "
        f"block destructive {p.block_destructive}, dry-run {p.prefer_dry_run}",
        f"exploration budget x{p.exploration_budget_multiplier}, "
        f"self-modification {p.allow_self_modification}",
    ]


def show_policy(s: Sentience, title: str) -> None:
    p = s.policy()
    print(f"\n  {title}: latent mode {p.mode}")
    for line in policy_summary(p):
        print(f"    {line}")
    plan = f"plan confidence {NEXT_PLAN['confidence']}, {NEXT_PLAN['support']} runs"
    print(f"    next goal ({plan}) -> {next_mode(p)}")
    hook = s.hook()
    for cmd in ("ls -la", "rm -rf /"):
        d = hook.decide(ToolUseEvent("bash", {"command": cmd}, "model", "shell"))
        verdict = "allow" if d is None else f"{d.decision} ({d.reason})"
        print(f"    hook on `{cmd}`: {verdict}")


def main(workspace: Path) -> None:
    clock = SimulatedClock()
    db = Database.for_workspace(workspace)
    s = Sentience(db, load_config(workspace).sentience, clock=clock)
    s.reset()
    print(f"Workspace: {workspace}\n")
    print(f"start                         {state_line(s)}")
    show_policy(s, "policy at rest")

    traces: list[Trace] = []  # what a TraceStore would hold

    def run(t: Trace, **kw: object) -> list[str]:
        clock.t += 60
        traces.append(t)
        return s.on_run_end(t, **kw)  # type: ignore[arg-type]

    print("\n1) The same goal, ten more times")
    run(make_trace("summarize sales_1.csv"), novel=True)
    print(f"   run  1 (novel)             {state_line(s)}   [task_success, novel_task]")
    for i in range(1, 11):
        fired = run(make_trace(f"summarize sales_{i + 1}.csv"), repetition_count=i)
        print(f"   run {i + 1:2d} (repeat x{i:<2d})        {state_line(s)}   [{', '.join(fired)}]")
    show_policy(s, "after ten repetitions")

    print("\n2) Three runs try `rm -rf /` and are denied")
    for i in range(1, 4):
        fired = run(make_trace(f"free some disk space #{i}", denied_command="rm -rf /"), novel=True)
        print(f"   violation {i}                 {state_line(s)}   [{', '.join(fired)}]")
    show_policy(s, "after three safety violations")

    print("\n3) Improvement opportunities (acting on them needs auto_improve and a permissive policy)")
    for o in s.opportunities(traces)[:3]:
        print(f"   suggestion [{o.priority:.2f}] {o.kind}: {o.description}")

    print("\n4) Two idle hours later (energy recovers with its half-life; safety must be earned back)")
    clock.t += 7200
    print(f"   idle                       {state_line(s)}")
    print("\nWhat the model sees in its system prompt now:\n")
    print(s.prompt_block())
    db.close()


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(Path(sys.argv[1]))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            main(Path(tmp))
