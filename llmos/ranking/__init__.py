"""Hybrid text ranking shared by tool search and memory: BM25 fused with small embeddings.

    from llmos.ranking import HybridIndex, Channel, stems, related, embedder
    index = HybridIndex([stems(t) for t in texts], [Channel(e, e.documents(texts))])
    fused, lexical = index.scores(stems(q), q, related=related(stems(q)))

A low layer: it imports nothing of the package but `llmos.exceptions`, so `tools` and `memory`
both build on it. Heavy imports (bm25s, numpy, the models) happen on first use.
"""

from llmos.ranking._embed import MODELS, E5Embedder, Embedder, WordLlamaEmbedder, available, embedder, installed_models
from llmos.ranking._fusion import Channel, HybridIndex, rrf
from llmos.ranking._text import STOPWORDS, related, stem_words, stems, words

__all__ = [
    "MODELS",
    "STOPWORDS",
    "Channel",
    "E5Embedder",
    "Embedder",
    "HybridIndex",
    "WordLlamaEmbedder",
    "available",
    "embedder",
    "installed_models",
    "related",
    "rrf",
    "stem_words",
    "stems",
    "words",
]
