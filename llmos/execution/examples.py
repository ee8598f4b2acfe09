"""Tool examples from traces, and how often each tool is used.

    stats = ToolStats.from_traces(traces.recent(200))
    stats.examples("github__create_issue", schema, limit=3, min_success=0.8)   # [{...}, ...]

An example is the argument set of a successful call: not an error, not denied or rewritten by a
hook, in a run that was not rejected, and valid against the tool's input schema (checked with
`jsonschema` when installed, else the schema's required keys and top-level types). A tool gets
examples only when its success rate reaches `min_success`. The chosen argument sets are varied:
each next one is the candidate that differs most (by keys and values) from those already taken.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from llmos.trace import Trace

MAX_EXAMPLE_CHARS = 600  # longer argument sets are left out: an example must be cheap to show
_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}


@dataclass
class ToolStats:
    calls: Counter[str] = field(default_factory=Counter)
    successes: Counter[str] = field(default_factory=Counter)
    candidates: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @classmethod
    def from_traces(cls, traces: Iterable[Trace]) -> ToolStats:
        stats = cls()
        for trace in traces:
            for c in trace.tool_calls:
                stats.calls[c.name] += 1
                good = not c.is_error and not c.denied and c.original_arguments is None and not trace.rejected
                if not good:
                    continue
                stats.successes[c.name] += 1
                seen = stats.candidates.setdefault(c.name, [])
                if c.arguments not in seen and len(json.dumps(c.arguments, default=str)) <= MAX_EXAMPLE_CHARS:
                    seen.append(dict(c.arguments))
        return stats

    def success_rate(self, name: str) -> float:
        n = self.calls.get(name, 0)
        return self.successes.get(name, 0) / n if n else 0.0

    def examples(
        self, name: str, schema: dict[str, Any], *, limit: int = 3, min_success: float = 0.8
    ) -> list[dict[str, Any]]:
        """Up to `limit` varied, schema-valid argument sets of successful calls of `name`."""
        if limit <= 0 or self.success_rate(name) < min_success:
            return []
        valid = [a for a in self.candidates.get(name, []) if valid_arguments(a, schema)]
        chosen: list[dict[str, Any]] = []
        while valid and len(chosen) < limit:
            best = max(valid, key=lambda a: (_distance(a, chosen), len(a)))
            chosen.append(best)
            valid.remove(best)
        return chosen


def _distance(args: dict[str, Any], chosen: list[dict[str, Any]]) -> int:
    """How much `args` differs from the closest argument set already chosen (keys and values)."""
    if not chosen:
        return 1_000_000
    items = {(k, json.dumps(v, sort_keys=True, default=str)) for k, v in args.items()}
    return min(len(items ^ {(k, json.dumps(v, sort_keys=True, default=str)) for k, v in c.items()}) for c in chosen)


def valid_arguments(args: dict[str, Any], schema: dict[str, Any]) -> bool:
    """Whether `args` satisfies the tool's input schema."""
    try:
        import jsonschema
    except ImportError:
        return _shallow_valid(args, schema)
    try:
        jsonschema.validate(args, schema)
    except jsonschema.ValidationError:
        return False
    except jsonschema.SchemaError:
        return _shallow_valid(args, schema)
    return True


def _shallow_valid(args: dict[str, Any], schema: dict[str, Any]) -> bool:
    props = schema.get("properties") or {}
    if any(k not in args for k in schema.get("required") or []):
        return False
    if schema.get("additionalProperties") is False and any(k not in props for k in args):
        return False
    for key, value in args.items():
        kind = (props.get(key) or {}).get("type")
        if not isinstance(kind, str) or kind not in _TYPES:
            continue
        if not isinstance(value, _TYPES[kind]) or (kind in ("integer", "number") and isinstance(value, bool)):
            return False
    return True
