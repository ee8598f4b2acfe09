"""Tool search: find tools by name or keyword, so a run can offer only the tools it needs.

    finder = ToolSearch(registry)
    finder.search("read a file")                    # -> [Tool, ...], best first
    registry.register(finder.search_tool(on_found=offer_next_turn))

Scoring is BM25 over the words of tool names (split on _ . - and camelCase; weighted double) and
descriptions, with a small credit for word prefixes; an exact name or a name suffix match
(`add` for `calc__add`) ranks above any keyword match.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from llmos.tools.base import Tool, ToolOutput, function_tool
from llmos.tools.registry import ToolRegistry

SEARCH_TOOL_NAME = "tool_search"
SEARCH_TOOL_DESCRIPTION = "Search for tools by name or keyword; matching tools become available for your next call."
K1 = 1.2
B = 0.75
NAME_WEIGHT = 2
PREFIX_CREDIT = 0.5
EXACT_BONUS = 1000.0
SUFFIX_BONUS = 500.0
MAX_DESCRIPTION = 500

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_WORD = re.compile(r"[a-z0-9]+")
STOPWORDS = frozenset(
    {"a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it", "of"}
    | {"on", "or", "that", "the", "this", "to", "with"}
)


def _stem(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def tokenize(text: str) -> list[str]:
    """Lower-case words of a name or sentence: `readFile`, `read_file`, `fs.read-file` -> read, file."""
    spaced = _CAMEL.sub(" ", text.replace("_", " ").replace(".", " ").replace("-", " "))
    return [_stem(w) for w in _WORD.findall(spaced.lower()) if w not in STOPWORDS]


@dataclass
class _Doc:
    tool: Tool
    terms: Counter[str]
    length: int


class ToolSearch:
    """Keyword search over a registry (or a fixed list of tools); always reflects the current tools."""

    def __init__(self, registry: ToolRegistry | Iterable[Tool]) -> None:
        self._registry = registry if isinstance(registry, ToolRegistry) else None
        self._fixed = None if isinstance(registry, ToolRegistry) else list(registry)
        self._key: tuple[tuple[int, str, str], ...] = ()
        self._docs: list[_Doc] = []
        self._df: Counter[str] = Counter()
        self._avg = 1.0

    def _tools(self) -> list[Tool]:
        tools = list(self._registry) if self._registry is not None else list(self._fixed or [])
        return [t for t in tools if t.name != SEARCH_TOOL_NAME]

    def _index(self) -> list[_Doc]:
        tools = self._tools()
        key = tuple((id(t), t.name, t.description) for t in tools)
        if key != self._key:
            docs = []
            for t in tools:
                terms = Counter(tokenize(t.name) * NAME_WEIGHT + tokenize(t.description))
                docs.append(_Doc(t, terms, sum(terms.values())))
            self._docs, self._key = docs, key
            self._df = Counter(term for d in docs for term in d.terms)
            self._avg = (sum(d.length for d in docs) / len(docs)) if docs else 1.0
        return self._docs

    def _bm25(self, doc: _Doc, words: list[str], n: int) -> float:
        score = 0.0
        for word in words:
            tf = float(doc.terms.get(word, 0))
            df = self._df.get(word, 0)
            if not tf and len(word) >= 3:  # a word prefix: "calc" for "calculate"
                prefixed = [t for t in doc.terms if t.startswith(word)]
                if prefixed:
                    tf = PREFIX_CREDIT * sum(doc.terms[t] for t in prefixed)
                    df = max(self._df[t] for t in prefixed)
            if not tf:
                continue
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            score += idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * doc.length / self._avg))
        return score

    def search(self, query: str, limit: int = 5) -> list[Tool]:
        """The best matching tools, best first (at most `limit`; none when nothing matches)."""
        docs = self._index()
        q = query.strip().lower()
        if not q or limit <= 0:
            return []
        words = list(dict.fromkeys(tokenize(query)))
        scored: list[tuple[float, str, Tool]] = []
        for doc in docs:
            name = doc.tool.name.lower()
            score = self._bm25(doc, words, len(docs))
            if name == q:
                score += EXACT_BONUS
            elif name.endswith(q) and name[-len(q) - 1] in "_.-":
                score += SUFFIX_BONUS
            if score > 0:
                scored.append((score, doc.tool.name, doc.tool))
        scored.sort(key=lambda s: (-s[0], s[1]))
        return [t for _, _, t in scored[:limit]]

    def search_tool(self, on_found: Callable[[list[str]], None], *, limit: int = 5) -> Tool:
        """A `tool_search` tool: returns [{name, description}] and tells `on_found` the matched names."""

        async def tool_search(query: str) -> ToolOutput:
            """Search for tools.

            Args:
                query: a tool name or a few keywords describing what the tool should do
            """
            found = self.search(query, limit)
            names = [t.name for t in found]
            on_found(names)
            listing = [{"name": t.name, "description": _short(t.description)} for t in found]
            return ToolOutput(json.dumps(listing, ensure_ascii=False), data=names)

        return function_tool(tool_search, name=SEARCH_TOOL_NAME, description=SEARCH_TOOL_DESCRIPTION, source="builtin")


def _short(text: str) -> str:
    return text if len(text) <= MAX_DESCRIPTION else text[: MAX_DESCRIPTION - 1] + "…"
