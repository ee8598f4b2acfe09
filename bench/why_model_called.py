"""Why the model is still called: every auto goal of a kept bench run that ran LEARNER or MIXED
although its family had at least two earlier goals, with the reason its trace recorded
(`mode_reason.fallback.reason`, else `why_not_follower`), grouped by cause.

    python bench/why_model_called.py REPORT.json [REPORT.json ...]   # reports of `run_bench.py --keep --out`

Prints a Markdown table: cause | goals | learner/mixed | an example goal. The workspaces must still be
there (the report's `config.workdir`). Causes are matched on the reasons' text (see `CAUSES`); a reason
none matches is listed as "other". A goal that matched plans of several paths says why they formed no
branch set (`mode_reason.branch.why`), or why the set's replay stopped at the branch. "no plan" is split
by whether at least two earlier goals of the family began with the same two words (a rough test of "the
same wording").
"""

from __future__ import annotations

import json
import re
import sqlite3
import sys
from collections import Counter, defaultdict
from typing import Any

CAUSES: list[tuple[str, str | None]] = [
    (r"^branch set not formed: .*branched to a path no plan", "no branch set: a path's plan does not match the goal"),
    (r"^branch set not formed: .*support \d+ < min_support", "no branch set: a path's support below rule 4's need"),
    (r"^branch set not formed: .*no result before the branch told", "no branch set: no read tells two paths apart"),
    (r"^branch set not formed: .*not read-only", "no branch set: a call before the branch is not read-only"),
    (r"^branch set not formed", "no branch set: other"),
    (r"branch: the live results fit the evidence of no path", "branch set: the live results fit no path (rule 1)"),
    (r"branch: the live results fit the evidence of \d+ paths", "branch set: the live results fit several paths"),
    (r"no learned plan matches", None),
    (r"conditional wording", "conditional wording in the goal (b9cond)"),
    (r"^branching: plan \S+ took", "one path's plan matches; another's kept a goal word as a constant (branching)"),
    (r"^branching|; branching|contradicted", "plan marked branching/contradicted for good (b9cond)"),
    (r"matches \d plans", "goal matches 2+ plans: ambiguous (v9values)"),
    (r"explanations disagree", "rule 2: explanations disagree on a derived argument"),
    (r"never seen in a supporting run \(seen: '[A-Z]+-\d+'", "a counted id (ARC-1003) in a write's ack as a category"),
    (r"is outside \[.*may depend", "rule 1 goal check: id/number in the goal outside the range seen (v9values)"),
    (r"was never seen, and an argument", "rule 1 goal check: a goal word never seen, a constant may depend on it"),
    (r"word\d+ = .* no argument uses it", "rule 1: a goal word no argument uses, value never seen"),
    (r"a text never seen|holds a text where no", "rule 1: a result text of a template never seen"),
    (r"outside \[|number #\d+ = .* is outside", "rule 1: a result number outside the range seen"),
    (r"items at", "a list of another length (l9total)"),
    (r"was never a value of|was a value of", "envelope: a goal value's membership in a result changed"),
    (r"where every supporting run saw", "envelope: a result value constant in every run changed"),
    (r"in every supporting run, but not now", "envelope: the order of two numbers flipped"),
    (r"answer cannot be stated.*declined the goal", "answer: the supporting answers declined the goal"),
    (r"answer cannot be stated.*asks for a change", "answer: the goal's verb asks for a change the plan does not make"),
    (r"answer cannot be stated", "answer: a total no value of the run gives (l9total)"),
    (r"policy requires", "sentience policy: a well-supported plan required"),
    (r"support \d+ < min_support", "support below rule 4's need (a 1-run plan repeated, or risk +1)"),
    (r"shape the plan never saw", "a result of a shape never seen"),
]


def _wording(goal: str) -> str:
    return " ".join(w.lower() for w in re.findall(r"[A-Za-z]+", goal)[:2])


def reasons(report: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per auto goal: family, index within the family, mode used, goal, reason."""
    db = report["config"]["workdir"] + "/auto/workspace/.llmos/llmos.db"
    con = sqlite3.connect(db)
    runs = [json.loads(d) for (d,) in con.execute("select data from runs order by started_at")]
    seen: Counter[str] = Counter()
    out = []
    for res, run in zip(report["results"]["auto"], runs, strict=False):
        if res["goal"] != run["goal"]:
            raise SystemExit(f"runs and results disagree at {res['goal']!r}")
        why = run.get("mode_reason") or {}
        fallback = why.get("fallback") or {}
        blockers = why.get("why_not_follower") or []
        reason = fallback.get("reason") or "; ".join(blockers) or why.get("why", "")
        branch = why.get("branch") or {}
        if not fallback and branch.get("why") and "prefix_groups" not in branch:  # 2+ plans, no set
            reason = f"branch set not formed: {branch['why']}; {reason}"
        out.append(
            {
                "family": res["family"],
                "k": seen[res["family"]],
                "mode": why.get("mode_used", run["mode"]),
                "goal": res["goal"],
                "reason": reason,
            }
        )
        seen[res["family"]] += 1
    return out


def cause_of(row: dict[str, Any], earlier: list[str]) -> str:
    for pattern, name in CAUSES:
        if re.search(pattern, row["reason"]):
            if name is not None:
                return name
            same = sum(1 for g in earlier if _wording(g) == _wording(row["goal"]))
            if same < 2:
                return "no plan: another wording of the task with < 2 earlier runs (one plan per skeleton)"
            return "no plan: same wording; a value of another length, or earlier runs that did not merge"
    return "other: " + row["reason"][:60]


def main(paths: list[str]) -> None:
    table: dict[str, list[Any]] = {}
    for path in paths:
        with open(path) as f:
            report = json.load(f)
        goals: defaultdict[str, list[str]] = defaultdict(list)
        for row in reasons(report):
            earlier = list(goals[row["family"]])
            goals[row["family"]].append(row["goal"])
            if row["k"] < 2 or row["mode"] not in ("learner", "mixed"):
                continue
            entry = table.setdefault(cause_of(row, earlier), [0, 0, 0, row["goal"]])
            entry[0] += 1
            entry[1 if row["mode"] == "learner" else 2] += 1
    print("| cause | goals | learner/mixed | example goal |")
    print("|---|---|---|---|")
    for cause, (n, learner, mixed, goal) in sorted(table.items(), key=lambda kv: -kv[1][0]):
        print(f"| {cause} | {n} | {learner}/{mixed} | {goal} |")


if __name__ == "__main__":
    main(sys.argv[1:])
