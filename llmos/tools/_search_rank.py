"""The ranking behind `ToolSearch`: BM25 (`bm25s`) over tool fields, optionally fused with embeddings.

    ranker = Ranker(docs, params=True, embedder=None)
    ranker.rank("restart the api deployment", limit=5)   # -> [(doc index, score), ...]

Fields: the name's words (split on _ . - and camelCase, weighted double), the description and,
with `params`, the parameter names and descriptions. Words are stemmed (Snowball, `PyStemmer`).
With an embedder the BM25 ranking and the cosine ranking are fused by reciprocal rank (RRF).
An exact name, or a name suffix (`add` for `calc__add`), ranks above every other match.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol

from llmos.exceptions import MissingDependency

if TYPE_CHECKING:
    import numpy as np

NAME_WEIGHT = 2
EXACT_BONUS = 1000.0
SUFFIX_BONUS = 500.0
RRF_K = 10
EMBED_WEIGHT = 1.5

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_WORD = re.compile(r"[a-z0-9]+")
STOPWORDS = frozenset(
    {"a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it", "of"}
    | {"on", "or", "that", "the", "this", "to", "with", "me", "my", "i", "what", "which", "do", "does"}
    | {"we", "our", "you", "your", "can", "some", "all", "any", "s", "t", "how", "there"}
)


@dataclass(frozen=True)
class Doc:
    """What the ranker knows of one tool."""

    name: str
    description: str
    params: tuple[tuple[str, str], ...] = ()


class Embedder(Protocol):
    """Embeds texts to L2-normalised rows (documents and queries may be embedded differently)."""

    def documents(self, texts: Sequence[str]) -> np.ndarray: ...

    def query(self, text: str) -> np.ndarray: ...


def words(text: str) -> list[str]:
    """Lower-case words of a name or a sentence: `readFile`, `read_file`, `fs.read-file` -> read, file."""
    spaced = _CAMEL.sub(" ", text.replace("_", " ").replace(".", " ").replace("-", " "))
    return [w for w in _WORD.findall(spaced.lower()) if w not in STOPWORDS]


@cache
def _stemmer() -> Any:
    try:
        import Stemmer
    except ImportError as e:
        raise MissingDependency("PyStemmer", "search") from e
    return Stemmer.Stemmer("english")


def stems(text: str) -> list[str]:
    return list(_stemmer().stemWords(words(text)))


def doc_of(name: str, description: str, schema: dict[str, Any]) -> Doc:
    props = schema.get("properties") if isinstance(schema, dict) else None
    params = []
    if isinstance(props, dict):
        for pname, p in props.items():
            desc = p.get("description", "") if isinstance(p, dict) else ""
            params.append((str(pname), str(desc or "")))
    return Doc(name, description, tuple(params))


def doc_text(doc: Doc) -> str:
    """The text an embedding model sees for a tool."""
    return f"{' '.join(words(doc.name))}: {doc.description}"


class Ranker:
    """BM25 over a fixed list of docs, optionally fused with embeddings."""

    def __init__(self, docs: Sequence[Doc], *, params: bool = True, embedder: Embedder | None = None) -> None:
        import logging

        from llmos.tools._bm25 import import_bm25s

        bm25s = import_bm25s("search")

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets DEBUG on its own logger
        self.docs = list(docs)
        corpus = []
        for d in self.docs:
            terms = stems(d.name) * NAME_WEIGHT + stems(d.description)
            if params:
                for pname, pdesc in d.params:
                    terms += stems(pname) + stems(pdesc)
            corpus.append(terms or [""])
        self._bm25 = bm25s.BM25()
        if self.docs:
            self._bm25.index(corpus, show_progress=False)
        self._names = [d.name.lower() for d in self.docs]
        self._embedder = embedder
        self._vectors = embedder.documents([doc_text(d) for d in self.docs]) if embedder and self.docs else None

    def _bm25_scores(self, query: str) -> np.ndarray:
        import numpy as np

        vocab = self._bm25.vocab_dict
        q = [t for t in dict.fromkeys(stems(query)) if t in vocab]
        if not q:
            return np.zeros(len(self.docs), dtype="float32")
        return np.asarray(self._bm25.get_scores(q), dtype="float32")

    def rank(self, query: str, limit: int) -> list[tuple[int, float]]:
        """(doc index, score) of the best docs, best first; only docs with a keyword or name match,
        unless embeddings are on (then every doc has a semantic score)."""
        import numpy as np

        q = query.strip().lower()
        if not q or limit <= 0 or not self.docs:
            return []
        lexical = self._bm25_scores(query)
        if self._vectors is not None and self._embedder is not None:
            cosine = self._vectors @ self._embedder.query(query)
            score = _rrf(lexical, mask=lexical > 0) + EMBED_WEIGHT * _rrf(cosine, mask=None)
            # a keyword match decides ties and keeps a real match above a merely similar one
            score = score + 1e-6 * lexical
        else:
            score = lexical.astype("float64")
        bonus = np.zeros(len(self.docs))
        for i, name in enumerate(self._names):
            if name == q:
                bonus[i] = EXACT_BONUS
            elif name.endswith(q) and name[-len(q) - 1] in "_.-":
                bonus[i] = SUFFIX_BONUS
        score = score + bonus
        order = np.lexsort((np.array(self._names), -score))
        return [(int(i), float(score[i])) for i in order[:limit] if score[i] > 0]


def _rrf(values: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    """Reciprocal-rank scores 1/(k + rank) of `values` (masked-out entries score 0)."""
    import numpy as np

    order = np.argsort(-values, kind="stable")
    ranks = np.empty(len(values), dtype="float64")
    ranks[order] = np.arange(1, len(values) + 1)
    out = 1.0 / (RRF_K + ranks)
    if mask is not None:
        out = np.where(mask, out, 0.0)
    return out
