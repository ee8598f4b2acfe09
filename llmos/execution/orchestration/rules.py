"""When AUTO chooses ORCHESTRATOR: a configured or a learned rule marks the goal as multi-part.

- configured: `[orchestration] rules = ["regex", ...]`; a goal matching one is multi-part.
- learned: an orchestrated run that succeeded with a plan of at least two independent parts is
  remembered under the goal's skeleton (words kept, numbers and quoted values abstracted). The
  rule's confidence is successes / (successes + failures + 1): one success gives 0.5, which meets
  the default `learned_threshold`; a failed orchestration of the same skeleton lowers it.

The sentience policy's `orchestration_threshold_delta` is added to the learned threshold
(positive: decompose less often). A goal is never counted as multi-part by its wording alone.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from llmos.learning.goals import tokenize
from llmos.storage.base import StoreDB

if TYPE_CHECKING:
    from llmos.config import OrchestrationConfig

SCHEMA = """
CREATE TABLE IF NOT EXISTS orchestration_rules (
    key TEXT PRIMARY KEY,
    agent TEXT NOT NULL,
    skeleton TEXT NOT NULL,
    successes INTEGER NOT NULL DEFAULT 0,
    failures INTEGER NOT NULL DEFAULT 0,
    parts INTEGER NOT NULL DEFAULT 0,
    last_run_id TEXT,
    updated_at REAL NOT NULL
);
"""


def skeleton(goal: str) -> str:
    """The goal with numbers and quoted values abstracted, words lower-cased."""
    out = []
    for t in tokenize(goal):
        if t.kind == "number":
            out.append("<number>")
        elif t.kind == "quoted":
            out.append("<quoted>")
        else:
            out.append(t.text.lower())
    return " ".join(out)


@dataclass
class RuleVerdict:
    multi_part: bool
    why: str
    confidence: float = 0.0
    threshold: float = 0.0
    source: str = ""  # "configured" | "learned" | ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "multi_part": self.multi_part,
            "why": self.why,
            "confidence": round(self.confidence, 4),
            "threshold": round(self.threshold, 4),
            "source": self.source,
        }


class OrchestrationRules:
    """The learned rules of one workspace, plus the configured ones."""

    def __init__(self, db: StoreDB, config: OrchestrationConfig) -> None:
        self.db = db
        self.config = config
        self._patterns = [re.compile(p, re.I) for p in config.rules]
        db.ensure_schema("orchestration_rules", SCHEMA)

    @staticmethod
    def _key(agent: str, goal: str) -> tuple[str, str]:
        sk = skeleton(goal)
        return f"{agent}\x1f{sk}", sk

    def judge(self, goal: str, agent: str, threshold_delta: float = 0.0) -> RuleVerdict:
        """Whether AUTO should orchestrate this goal, and why."""
        for p in self._patterns:
            if p.search(goal):
                return RuleVerdict(True, f"configured rule {p.pattern!r} marks it multi-part", 1.0, 0.0, "configured")
        threshold = min(1.0, max(0.0, self.config.learned_threshold + threshold_delta))
        key, _ = self._key(agent, goal)
        row = (
            self.db.connection()
            .execute("SELECT successes, failures, parts FROM orchestration_rules WHERE key = ?", (key,))
            .fetchone()
        )
        if row is None or not row["successes"]:
            return RuleVerdict(False, "no rule marks this goal multi-part", 0.0, threshold)
        confidence = row["successes"] / (row["successes"] + row["failures"] + 1)
        if confidence >= threshold:
            why = (
                f"learned: {row['successes']} orchestrated run(s) of this goal's skeleton split into "
                f"{row['parts']} independent parts (confidence {confidence:.2f} >= {threshold:.2f})"
            )
            return RuleVerdict(True, why, confidence, threshold, "learned")
        why = f"learned rule confidence {confidence:.2f} < threshold {threshold:.2f}"
        return RuleVerdict(False, why, confidence, threshold, "learned")

    def record(self, goal: str, agent: str, *, success: bool, independent_parts: int, run_id: str) -> None:
        """Learn from one orchestrated run: a success with >= 2 independent parts supports the rule,
        a failure weakens an existing one."""
        key, sk = self._key(agent, goal)
        if success and independent_parts < 2:
            return
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO orchestration_rules (key, agent, skeleton, successes, failures, parts, last_run_id, "
                "updated_at) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(key) DO UPDATE SET "
                "successes = orchestration_rules.successes + excluded.successes, "
                "failures = orchestration_rules.failures + excluded.failures, "
                "parts = MAX(orchestration_rules.parts, excluded.parts), last_run_id = excluded.last_run_id, "
                "updated_at = excluded.updated_at",
                (key, agent, sk, int(success), int(not success), independent_parts, run_id, time.time()),
            )

    def list(self) -> list[dict[str, Any]]:
        rows = self.db.connection().execute(
            "SELECT agent, skeleton, successes, failures, parts, last_run_id FROM orchestration_rules "
            "ORDER BY updated_at DESC"
        )
        return [dict(r) for r in rows]
