"""Rule 4: a tool's hint may only raise caution unless what the tool says and does is consistent with it.

An MCP server declares `readOnlyHint` (or `idempotentHint`) of its own accord, and nothing checks it: a tool
annotated read-only that records a tuning, sends a letter or reserves a mooring made its plan replay sooner
(rule 4's read-only need) and skipped rule 1 before it (rule 1 checks the earlier results before a step that
is not read-only only): main replayed 'leave' for a rank 7.5 cents off pitch (`bench/families_heldout29.py`
h29_organ: its ranges happened to hold; `bench/families_hint2.py` hn_recall, hn_mooring, hn_drench).

So a hint that lowers the risk (`readOnlyHint: true`; `idempotentHint: true`) is kept only while nothing
the tool says or did contradicts it (`contradiction`):

- its name holds a verb that writes (`WRITE_WORDS`: send, book, create, delete, reserve, ...; the words
  of `snake_case`, `camelCase` or `kebab-case`), or, for `idempotentHint`, a word that adds something each
  time it is called (`ADDING_WORDS`: send, create, append, log, ...), unless it also holds a verb that reads
  (`READ_VERBS`: "get_booking", "list_orders"). A word that is as often a noun ("book", "order", "log",
  "register") counts only before another word ("book_firing", not "library_book" or "key_register");
- its description starts with such a verb ("Reserve tonight's mooring", "Sends a letter"), or with "log",
  "record", "order", "schedule", ... (a verb there; a plural, "Orders of a customer", is a noun). Not "add":
  a calculator's "Add two numbers" reads;
- a result of it was a receipt (`note_result`): a JSON object with an identifier none of the call's
  arguments gave (a key "id" or ending in "_id", "ticket", "receipt", "confirmation", "reference") and a
  status that says something was done (`RECEIPT_WORDS`: "recorded", "booked", "sent", ...). Noted on the
  tool itself (`metadata["hint_contradicted"]`) and, through the registry, in the workspace's store
  (`storage.tool_notes`): a new process (`llmos run`, a restarted server) applies the note again whenever
  the tool is registered, so the hint is never trusted again (`llmos tools trust NAME` forgets it).

Then the tool's risk is what the other hints say (`risk.tool_risk`: the MCP default `destructiveHint` is
true), and `--explain` says why (`mode_reason.risk.hints_not_trusted`). A hint that raises caution
(`destructiveHint: true`, `readOnlyHint: false`) is always kept. The built-in tools' kinds are declared by
the code that registers them and carry no annotations: nothing here touches them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

__all__ = [
    "ADDING_WORDS", "NOTE", "READ_VERBS", "RECEIPT_WORDS", "WRITE_WORDS", "apply_note", "contradiction", "name_words",
    "note_result",
]  # fmt: skip

WRITE_WORDS = frozenset(
    {
        "send", "book", "create", "delete", "remove", "cancel", "submit", "reserve", "publish", "pay", "insert",
        "append", "write", "upload", "dispatch", "notify", "refund", "approve", "revoke", "rename", "save",
        "enqueue", "purge", "erase", "modify", "edit", "deploy", "install", "kill", "restart", "reboot", "enrol",
        "enroll", "subscribe", "unsubscribe", "invite", "assign", "allocate",
    }
)  # fmt: skip
ADDING_WORDS = frozenset(
    {"send", "create", "append", "post", "publish", "pay", "insert", "enqueue", "log", "add", "charge",
     "dispatch", "notify", "book", "submit", "invite", "register", "order"}
)  # fmt: skip
# a name with one of these says it reads, whatever noun follows ("get_booking", "list_orders", "check_updates")
READ_VERBS = frozenset(
    {"get", "read", "list", "fetch", "show", "find", "search", "check", "lookup", "look", "query", "view",
     "describe", "count", "inspect", "peek", "preview", "estimate", "quote", "calculate", "compute", "validate"}
)  # fmt: skip
# the first word of a description that is a verb that writes ("Reserve tonight's mooring", "Sends a letter")
_DESCRIPTION_VERBS = WRITE_WORDS | {
    "log", "record", "issue", "set", "post", "order", "schedule", "update", "transfer", "charge",
    "grant", "mark", "store", "hire", "email", "patch", "put", "drop",
}  # fmt: skip
# a plural noun reads like a verb's third person: "Records of ...", "Orders of ..." describe a read
_NOUNS = frozenset(
    {"record", "log", "order", "post", "book", "update", "transfer", "charge", "grant", "issue", "set", "mark",
     "patch", "drop", "email", "store", "hire", "schedule", "edit", "invite", "save", "install", "payment",
     "register"}
)  # fmt: skip
RECEIPT_WORDS = frozenset(
    {
        "recorded", "booked", "sent", "created", "logged", "scheduled", "reserved", "confirmed", "issued",
        "submitted", "queued", "posted", "saved", "stored", "registered", "added", "deleted", "removed",
        "cancelled", "canceled", "updated", "written", "accepted", "done", "ordered", "dispatched", "paid",
    }
)  # fmt: skip
_ID_KEYS = ("ticket", "receipt", "confirmation", "reference")
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
NOTE = "hint_contradicted"


def name_words(name: str) -> list[str]:
    """The words of a tool's name, lower case (`sendRecall`, `send_recall`, `send-recall` -> send, recall)."""
    return [w.lower() for w in _WORD.findall(name)]


