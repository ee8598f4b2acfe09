"""wordllama's query embedding without loading wordllama: same vectors, a fraction of the start-up.

`wordllama.WordLlama.load()` imports the package (requests, safetensors, its Cython helpers),
builds a `tokenizers.Tokenizer` from a 1.8 MB JSON file and converts the whole 32,000 x 256
float16 matrix to float32: about 0.8 s of CPU before the first query. A query needs only a few
rows of that matrix. `QueryEmbedder` reads the same bundled files: the tokenizer's vocabulary and
merges (a plain Llama BPE: `▁` prepended, spaces as `▁`, byte fallback, no pre-tokenizer), and
the weights memory-mapped straight from the `.safetensors` file (an 8-byte header length, a JSON
header, raw little-endian data). The vector is computed as `WordLlamaInference.embed` does it
(rows as float32, masked sum in float32, divided by the token count), so it is bit-for-bit the
same; tests/test_tool_search_cache.py checks that against wordllama itself.

Anything this module does not recognise (another tokenizer layout, a text containing a special
token such as `<s>`) raises `Unsupported`, and the caller falls back to wordllama.
"""

from __future__ import annotations

import importlib.util
import json
import struct
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

CONFIG = "l2_supercat"  # the configuration `WordLlama.load()` uses by default
DIM = 256
SPACE = "\u2581"  # ▁


class Unsupported(Exception):
    """The fast path cannot reproduce wordllama here; use wordllama itself."""


def package_dir() -> Path | None:
    spec = importlib.util.find_spec("wordllama")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _weights(path: Path) -> np.ndarray:
    """The `embedding.weight` tensor of a safetensors file, memory-mapped (float16, read-only)."""
    import numpy as np

    with path.open("rb") as f:
        (size,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(size))
    meta = header.get("embedding.weight")
    if not isinstance(meta, dict) or meta.get("dtype") != "F16":
        raise Unsupported(f"unexpected tensor layout in {path}")
    start, end = meta["data_offsets"]
    shape = tuple(meta["shape"])
    if len(shape) != 2 or end - start != shape[0] * shape[1] * 2:
        raise Unsupported(f"unexpected tensor shape in {path}")
    return np.memmap(path, dtype="<f2", mode="r", offset=8 + size + start, shape=shape)


def _check_tokenizer(spec: dict[str, Any]) -> None:
    model = spec.get("model") or {}
    normalizer = spec.get("normalizer") or {}
    expected = [
        {"type": "Prepend", "prepend": SPACE},
        {"type": "Replace", "pattern": {"String": " "}, "content": SPACE},
    ]
    if (
        model.get("type") != "BPE"
        or not model.get("byte_fallback")
        or model.get("dropout") is not None
        or model.get("ignore_merges")
        or model.get("continuing_subword_prefix")
        or model.get("end_of_word_suffix")
        or spec.get("pre_tokenizer") is not None
        or normalizer.get("type") != "Sequence"
        or normalizer.get("normalizers") != expected
    ):
        raise Unsupported("the bundled tokenizer is not the plain Llama BPE this module implements")


class QueryEmbedder:
    """Embeds one text as `WordLlama.load().embed([text])[0]` would (not normalised)."""

    def __init__(self, home: Path | None = None) -> None:
        home = home or package_dir()
        if home is None:
            raise Unsupported("wordllama is not installed")
        tokenizer = home / "tokenizers" / f"{CONFIG}_tokenizer_config.json"
        try:
            spec = json.loads(tokenizer.read_text(encoding="utf-8"))
            _check_tokenizer(spec)
            self.matrix = _weights(home / "weights" / f"{CONFIG}_{DIM}.safetensors")
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise Unsupported(f"cannot read wordllama's bundled files: {e}") from e
        model = spec["model"]
        self.vocab: dict[str, int] = model["vocab"]
        if any(" " in token for token in self.vocab):
            raise Unsupported("a token holds a space: merges cannot be keyed by 'left right'")
        # merges are "left right" (older files) or [left, right]; keyed as "left right"
        merges = model["merges"]
        self.ranks: dict[str, int] = {m if isinstance(m, str) else " ".join(m): i for i, m in enumerate(merges)}
        self.special = [t["content"] for t in spec.get("added_tokens") or []]
        self.unk = model.get("unk_token")

    def _symbols(self, text: str) -> list[str]:
        out: list[str] = []
        for ch in text:
            if ch in self.vocab:
                out.append(ch)
                continue
            fallback = [f"<0x{b:02X}>" for b in ch.encode("utf-8")]
            if all(t in self.vocab for t in fallback):
                out.extend(fallback)
            else:  # fuse_unk: one unknown token for a run of unknown characters
                if self.unk is None:
                    raise Unsupported("a character without a token and no unknown token")
                if not out or out[-1] != self.unk:
                    out.append(self.unk)
        return out

    def tokens(self, text: str) -> list[int]:
        """The token ids of `text` (no special tokens added), as `tokenizers` gives them."""
        if any(s and s in text for s in self.special):
            raise Unsupported("the text contains a special token")
        if not text:
            return []
        symbols = self._symbols(SPACE + text.replace(" ", SPACE))
        ranks = self.ranks
        while len(symbols) > 1:
            best, at = None, -1
            for i in range(len(symbols) - 1):
                rank = ranks.get(symbols[i] + " " + symbols[i + 1])
                if rank is not None and (best is None or rank < best):
                    best, at = rank, i
            if best is None:
                break
            merged = symbols[at] + symbols[at + 1]
            if merged not in self.vocab:
                raise Unsupported(f"merge result {merged!r} is not in the vocabulary")
            symbols[at : at + 2] = [merged]
        return [self.vocab[s] for s in symbols]

    def embed(self, text: str) -> np.ndarray:
        import numpy as np

        ids = np.array([self.tokens(text)], dtype=np.int32).reshape(1, -1)
        np.clip(ids, 0, self.matrix.shape[0] - 1, out=ids)
        x = np.asarray(self.matrix[ids.reshape(-1)], dtype=np.float32).reshape(1, ids.shape[1], self.matrix.shape[1])
        mask = np.ones(ids.shape, dtype=np.float32)
        mask_sum = np.maximum(mask.sum(axis=1, keepdims=True), 1.0).astype(np.float32)
        pooled = np.sum(x * mask[..., np.newaxis], axis=1, dtype=np.float32) / mask_sum
        return np.asarray(pooled[0], dtype=np.float32)


__all__ = ["QueryEmbedder", "Unsupported", "package_dir"]
