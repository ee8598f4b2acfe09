"""How rule 1 names the quantities `_seen_derived` records (the words of its reasons, which `--explain` shows)."""

from __future__ import annotations

import json
from typing import Any

from llmos.learning import _seen_pairs, _seen_periods
from llmos.learning import explain as ex


def describe(key: str) -> str:
    """A derived quantity's record key in words (`_seen_derived.problem`'s reasons)."""
    parts = json.loads(key.rsplit("|", 1)[0])
    if parts[0] == "~days":
        return f"the days between {_label(parts[1])} and {_label(parts[2])}"
    if parts[0] == "~prod":
        return "the product " + " x ".join(ex.format_path(tuple(x)) for x in parts[1:])
    if parts[0] == "~rratio":
        return f"the ratio {ex.format_path(tuple(parts[1]))} / {ex.format_path(tuple(parts[2]))}"
    if parts[0] == "~xdiff":
        return f"the difference {_read_operand(parts[2])} - {_read_operand(parts[1])}"
    if parts[0] == "~xratio":
        return f"the ratio {_read_operand(parts[2])} / {_read_operand(parts[1])}"
    if parts[0] == "~xsum":
        return f"the sum {_read_operand(parts[1])} + {_read_operand(parts[2])}"
    if parts[0] == "~rsum":
        return f"the sum {_seen_pairs.operand(parts[1])} + {_seen_pairs.operand(parts[2])}"
    if parts[0] == "~xprod":
        return "the product " + " x ".join(_read_operand(x) for x in parts[1:])
    if parts[0] in ("~end", "~xend"):
        return f"the date {_label(parts[1])}"
    if parts[0] == "~digits":
        where = ex.format_path(tuple(parts[1]))
        return f"the digits {2 * parts[3] + 1}-{2 * parts[3] + 2} of the {parts[2]} of {where}"
    if parts[0] == "~rdiff":
        return f"the difference {_seen_pairs.operand(parts[2])} - {_seen_pairs.operand(parts[1])}"
    if parts[0] == "~wsum":
        a, b = (ex.format_path(tuple(x)).replace(".*", "[*]") for x in parts[1:3])
        return f"the sum of {a} x {b}"
    if parts[0] in _seen_pairs.KINDS:
        return _seen_pairs.describe(parts)
    return f"the total of {ex.format_path(tuple(parts[1])).replace('.*', '[*]')}"


def _read_operand(path: list[Any]) -> str:
    """A read's number: a leaf ("step 1's level_l") or the k-th number of a plain text ("number #2 of
    step 1's result")."""
    step, inner = (f"step {int(path[1]) + 1}'s ", path[2:]) if path[:1] == ["@step"] else ("", path)
    if inner and isinstance(inner[-1], str) and inner[-1].startswith("#"):
        return f"number #{int(inner[-1][1:]) + 1} of {step or 'this '}result"
    return step + ex.format_path(tuple(inner))


def _label(label: str) -> str:
    where, _, n = label.rpartition("#")
    if where == "goal":
        return f"the goal's date #{int(n) + 1}"
    path = tuple(json.loads(where))
    if path[:1] == ("@plus",):
        return f"the date {_seen_periods.label(list(path))}"
    if path[:1] == ("@step",):
        inner = path[2:]
        return f"the date #{int(n) + 1} of step {int(path[1]) + 1}'s {'result' if not inner else ex.format_path(inner)}"
    return f"the date #{int(n) + 1} of {'the result' if not path else ex.format_path(path)}"
