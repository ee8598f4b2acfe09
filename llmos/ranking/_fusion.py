"""BM25 (`bm25s`) over token lists, fused by reciprocal rank (RRF) with embedding rankings.

    index = HybridIndex(corpus_tokens, channels=[Channel(embedder, vectors, weight=1.5)], rrf_k=10)
    fused, lexical = index.scores(query_stems, query_text, related=more_stems)

`lexical` is the BM25 score of each document for the query's own terms plus, at
`related_weight`, for related terms (a lexicon's synonyms). `fused` adds, for each ranking, its
weight times 1/(rrf_k + rank): the lexical ranking counts only documents with a lexical match, an
embedding ranking counts every document (or its `embed_top` best). With `fusion="convex"` the
scores themselves are added instead, each scaled to [0, 1] over the documents. A tiny multiple of the lexical
score breaks ties, so a keyword match stays above a merely similar document.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from llmos.exceptions import ConfigError

if TYPE_CHECKING:
    import numpy as np

    from llmos.ranking._embed import Embedder


FUSIONS = ("rrf", "convex")


@dataclass
class Channel:
    """One embedding ranking: the model, the documents' vectors (one row each) and its weight."""

    embedder: Embedder
    vectors: np.ndarray
    weight: float = 1.0


def rrf(values: np.ndarray, k: float, mask: np.ndarray | None = None, top: int | None = None) -> np.ndarray:
    """Reciprocal-rank scores 1/(k + rank) of `values` (rank 1 = highest); entries outside `mask`
    or beyond the `top` best score 0."""
    import numpy as np

    order = np.argsort(-values, kind="stable")
    ranks = np.empty(len(values), dtype="float64")
    ranks[order] = np.arange(1, len(values) + 1)
    out = 1.0 / (k + ranks)
    if mask is not None:
        out = np.where(mask, out, 0.0)
    if top is not None:
        out = np.where(ranks <= top, out, 0.0)
    return np.asarray(out, dtype="float64")


class HybridIndex:
    """An index over a fixed list of documents given as token lists; rebuild it when they change."""

    def __init__(
        self,
        corpus: Sequence[Sequence[str]],
        channels: Sequence[Channel] = (),
        *,
        rrf_k: float = 60.0,
        lexical_weight: float = 1.0,
        related_weight: float = 0.4,
        fusion: str = "rrf",
    ) -> None:
        import logging

        from llmos.ranking._bm25 import import_bm25s

        bm25s = import_bm25s("search")  # without scipy, unless the process has it already

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets DEBUG on its own logger
        self.size = len(corpus)
        self._bm25 = bm25s.BM25()
        if self.size:
            self._bm25.index([list(doc) or [""] for doc in corpus], show_progress=False)
        self.channels = list(channels)
        self.rrf_k = rrf_k
        self.lexical_weight = lexical_weight
        self.related_weight = related_weight
        if fusion not in FUSIONS:
            raise ConfigError(f"unknown fusion {fusion!r}: expected one of {', '.join(FUSIONS)}")
        self.fusion = fusion

    def bm25(self, terms: Sequence[str]) -> np.ndarray:
        """BM25 score of every document for `terms` (terms unknown to the corpus are ignored)."""
        import numpy as np

        vocab = self._bm25.vocab_dict if self.size else {}
        # bm25s keeps "" in its vocabulary without a column for it: an empty term would make it raise
        known = [t for t in dict.fromkeys(terms) if t and t in vocab]
        if not known:
            return np.zeros(self.size, dtype="float64")
        return np.asarray(self._bm25.get_scores(known), dtype="float64")

    def lexical(self, terms: Sequence[str], related: Sequence[str] = ()) -> np.ndarray:
        score = self.bm25(terms)
        if related and self.related_weight:
            score = score + self.related_weight * self.bm25(related)
        return score

    def scores(
        self, terms: Sequence[str], query: str, *, related: Sequence[str] = (), embed_top: int | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(fused, lexical) scores of every document for a query (its stems and its text)."""
        lexical = self.lexical(terms, related)
        if not self.channels or not self.size:
            return lexical.copy(), lexical
        convex = self.fusion == "convex"
        fused = self.lexical_weight * (_unit(lexical) if convex else rrf(lexical, self.rrf_k, mask=lexical > 0))
        for ch in self.channels:
            cosine = ch.vectors @ ch.embedder.query(query)
            fused = fused + ch.weight * (_unit(cosine) if convex else rrf(cosine, self.rrf_k, top=embed_top))
        return fused + 1e-6 * lexical, lexical


def _unit(values: np.ndarray) -> np.ndarray:
    """`values` scaled to [0, 1] by their minimum and maximum (all 0 when they are equal)."""
    import numpy as np

    low, high = float(values.min()), float(values.max())
    if high <= low:
        return np.zeros(len(values), dtype="float64")
    return np.asarray((values - low) / (high - low), dtype="float64")
