"""The run modes, as one enum (a str enum: traces, results and JSON keep their plain strings).

    AUTO           the runtime decides (llmos.execution.modes.choose_mode)
    LEARNER        the model solves the goal
    FOLLOWER       a learned plan is replayed without the model
    MIXED          the model solves the goal, guided by a related plan
    CRYSTALLIZED   a plan compiled into a tool runs without the model
    ORCHESTRATOR   the goal is split into subtasks

Shared by every layer, so it imports nothing of the package.
"""

from __future__ import annotations

from enum import StrEnum


class Mode(StrEnum):
    AUTO = "auto"
    LEARNER = "learner"
    FOLLOWER = "follower"
    MIXED = "mixed"
    CRYSTALLIZED = "crystallized"
    ORCHESTRATOR = "orchestrator"


MODES: tuple[str, ...] = tuple(m.value for m in Mode)  # what a caller may request
LEARNING_MODES: tuple[str, ...] = tuple(m.value for m in Mode if m is not Mode.ORCHESTRATOR)
REPLAY_MODES: tuple[str, ...] = (Mode.FOLLOWER.value, Mode.CRYSTALLIZED.value)  # no model: a plan runs
