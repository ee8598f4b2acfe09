"""The features and helpers of `tool_search_rerank.py`: per-query inputs, the catalog's structure
(fields, action words, name nouns, servers), each reranking feature, a softmax ranking model, typo
correction and weighted wordllama pooling. Bench code only (see that script's docstring).
"""

from __future__ import annotations

import math
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np

from llmos.ranking import E5Embedder, HybridIndex, related, stem_words, stems, words
from llmos.ranking._text import SYNONYM_GROUPS
from llmos.tools._search_rank import Ranker, _split_name

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
