"""The label audit of the tool-search queries: one written rule, applied to every query alike.

Rule: a query that names no server is answered equally well by a tool of another server of the
same kind that does the same thing under the same name. So when a query names no server, its
relevant set is widened by every tool that
- has the same own name as a labelled tool (the part after `server__`, without the words of its
  server's name), of at least two words (an action and its object: `create issue`, not `search`),
- and belongs to a server of a kind the labelled tool's server also has (`KINDS` below: code
  hosting, chat, trackers, ...).
`github__create_issue`, `gitlab__create_issue`, `linear__create_issue` and
`jira__jira_create_issue` are all `create issue` of trackers; `slack__slack_add_reaction` and
`discord__add_reaction` are both `add reaction` of chat; Sentry's `list_issues` (error groups) is
not GitHub's. A query names a server when it contains every word of the server's name (`google
calendar`) or one of the product's usual short names (`ALIASES`). `KINDS` and `ALIASES` were
written from what the products are, not from the queries. Nothing else is changed: a query that
names a server keeps its labels, and tools with different names are never added, however close.

    from bench.tool_catalog.audit import audited
    queries = audited(QUERIES, catalog_names)   # same queries, widened `a|b|...` labels
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

# the products' usual short names and spellings (not every server has one)
ALIASES: dict[str, tuple[str, ...]] = {
    "kubernetes": ("k8s", "kubectl", "helm"),
    "postgres": ("postgresql", "psql"),
    "mongodb": ("mongo",),
    "elasticsearch": ("elastic",),
    "github": ("gh",),
    "google_calendar": ("gcal",),
    "gdrive": ("drive", "sheets"),
    "brave_search": ("brave",),
    "aws": ("s3", "ec2", "lambda", "cloudwatch", "dynamodb", "sqs", "iam"),
    "google_maps": ("maps",),
}

# what kind of product each server is (a server may be of several kinds)
KINDS: dict[str, tuple[str, ...]] = {
    "code": ("git", "github", "gitlab"),
    "tracker": ("github", "gitlab", "jira", "linear", "asana", "todoist"),
    "chat": ("slack", "discord", "teams"),
    "sql": ("postgres", "sqlite", "mysql"),
    "containers": ("kubernetes", "docker"),
    "cloud": ("aws", "cloudflare", "vercel"),
    "web": ("fetch", "brave_search", "firecrawl", "playwright"),
    "notes": ("confluence", "notion", "obsidian", "gdrive"),
    "mail": ("gmail", "outlook"),
    "calendar": ("google_calendar", "outlook"),
    "monitoring": ("sentry", "pagerduty", "grafana", "datadog"),
    "commerce": ("stripe", "shopify"),
    "crm": ("salesforce", "hubspot", "zendesk", "intercom"),
}

_WORD = re.compile(r"[a-z0-9]+")


def _words(text: str) -> list[str]:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", text)
    return _WORD.findall(spaced.lower())


def own_name(name: str) -> str:
    """`server__server_do_thing` -> `do thing`: the tool's name without its server's words."""
    server, _, tool = name.partition("__")
    drop = set(_words(server))
    return " ".join(w for w in _words(tool) if w not in drop)


def _kinds(name: str) -> set[str]:
    server = name.partition("__")[0]
    return {kind for kind, servers in KINDS.items() if server in servers}


def names_a_server(query: str, servers: Iterable[str]) -> bool:
    said = set(_words(query))
    return any(set(_words(server)) <= said or said & set(ALIASES.get(server, ())) for server in servers)


def widen(query: str, expected: str, names: Sequence[str]) -> str:
    """The audited label of one query (`a|b|...`, labelled tools first)."""
    servers = {n.partition("__")[0] for n in names}
    if names_a_server(query, servers):
        return expected
    by_own: dict[str, list[str]] = defaultdict(list)
    for n in names:
        by_own[own_name(n)].append(n)
    labelled = expected.split("|")
    more = [
        n
        for t in labelled
        if len(own_name(t).split()) >= 2
        for n in by_own[own_name(t)]
        if n not in labelled and _kinds(n) & _kinds(t)
    ]
    return "|".join(dict.fromkeys(labelled + more))


def audited(queries: Sequence[tuple[str, str]], names: Sequence[str]) -> list[tuple[str, str]]:
    return [(q, widen(q, e, names)) for q, e in queries]


__all__ = ["ALIASES", "KINDS", "audited", "names_a_server", "own_name", "widen"]
