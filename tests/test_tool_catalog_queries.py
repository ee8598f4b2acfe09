"""The tool-search benchmark's query sets: labels name real tools, and the label audit's rule."""

from __future__ import annotations

import re

from bench.tool_catalog import QUERIES, catalog
from bench.tool_catalog.audit import audited, own_name, widen
from bench.tool_catalog.queries_second import QUERIES_2

NAMES = [n for n, _, _ in catalog()]


def test_second_set_labels_are_catalog_tools_and_new() -> None:
    assert len(QUERIES_2) >= 100
    assert {k for *_, k in QUERIES_2} == {"para", "vague", "kw", "typo"}
    for _, expected, _ in QUERIES_2:
        assert set(expected.split("|")) <= set(NAMES)

    def ws(q: str) -> set[str]:
        return set(re.findall(r"[a-z0-9]+", q.lower()))

    for q2, _, _ in QUERIES_2:  # the rule the set was filtered by: no near-copy of a first-set query
        assert all(len(ws(q) & ws(q2)) / len(ws(q) | ws(q2)) < 0.6 for q, _ in QUERIES)


def test_own_name_drops_the_server_words() -> None:
    assert own_name("jira__jira_create_issue") == "create issue"
    assert own_name("slack__slack_add_reaction") == own_name("discord__add_reaction") == "add reaction"


def test_audit_widens_only_queries_that_name_no_server() -> None:
    label = "github__create_issue"
    widened = widen("report a bug", label, NAMES).split("|")
    assert widened[0] == label
    assert {"gitlab__create_issue", "linear__create_issue", "jira__jira_create_issue"} <= set(widened)
    assert widen("report a bug on GitHub", label, NAMES) == label  # names the server: kept as written
    assert widen("report a bug with gh", label, NAMES) == label  # a product's short name counts too


def test_audit_needs_an_action_and_object_and_the_same_kind_of_server() -> None:
    assert widen("look for it", "confluence__confluence_search", NAMES) == "confluence__confluence_search"
    # Sentry's issues are error groups, not tracker issues: another kind of server
    assert widen("errors in production", "sentry__list_issues", NAMES) == "sentry__list_issues"


def test_audit_keeps_every_query_and_its_labels() -> None:
    out = audited(QUERIES, NAMES)
    assert [q for q, _ in out] == [q for q, _ in QUERIES]
    for (_, before), (_, after) in zip(QUERIES, out, strict=True):
        assert after.split("|")[: len(before.split("|"))] == before.split("|")