def _first_verb(description: str) -> str:
    words = re.findall(r"[A-Za-z]+", description[:80])
    if not words:
        return ""
    w = str(words[0]).lower()
    if w.endswith("es") and w[:-2] in _DESCRIPTION_VERBS:  # "Dispatches", "Publishes"
        return "" if w[:-2] in _NOUNS else w[:-2]
    if w.endswith("s") and w[:-1] in _DESCRIPTION_VERBS:
        return "" if w[:-1] in _NOUNS else w[:-1]
    return w


def contradiction(tool: Any, hint: str = "readOnlyHint") -> str | None:
    """Why the tool's `hint` (readOnlyHint or idempotentHint) is not trusted, or None."""
    name = str(getattr(tool, "name", "") or "")
    words = WRITE_WORDS if hint == "readOnlyHint" else ADDING_WORDS
    said = name_words(name)
    if not READ_VERBS.intersection(said):
        for k, w in enumerate(said):
            # a word that is as often a noun names the thing when it ends the name ("library_book")
            if w in words and not (w in _NOUNS and k == len(said) - 1):
                return f"its name {name!r} says {w!r}"
    verb = _first_verb(str(getattr(tool, "description", "") or ""))
    if verb in (_DESCRIPTION_VERBS if hint == "readOnlyHint" else ADDING_WORDS):
        return f"its description starts with {verb!r}"
    meta = getattr(tool, "metadata", None)
    noted = meta.get(NOTE) if isinstance(meta, dict) else None
    return str(noted) if noted else None


def _receipt(data: Any, arguments: Mapping[str, Any]) -> str | None:
    if not isinstance(data, dict):
        return None
    given = {str(v) for v in arguments.values() if isinstance(v, (str, int)) and not isinstance(v, bool)}
    new_id = next(
        (
            k
            for k, v in data.items()
            if isinstance(v, (str, int))
            and not isinstance(v, bool)
            and str(v) not in given
            and (k.lower() == "id" or k.lower().endswith("_id") or any(x in k.lower() for x in _ID_KEYS))
        ),
        None,
    )
    if new_id is None:
        return None
    done = next(
        (str(v) for v in data.values() if isinstance(v, str) and v.strip().lower() in RECEIPT_WORDS),
        None,
    )
    return f"a result of it was a receipt (a new {new_id!r}, {done!r})" if done is not None else None


def apply_note(tool: Any, why: str) -> None:
    """Mark `tool` as contradicting its hints (a stored note, applied when the tool is registered again)."""
    meta = getattr(tool, "metadata", None)
    if isinstance(meta, dict) and not meta.get(NOTE):
        meta[NOTE] = why


def note_result(tool: Any, arguments: Mapping[str, Any], result: str) -> str | None:
    """After a call: a tool that claims to read (or to be idempotent) and returned a receipt is noted.

    Returns why when this result is the one that took the trust away (the caller stores it), else None."""
    meta = getattr(tool, "metadata", None)
    ann = meta.get("annotations") if isinstance(meta, dict) else None
    if not isinstance(ann, Mapping) or meta is None or meta.get(NOTE):
        return None
    if ann.get("readOnlyHint") is not True and ann.get("idempotentHint") is not True:
        return None
    try:
        data = json.loads(result)
    except (ValueError, TypeError):
        return None
    why = _receipt(data, arguments)
    if why is not None:
        meta[NOTE] = why
    return why
