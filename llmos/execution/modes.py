"""Mode selection in one place: which mode runs a goal, and why.

    decision = choose_mode(rt, goal, requested, agent, nested=False)   # -> ModeDecision

The order of the decision, each step a rule a reader can check:

1. ORCHESTRATOR requested: forced (never inside a subtask).
2. LEARNER requested, or learning disabled: the model (FOLLOWER, MIXED and CRYSTALLIZED need learning).
3. Otherwise the learning layer judges the evidence (`LearningEngine.select`: FOLLOWER, MIXED or
   LEARNER, with the sentience policy's tightening); a plan with a crystallized tool may waive the
   policy's extra evidence (`prefer_crystallized`). CRYSTALLIZED requested asks for FOLLOWER first:
   the compiled form of a plan runs only where the plan itself may be replayed.
4. AUTO, not inside a subtask: ORCHESTRATOR when a rule marks the goal multi-part (never instead of
   a replay).
5. A FOLLOWER decision whose plan has an active crystallized tool runs CRYSTALLIZED.

The mode finally *used* can still change while the run goes on: a replay that stops hands the goal
to the model (`execution/fallback.py`), and `mode_reason` says which mode was selected, which was
used, and why the replay fell back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmos.exceptions import ModeUnavailable
from llmos.modes import Mode

if TYPE_CHECKING:
    from llmos.learning.selection import ModeDecision
    from llmos.runtime import LLMOS


def choose_mode(rt: LLMOS, goal: str, requested: str, agent: str, *, nested: bool = False) -> ModeDecision:
    from llmos.execution.orchestration import choose
    from llmos.learning.selection import ModeDecision

    mode = Mode(requested)
    if mode is Mode.ORCHESTRATOR:
        if nested:
            raise ModeUnavailable("a subtask of an orchestrated run cannot orchestrate again")
        return choose.forced_decision(goal)
    if mode is Mode.LEARNER or not rt.config.learning.enabled:
        if mode in (Mode.FOLLOWER, Mode.MIXED, Mode.CRYSTALLIZED):
            raise ModeUnavailable(f"mode {mode} needs the learning layer, which is disabled in llmos.toml")
        decision = ModeDecision(mode=Mode.LEARNER, confidence=0.0, reason={"why": f"mode {mode} requested"})
    else:
        policy = rt.sentience.selection_policy() if rt.sentience else None
        # CRYSTALLIZED is the compiled form of a safe plan: it needs the goal to be FOLLOWER-safe first
        learning_mode = Mode.FOLLOWER if mode is Mode.CRYSTALLIZED else mode
        decision = rt.learning.select(goal, learning_mode, agent=agent, policy=policy)
        if getattr(policy, "prefer_crystallized", False):
            from llmos.execution.crystal_first import prefer_crystallized

            decision = prefer_crystallized(rt, goal, learning_mode, agent, decision)
    if mode is Mode.AUTO and not nested:
        decision = choose.auto_decision(rt, goal, agent, decision) or decision
    if decision.mode == Mode.FOLLOWER:
        _crystallized(rt, decision, mode)
    return decision


def _crystallized(rt: LLMOS, decision: ModeDecision, requested: Mode) -> None:
    """Step 5: the plan's crystallized tool, when it has one, runs instead of the replay."""
    rt.evolution.refresh()
    # a branch set replays as FOLLOWER only: a crystallized tool runs one path, without the choice; plans
    # replayed as one (`learning/_ambiguity`): their checks run in the replay, not in one plan's tool
    plain = not decision.branches and not decision.companions
    tool = rt.evolution.tool_for(decision.plan_id) if decision.plan_id and plain else None
    if tool is not None:
        decision.mode = Mode.CRYSTALLIZED
        decision.reason["crystallized_tool"] = tool.name
    elif requested is Mode.CRYSTALLIZED:
        raise ModeUnavailable(f"plan {decision.plan_id} has no crystallized tool yet")
