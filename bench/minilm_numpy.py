"""all-MiniLM-L6-v2 (a 6-layer BERT, mean pooling) in plain numpy, for a bench measurement only.

    model = MiniLM(Path(".../sentence-transformers__all-MiniLM-L6-v2"))   # a sentence-transformers folder
    rows = model.documents(["create an issue", ...])                       # L2-normalised

Reads `model.safetensors` and `tokenizer.json` (the `safetensors` and `tokenizers` packages);
GELU by its tanh approximation. Checked: unrelated sentences come out near 0 cosine, paraphrases
around 0.4-0.9, as with sentence-transformers.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

HEADS = 12
LAYERS = 6


class MiniLM:
    def __init__(self, folder: Path) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        self.w = load_file(str(folder / "model.safetensors"))
        self.tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tok.enable_truncation(256)
        self.tok.no_padding()

    @staticmethod
    def _ln(x: np.ndarray, g: np.ndarray, b: np.ndarray) -> np.ndarray:
        m = x.mean(-1, keepdims=True)
        v = ((x - m) ** 2).mean(-1, keepdims=True)
        return np.asarray((x - m) / np.sqrt(v + 1e-12) * g + b)

    def _lin(self, x: np.ndarray, name: str) -> np.ndarray:
        return np.asarray(x @ self.w[name + ".weight"].T + self.w[name + ".bias"])

    def encode(self, text: str) -> np.ndarray:
        w = self.w
        ids = np.array(self.tok.encode(text).ids)
        n, dim = len(ids), w["embeddings.word_embeddings.weight"].shape[1]
        dh = dim // HEADS
        x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:n]
        x = x + w["embeddings.token_type_embeddings.weight"][0]
        x = self._ln(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        for layer in range(LAYERS):
            p = f"encoder.layer.{layer}."
            q, k, v = (
                self._lin(x, p + f"attention.self.{m}").reshape(n, HEADS, dh).transpose(1, 0, 2)
                for m in ("query", "key", "value")
            )
            a = q @ k.transpose(0, 2, 1) / np.sqrt(dh)
            a = np.exp(a - a.max(-1, keepdims=True))
            a /= a.sum(-1, keepdims=True)
            ctx = (a @ v).transpose(1, 0, 2).reshape(n, dim)
            x = x + self._lin(ctx, p + "attention.output.dense")
            x = self._ln(x, w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"])
            h = self._lin(x, p + "intermediate.dense")
            h = 0.5 * h * (1 + np.tanh(0.7978845608 * (h + 0.044715 * h**3)))
            x = x + self._lin(h, p + "output.dense")
            x = self._ln(x, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])
        e = x.mean(0)
        return np.asarray(e / np.linalg.norm(e), dtype="float32")

    def documents(self, texts: Sequence[str]) -> np.ndarray:
        return np.array([self.encode(t) for t in texts], dtype="float32")

    def query(self, text: str) -> np.ndarray:
        return self.encode(text)
