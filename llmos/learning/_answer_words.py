"""Rules 1 and 5: an answer's own words of judgement, whatever they are, judge every result of the run.

A supporting answer that says "LI-62: open (water clear)." copies "clear" from the result (rule 5 traces
it to this run) and says "open" in words of its own: the model judged the result. A replay that copies a
new "cloudy" into the same template says "open" over murky water. A list of judgement words ("allowed",
"eligible", "enough": `answers.unstated_judgement`) misses most of them ("open", "retired", "in service",
"evacuate", "healthy"), and a goal need not name the alternatives (`declined.alternatives`: "open or
closed") or ask a yes/no question (`declined.polar`): "Report the water at lido LI-62 this morning."
(`bench/families_lead35.py`: every such family was wrong on stop 34's head once a trap came).

So when the example run's answer copies a category from a result (`copied_categories`: a field's value of
one or two lower-case words, "clear", "rising fast", that neither the goal nor an argument holds), a word of
the plan's answer template that neither the goal, nor any argument, nor any result of that run gives
(`unstated_words`: a word of three letters or more, not a stop word, given when a run's word shares its
stem: "Loaded" is given by "Load", "closed" by "close") is taken for a judgement the model made on that
run's results. The plan is then judged on every result (`declined.judged_on_every_result`): rule 1 holds
for each, copied into the answer or not, whatever the tools' risk, and a value none of the supporting runs
saw goes to the model. An answer that copies no category keeps its labels ("The sum is 8", "The memo
says: ...", "reference B-7"): a word there names a value, it judges none, and requiring every result
inside the evidence there would stop every such replay (measured: 13 tests of the replay rules).

A write's acknowledgement is no category (helper words2): "Done: shipped (CL-211, Deli Nord)." copies
"shipped" from the result of `ship_lot`, a tool its server declares a write (`risk.declares_write`), and the
word is the tool's own verb (`acknowledges`: a word of the tool's name begins it, "ship" -> "shipped",
"rig" -> "rigged", "accept" -> "accepted"). The result says the write was done; no read's result is judged.
Such a plan keeps rule 1 as a write plan (every read before the write). The reads in disguise stay judged:
a tool that says nothing of itself, or a declared write whose value is no word of its name ("calm" of
`weir_flow`). A result that fed nothing: `_answer_unread`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from llmos.learning._answer_numbers import _run_texts
from llmos.learning.goals import STOPWORDS

__all__ = ["acknowledges", "copied_categories", "unstated_words"]

_WORD = re.compile(r"[A-Za-z]{3,}")
_CATEGORY = re.compile(r"[a-z]{3,}(?:[ -][a-z]{2,})?")
MIN_STEM = 4


def _given(word: str, known: set[str], stems: set[str]) -> bool:
    """Whether a run's word gives `word`: the same word, or one that shares its stem (all of `word` but
    its last three letters at most, four letters at least: "loaded"/"load", "closed"/"close",
    "opening"/"open"; not "sent"/"send")."""
    if word in known:
        return True
    return any(word[:k] in stems for k in range(max(MIN_STEM, len(word) - 3), len(word) + 1))


def unstated_words(example: dict[str, Any]) -> list[str]:
    """The words of the answer (`example["answer"]`: a template's literal words) that neither the run's goal
    nor its calls' arguments and results give, lower case."""
    answer = str(example.get("answer") or "")
    said = {w.lower() for w in _WORD.findall(answer)} - STOPWORDS
    if not said:
        return []
    known = {w.lower() for t in _run_texts(example) for w in _WORD.findall(t)}
    stems = {w[:k] for w in known for k in range(MIN_STEM, len(w) + 1)}
    return sorted(w for w in said if not _given(w, known, stems))


def _fields(data: Any) -> list[str]:
    """The string values of a JSON result's fields (an object's, or each object's of a list of them)."""
    rows = data if isinstance(data, list) else [data]
    return [v for row in rows[:50] if isinstance(row, dict) for v in row.values() if isinstance(v, str)]


def acknowledges(value: str, tool: str) -> bool:
    """Whether a category of a write's result is the tool's own verb: its first word begins with a word of
    the tool's name of three letters or more ("shipped" of `bench__h20b_ship_lot`, "rigged" of `rig_route`)."""
    first = value.split()[0].split("-")[0] if value.split() else ""
    names = {w for w in re.findall(r"[a-z]+", tool.lower()) if len(w) >= 3}
    return any(first.startswith(w) for w in names)


def copied_categories(example: dict[str, Any], declares_write: Callable[[str], bool] | None = None) -> list[str]:
    """The categories (a field's value of one or two lower-case words) of the example run's JSON results
    that its answer states and neither its goal nor its calls' arguments hold; not a write's acknowledgement
    (`acknowledges`) of a tool `declares_write` says is one (its server declared it: not read-only)."""
    answer = str(example.get("answer") or "")
    if not answer:
        return []
    goal = str(example.get("goal") or "").lower()
    out: list[str] = []
    for call in example.get("calls") or []:
        if not isinstance(call, dict):
            continue
        try:
            data = json.loads(str(call.get("result") or ""))
        except ValueError:
            continue
        given = json.dumps(call.get("arguments"), default=str).lower()
        name = str(call.get("name") or "")
        writes = declares_write is not None and bool(name) and declares_write(name)
        for v in _fields(data):
            fresh = _CATEGORY.fullmatch(v) and v not in goal and v not in given
            if fresh and writes and acknowledges(v, name):
                continue  # the write's own verb: it says the write was done, it judges no read
            if fresh and re.search(rf"\b{re.escape(v)}\b", answer):
                out.append(v)
    return out
