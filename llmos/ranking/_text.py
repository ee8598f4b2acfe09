"""Words of names and sentences, their stems, and a small general lexicon of related words.

`words` splits identifiers (snake_case, camelCase, kebab-case, dotted and `server__tool` names)
and sentences alike, lower-cased, without stop words. `stems` adds Snowball stemming
(`PyStemmer`). `related` gives, for the stems of a query, the stems of words that often name the
same action or thing in tool and API descriptions (create/add/new, delete/remove, ...): a general
lexicon of software vocabulary, used to widen a query at a lower weight than its own words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any

from llmos.exceptions import MissingDependency

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_WORD = re.compile(r"[a-z0-9]+")
STOPWORDS = frozenset(
    {"a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it", "of"}
    | {"on", "or", "that", "the", "this", "to", "with", "me", "my", "i", "what", "which", "do", "does"}
    | {"we", "our", "you", "your", "can", "some", "all", "any", "s", "t", "how", "there"}
)

# Groups of words that name the same action or object in software tools and APIs. General
# vocabulary (CRUD verbs, messaging, media, scheduling), not drawn from any benchmark's queries.
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("create", "add", "new", "make", "insert", "register"),
    ("delete", "remove", "erase", "drop", "destroy", "purge", "discard"),
    ("get", "fetch", "retrieve", "read", "show", "view", "display", "open", "load", "look"),
    ("list", "enumerate", "browse", "index"),
    ("search", "find", "lookup", "query", "locate", "look"),
    ("update", "modify", "change", "edit", "set", "alter", "patch"),
    ("send", "post", "deliver", "submit", "dispatch"),
    ("run", "execute", "start", "launch", "trigger", "invoke"),
    ("stop", "halt", "cancel", "terminate", "kill", "abort", "end"),
    ("copy", "duplicate", "clone", "replicate"),
    ("move", "rename", "relocate", "transfer"),
    ("upload", "push", "put"),
    ("download", "pull", "export", "save"),
    ("write", "save", "store", "persist", "record"),
    ("combine", "merge", "join", "concatenate"),
    ("split", "divide", "separate"),
    ("image", "picture", "photo", "screenshot", "graphic"),
    ("file", "document"),
    ("folder", "directory", "dir"),
    ("message", "note", "chat", "text"),
    ("email", "mail", "inbox"),
    ("error", "exception", "failure", "crash", "fault"),
    ("log", "logs", "output"),
    ("user", "account", "member", "person", "profile"),
    ("meeting", "event", "appointment", "calendar"),
    ("ticket", "issue", "bug"),
    ("payment", "charge", "invoice", "billing"),
    ("check", "verify", "validate", "inspect"),
    ("summary", "overview", "stats", "statistics", "metrics"),
    ("undo", "revert", "rollback", "restore", "reset"),
    ("approve", "accept", "confirm", "acknowledge"),
    ("schedule", "plan", "book"),
    ("convert", "transform", "translate"),
    ("archive", "backup"),
    ("permission", "access", "role", "allowed"),
)


def words(text: str) -> list[str]:
    """Lower-case words of a name or a sentence: `readFile`, `read_file`, `fs.read-file` -> read, file."""
    spaced = _CAMEL.sub(" ", re.sub(r"[_.\-/:]", " ", text))
    return [w for w in _WORD.findall(spaced.lower()) if w not in STOPWORDS]


@cache
def _stemmer() -> Any:
    try:
        import Stemmer
    except ImportError as e:
        raise MissingDependency("PyStemmer", "search") from e
    return Stemmer.Stemmer("english")


def stem_words(items: Iterable[str]) -> list[str]:
    return list(_stemmer().stemWords(list(items)))


def stems(text: str) -> list[str]:
    """Stemmed words of a name or sentence."""
    return stem_words(words(text))


@cache
def _lexicon() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for group in SYNONYM_GROUPS:
        stemmed = set(stem_words(group))
        for s in stemmed:
            out.setdefault(s, set()).update(stemmed)
    return {k: frozenset(v - {k}) for k, v in out.items()}


def related(query_stems: Iterable[str]) -> list[str]:
    """Stems related to the query's stems by the lexicon, not already in the query."""
    own = list(dict.fromkeys(query_stems))
    lex = _lexicon()
    extra: dict[str, None] = {}
    for s in own:
        for r in sorted(lex.get(s, ())):
            extra.setdefault(r)
    return [r for r in extra if r not in own]
