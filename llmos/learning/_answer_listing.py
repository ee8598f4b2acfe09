"""Rule 5's fallback answer: a short listing of this run's calls and results (`answers.final_answer`
when the learned template cannot be said). The private interior of `llmos.learning.answers`."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from llmos.learning import explain as ex

MAX_RESULT_CHARS = 2000  # per result, in a listing


def listing(names: Sequence[str], env: ex.Env, args: Sequence[Any] = ()) -> str:
    """A short listing of this run's calls and results, one line per call; after two calls or more, a
    last line that counts them (in all, and per tool called twice or more). `unstated_figures` takes
    those counts as given ("Checked 2 trams: 2 booked for the lathe" over two reads and two bookings),
    so a listing standing in for such an answer writes them: one line per call is not a number stated
    (`families_heldout15b.py` h15b_wheels)."""
    lines = []
    made = Counter(name for name, text in zip(names, env.texts, strict=False) if text is not None)
    for step, (name, text) in enumerate(zip(names, env.texts, strict=False)):
        if text is None:
            continue
        body = text.strip()
        if len(body) > MAX_RESULT_CHARS:
            body = body[:MAX_RESULT_CHARS] + "…"
        arguments = args[step] if step < len(args) else None
        call = f"{name}({json.dumps(arguments, ensure_ascii=False, default=str)[:300]})" if arguments else name
        lines.append(f"- {call}: {body}")
    if len(lines) >= 2:
        each = [f"{name} {n} times" for name, n in made.items() if n >= 2]
        lines.append(f"{len(lines)} calls in all" + (f": {', '.join(each)}." if each else "."))
    return "Done.\n" + "\n".join(lines) if lines else "Done."
