"""The ranking behind `ToolSearch`: BM25 over tool fields, fused with embeddings (`llmos.ranking`).

    ranker = Ranker(docs, params=True, embedders=[(E5Embedder(), 1.0)])
    ranker.rank("restart the api deployment", limit=5)   # -> [(doc index, score), ...]

Fields: the name's words (split on _ . - and camelCase; a server prefix counted once, the
tool's own words `name_weight` times), the description and, with `params`, the parameter names
and descriptions. Words are stemmed (Snowball). The query is widened by a small general lexicon
of related words (`llmos.ranking.related`) at a lower weight. With embedders, the BM25 ranking and
each embedding's cosines are fused: each scaled to [0, 1] over the catalog and added (the bench
compares this with reciprocal-rank fusion). An exact name, or a name suffix (`add`
for `calc__add`), ranks above every other match; a query that names a server (`on GitHub`) lifts
that server's tools a little.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from llmos.ranking import Channel, Embedder, HybridIndex, related, stems, words

if TYPE_CHECKING:
    import numpy as np

EXACT_BONUS = 1000.0
SUFFIX_BONUS = 500.0


@dataclass(frozen=True)
class Doc:
    """What the ranker knows of one tool."""

    name: str
    description: str
    params: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class RankOptions:
    """The knobs of the method (the defaults are the shipped method; the bench varies them)."""

    name_weight: int = 2
    split_server: bool = True  # `srv__tool`: the server's words once, the tool's words name_weight times
    related: bool = True  # widen the query with the lexicon's related words
    related_weight: float = 0.4
    rrf_k: float = 10.0  # with fusion="rrf"
    embed_weight: float = 1.0  # per embedding model, against 1.0 for BM25
    embed_params: bool = False  # parameter names in the text the embedding model sees
    fusion: str = "convex"  # scores scaled to [0, 1] and added, or "rrf" (`llmos.ranking.HybridIndex`)
    # added to every tool of a server the query names (`github`, `google maps`), as a fraction of
    # the query's best score; small, as a server may have a generic name (`memory`, `fetch`)
    server_prior: float = 0.1


def doc_of(name: str, description: str, schema: dict[str, Any]) -> Doc:
    props = schema.get("properties") if isinstance(schema, dict) else None
    params = []
    if isinstance(props, dict):
        for pname, p in props.items():
            desc = p.get("description", "") if isinstance(p, dict) else ""
            params.append((str(pname), str(desc or "")))
    return Doc(name, description, tuple(params))


def _split_name(name: str) -> tuple[str, str]:
    """(server part, tool part) of `server__tool`; no server part for other names."""
    server, sep, tool = name.partition("__")
    return (server, tool) if sep and tool else ("", name)


def doc_text(doc: Doc, *, params: bool = False) -> str:
    """The text an embedding model sees for a tool."""
    server, tool = _split_name(doc.name)
    tool_words = [w for w in words(tool) if w not in set(words(server))]
    head = " ".join(words(server) + tool_words)
    text = f"{head}: {doc.description}"
    if params and doc.params:
        text += " (" + ", ".join(" ".join(words(p)) for p, _ in doc.params) + ")"
    return text


def _terms(doc: Doc, params: bool, opts: RankOptions) -> list[str]:
    if opts.split_server:
        server, tool = _split_name(doc.name)
        server_stems = stems(server)
        tool_stems = [s for s in stems(tool) if s not in server_stems]  # slack__slack_post: slack once
        terms = server_stems + tool_stems * opts.name_weight
    else:
        terms = stems(doc.name) * opts.name_weight
    terms += stems(doc.description)
    if params:
        for pname, pdesc in doc.params:
            terms += stems(pname) + stems(pdesc)
    return terms


class Ranker:
    """BM25 over a fixed list of docs, optionally fused with embeddings."""

    def __init__(
        self,
        docs: Sequence[Doc],
        *,
        params: bool = True,
        embedders: Sequence[Embedder] = (),
        options: RankOptions | None = None,
    ) -> None:
        self.docs = list(docs)
        self.options = opts = options or RankOptions()
        texts = [doc_text(d, params=opts.embed_params) for d in self.docs]
        channels = [Channel(e, e.documents(texts), opts.embed_weight) for e in embedders] if self.docs else []
        self._index = HybridIndex(
            [_terms(d, params, opts) for d in self.docs],
            channels,
            rrf_k=opts.rrf_k,
            related_weight=opts.related_weight if opts.related else 0.0,
            fusion=opts.fusion,
        )
        self._names = [d.name.lower() for d in self.docs]
        self._servers = [tuple(stems(_split_name(d.name)[0])) for d in self.docs]

    @property
    def embedders(self) -> list[Embedder]:
        return [ch.embedder for ch in self._index.channels]

    def _bonus(self, q: str) -> np.ndarray:
        import numpy as np

        bonus = np.zeros(len(self.docs))
        for i, name in enumerate(self._names):
            if name == q:
                bonus[i] = EXACT_BONUS
            elif name.endswith(q) and name[-len(q) - 1] in "_.-":
                bonus[i] = SUFFIX_BONUS
        return bonus

    def rank(self, query: str, limit: int) -> list[tuple[int, float]]:
        """(doc index, score) of the best docs, best first; only docs with a keyword or name match,
        unless embeddings are on (then every doc has a semantic score)."""
        import numpy as np

        q = query.strip().lower()
        if not q or limit <= 0 or not self.docs:
            return []
        terms = stems(query)
        fused, _ = self._index.scores(terms, query, related=related(terms) if self.options.related else ())
        score = fused + self._bonus(q)
        if self.options.server_prior:
            named = set(terms)
            prior = [bool(srv) and named.issuperset(srv) for srv in self._servers]
            top = float(fused.max()) if len(fused) else 0.0  # relative to this query's best, whatever the fusion
            score = score + self.options.server_prior * max(top, 0.0) * np.asarray(prior, dtype="float64")
        order = np.lexsort((np.array(self._names), -score))
        return [(int(i), float(score[i])) for i in order[:limit] if score[i] > 0]
