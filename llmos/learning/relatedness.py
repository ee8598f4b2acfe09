"""Which near-miss plans are related to a goal: the same task with other values, never another task.

A near-miss plan differs from the goal at some of its constant positions. Such a difference is one
of two kinds:

- a *value*: the plan's calls used the goal word at that position, e.g. a currency
  that every supporting run happened to share ("Convert 5 USD to EUR" against "... to GBP"). The
  goal is the same task with another value; the related run is a fair guide.
- a *task word*: no call used the word; it names what the task does or acts on ("Charge 300 euros
  to account AC1" against "Deliver parcel 415 to account AC-1"). The goal is another task; the
  related run would narrow the model to the wrong tools.

The rule: a near-miss is related only when every differing constant is a value (punctuation and
articles never count). Otherwise the plan is not related and the goal goes to the model
(LEARNER); `--explain` lists the task words that differ.

A paraphrase (a plan found by shared content words, not aligned word by word) follows the same
rule without an alignment: every content word of the plan's goal that is not a value (a task word)
must appear in the goal. "Please refund plate KL-715 ..." is not guided by a plan learned from
"Please charge plate ...": `charge` is a task word the goal lacks.
"""

from __future__ import annotations

from llmos.learning import explain as ex
from llmos.learning.goals import Token, content_words
from llmos.learning.plans import Match, Plan

FILLER = frozenset({"a", "an", "the", "please"})  # words whose change never changes the task


def value_positions(plan: Plan) -> frozenset[int]:
    """The goal positions whose words the plan's calls use as values (an answer that says a goal
    word back, "Done: charge of 4.20 EUR", does not make the word a value: swapping it may swap the
    task, and a guide would then offer the wrong tools). Cached on the plan
    object, keyed by its update time (a plan changes only through observe, which updates it)."""
    key = (plan.updated_at, plan.support, len(plan.steps), len(plan.answer))
    cached = plan.__dict__.get("_value_positions")
    if cached is not None and cached[0] == key:
        return cached[1]  # type: ignore[no-any-return]
    out: set[int] = set(plan.slots)
    for node in [leaf.cands for step in plan.steps for leaf in step.leaves]:
        out.update(r[1] for r in ex.nested_refs(node) if r[0] == "tok")
    found = frozenset(out)
    plan.__dict__["_value_positions"] = (key, found)
    return found


def _ignorable(goal: Token, planned: Token) -> bool:
    if goal.kind == "punct" and planned.kind == "punct":
        return True
    low, planned_low = goal.text.lower(), planned.text.lower()
    return low == planned_low or (low in FILLER and planned_low in FILLER)


def task_words_differ(m: Match, tokens: list[Token]) -> list[tuple[str, str]]:
    """(goal word, plan word) at each constant position where the goal differs from the plan in a
    word no call used as a value: the goal is another task. Empty: the same task, other values."""
    values = value_positions(m.plan)
    out: list[tuple[str, str]] = []
    for i in m.diff:
        goal, planned = tokens[i], m.plan.skeleton[i]
        if i in values or _ignorable(goal, planned):
            continue
        out.append((goal.text, planned.text))
    return out


def not_related_why(plan: Plan, differ: list[tuple[str, str]]) -> str:
    pairs = ", ".join(f"'{g}' where it had '{p}'" for g, p in differ[:4])
    return (
        f"plan {plan.id} is another task: the goal says {pairs}, word(s) none of its calls used as a value "
        "(a related plan may differ only in values)"
    )


def missing_task_words(plan: Plan, tokens: list[Token]) -> list[str]:
    """The plan's task words (constant content words no call used as a value) that the
    goal does not contain: a paraphrase missing one of them is another task."""
    values = value_positions(plan)
    constant = [t for i, t in enumerate(plan.skeleton) if i not in values]
    goal = content_words(tokens)
    return sorted(w for w in content_words(constant) if w not in goal and w not in FILLER)


def paraphrase_not_related_why(plan: Plan, missing: list[str]) -> str:
    words = ", ".join(f"'{w}'" for w in missing[:4])
    return f"plan {plan.id} is another task: the goal lacks its task word(s) {words} (a paraphrase keeps the task)"
