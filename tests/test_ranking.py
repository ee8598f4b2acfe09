"""The shared ranking (`llmos.ranking`): words and stems, the related-words lexicon, BM25 fused
with embeddings (RRF and scaled scores), the bundled embedding models, and its two users."""

from __future__ import annotations

import socket
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest

from llmos.exceptions import ConfigError
from llmos.ranking import Channel, HybridIndex, WordLlamaEmbedder, embedder, related, rrf, stems, words
from llmos.ranking import _embed as embed_mod


def test_words_split_identifiers_and_drop_stop_words() -> None:
    assert words("getHTTPResponse") == ["get", "http", "response"]
    assert words("fs.read-file") == ["fs", "read", "file"]
    assert words("github__create_pull_request") == ["github", "create", "pull", "request"]
    assert words("notion:API/post-search") == ["notion", "api", "post", "search"]
    assert words("Show me the logs of a pod") == ["show", "logs", "pod"]
    assert stems("running containers") == ["run", "contain"]


def test_related_words_come_from_the_lexicon_and_exclude_the_query() -> None:
    extra = related(stems("remove a folder"))
    assert "delet" in extra and "directori" in extra
    assert "remov" not in extra and "folder" not in extra
    assert related(stems("zebra quantum")) == []


class FakeEmbedder:
    """Vectors by keyword: a toy semantic space with a 'meal' axis and a 'money' axis."""

    AXES = ({"lunch", "meal", "eat", "cafeteria"}, {"invoice", "billing", "money", "pay"})

    def _vec(self, text: str) -> np.ndarray:
        v = np.array([len(set(words(text)) & axis) for axis in self.AXES] + [0.1], dtype="float32")
        return np.asarray(v / np.linalg.norm(v), dtype="float32")

    def documents(self, texts: Sequence[str]) -> np.ndarray:
        return np.vstack([self._vec(t) for t in texts])

    def query(self, text: str) -> np.ndarray:
        return self._vec(text)


DOCS = ["the cafeteria serves lunch", "billing service owner", "backups are kept for 35 days"]


@pytest.mark.parametrize("fusion", ["rrf", "convex"])
def test_fusion_finds_a_document_without_a_shared_word(fusion: str) -> None:
    e = FakeEmbedder()
    index = HybridIndex([stems(d) for d in DOCS], [Channel(e, e.documents(DOCS))], fusion=fusion)
    fused, lexical = index.scores(stems("when can I eat a meal"), "when can I eat a meal")
    assert not lexical.any() and int(np.argmax(fused)) == 0
    fused, lexical = index.scores(stems("how long are backups kept"), "how long are backups kept")
    assert lexical[2] > 0 and int(np.argmax(fused)) == 2  # a keyword match beats the tie of similarities


def test_related_terms_score_below_the_query_own_words() -> None:
    docs = ["delete a file", "remove a file", "create a file"]
    index = HybridIndex([stems(d) for d in docs], related_weight=0.4)
    q = stems("remove")
    plain = index.lexical(q)
    widened = index.lexical(q, related(q))
    assert plain[0] == 0 and widened[0] > 0  # "delete" found through the lexicon
    assert widened[1] > widened[0] > widened[2] == 0


def test_rrf_ranks_masks_and_cuts() -> None:
    values = np.array([0.1, 0.9, 0.5])
    assert list(rrf(values, 10)) == pytest.approx([1 / 13, 1 / 11, 1 / 12])
    assert list(rrf(values, 10, mask=values > 0.3)) == pytest.approx([0, 1 / 11, 1 / 12])
    assert list(rrf(values, 10, top=1)) == pytest.approx([0, 1 / 11, 0])


def test_bad_choices_are_named() -> None:
    with pytest.raises(ConfigError, match="fusion"):
        HybridIndex([["a"]], fusion="max")
    with pytest.raises(ConfigError, match="e5, wordllama"):
        embedder("glove")
    assert HybridIndex([]).scores(["a"], "a")[0].shape == (0,)


def test_wordllama_loads_its_bundled_weights_without_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the embedding model tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(embed_mod, "_WORDLLAMA", [])  # load afresh in this test
    e = WordLlamaEmbedder()
    docs = e.documents(["delete a file from disk", "send an email message", "list running containers"])
    assert docs.shape == (3, 256) and np.allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-4)
    assert int(np.argmax(docs @ e.query("erase this document"))) == 0
    assert int(np.argmax(docs @ e.query("write a note to Bob by mail"))) == 1


def test_tool_search_and_memory_share_the_index() -> None:
    from llmos.memory.retrieval import Ranker as MemoryRanker
    from llmos.tools._search_rank import Doc, Ranker

    tools = Ranker([Doc("fs__delete_file", "Delete a file."), Doc("fs__create_file", "Create a file.")])
    memory = MemoryRanker(["Backups are kept for 35 days"])
    assert isinstance(tools._index, HybridIndex) and isinstance(memory._index, HybridIndex)
    assert tools.rank("erase a file", 1)[0][0] == 0  # through the lexicon: erase ~ delete
    assert [h.index for h in memory.search("backup days")] == [0]


def test_every_term_of_the_vocabulary_scores_without_error() -> None:
    """bm25s keeps "" in its vocabulary (for an empty document) with no column for it; no term may raise."""
    index = HybridIndex([["read", "file"], [], ["write", "file"]])
    for term in ["", "read", "file", "write", "absent"]:
        assert index.bm25([term]).shape == (3,)
    assert not index.bm25([""]).any()
    assert index.bm25(["", "read"])[0] > 0
