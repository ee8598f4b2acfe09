"""File tools: read_file, write_file, edit_file, list_dir, glob, grep.

Every path goes through `resolve_in_workspace` (workspace + [security] allowed_paths), write tools
refuse in read-only mode, and every result is capped at [tools] output_limit characters.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from llmos._text import plural
from llmos.tools.base import Tool, ToolOutput, function_tool
from llmos.tools.builtin._common import SKIP_DIRS, Env, cap, clean_errors, error
from llmos.tools.control_plane import control_path_of, refusal
from llmos.tools.paths import is_within

MAX_LIST = 1000  # entries of list_dir / glob
MAX_MATCHES = 200  # lines of grep
MAX_LINE = 400  # characters of one grep line
MAX_GREP_FILE = 5_000_000  # bytes: larger files are skipped by grep
MAX_READ_BYTES = 50_000_000  # bytes: read_file refuses larger files
GLOB_CHARS = frozenset("*?[")


def _is_binary(path: Path) -> bool:
    with path.open("rb") as f:
        return b"\x00" in f.read(8192)


class FileTools:
    """The file tools of one workspace (methods become tools)."""

    def __init__(self, env: Env) -> None:
        self.env = env

    @clean_errors
    def read_file(self, path: str, offset: int = 1, limit: int | None = None) -> ToolOutput | str:
        """Read a text file of the workspace.

        Args:
            path: file path, relative to the workspace
            offset: first line to read (1-based)
            limit: how many lines to read (default: to the end)
        """
        target = self.env.resolve(path, must_exist=True)
        if target.is_dir():
            return error(f"{path!r} is a directory: use list_dir")
        if _is_binary(target):
            return error(f"{path!r} is a binary file ({target.stat().st_size} bytes)")
        if target.stat().st_size > MAX_READ_BYTES:
            return error(
                f"{path!r} is too large to read ({target.stat().st_size} bytes): use grep, or run_command "
                "with head/tail/sed to read a part"
            )
        if offset < 1:
            return error("offset is 1-based: the first line is offset=1")
        if limit is not None and limit < 1:
            return error("limit must be at least 1")
        text = target.read_text(encoding="utf-8", errors="replace")
        if offset == 1 and limit is None:
            body = text
            if len(body) <= self.env.limit:
                return body
            lines = body.splitlines(keepends=True)
            start, end = 0, len(lines)
        else:
            lines = text.splitlines(keepends=True)
            start = offset - 1
            end = len(lines) if limit is None else min(len(lines), start + limit)
            if start >= len(lines) and lines:
                return error(f"offset {offset} is past the end of {path!r} ({len(lines)} lines)")
            body = "".join(lines[start:end])
        note = ""
        if len(body) > self.env.limit:
            # cut on a line boundary so the model can continue with offset
            shown, size = 0, 0
            for line in lines[start:end]:
                if size + len(line) > self.env.limit - 200 and shown:
                    break
                size += len(line)
                shown += 1
            body = "".join(lines[start : start + shown])[: self.env.limit - 200]
            end = start + shown
        if start > 0 or end < len(lines):
            note = f"\n[lines {start + 1}-{end} of {len(lines)}"
            note += f"; read on with offset={end + 1}]" if end < len(lines) else "]"
        return body + note

    @clean_errors
    def write_file(self, path: str, content: str) -> ToolOutput | str:
        """Write a text file (created with its directories, or overwritten).

        Args:
            path: file path, relative to the workspace
            content: the whole new content of the file
        """
        if self.env.read_only:
            return self.env.refuse_write("write_file")
        target = self.env.resolve(path)
        if (entry := control_path_of(target, self.env.workspace)) is not None:
            return error(refusal("write_file", path, entry))
        if target.is_dir():
            return error(f"{path!r} is a directory")
        existed = target.exists()
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
        verb = "overwrote" if existed else "created"
        return f"{verb} {self.env.show(target)} ({plural(len(content.encode('utf-8')), 'byte')})"

    @clean_errors
    def edit_file(
        self, path: str, old: str, new: str, count: int | None = None, replace_all: bool = False
    ) -> ToolOutput | str:
        """Replace an exact string in a file.

        Args:
            path: file path, relative to the workspace
            old: the exact text to replace; it must occur exactly once unless count or replace_all is given
            new: the replacement text
            count: the number of occurrences you expect; all of them are replaced
            replace_all: replace every occurrence, however many there are
        """
        if self.env.read_only:
            return self.env.refuse_write("edit_file")
        if old == "":
            return error("old must not be empty: use write_file to create a file")
        if old == new:
            return error("old and new are the same: nothing to change")
        target = self.env.resolve(path, must_exist=True)
        if (entry := control_path_of(target, self.env.workspace)) is not None:
            return error(refusal("edit_file", path, entry))
        if target.is_dir():
            return error(f"{path!r} is a directory")
        text = target.read_text(encoding="utf-8")
        found = text.count(old)
        if found == 0:
            return error(f"old text not found in {path!r} (it must match exactly, whitespace included)")
        if count is not None and count != found:
            return error(f"old text occurs {found} times in {path!r}, not {count}")
        if count is None and not replace_all and found > 1:
            return error(
                f"old text occurs {found} times in {path!r}: include more surrounding text to make it "
                "unique, or set replace_all=true"
            )
        target.write_text(text.replace(old, new), encoding="utf-8")
        return f"edited {self.env.show(target)}: replaced {found} occurrence{'s' if found > 1 else ''}"

    @clean_errors
    def list_dir(self, path: str = ".") -> ToolOutput | str:
        """List a directory of the workspace (directories end with /).

        Args:
            path: directory path, relative to the workspace
        """
        target = self.env.resolve(path, must_exist=True)
        if not target.is_dir():
            return error(f"{path!r} is not a directory")
        entries = sorted(target.iterdir(), key=lambda p: p.name)
        names = [e.name + ("/" if e.is_dir() else "") for e in entries[:MAX_LIST]]
        if not names:
            return f"{self.env.show(target)} is empty"
        more = f"\n[{len(entries) - MAX_LIST} more entries not shown]" if len(entries) > MAX_LIST else ""
        return cap("\n".join(names) + more, self.env.limit)

    @clean_errors
    def glob(self, pattern: str) -> ToolOutput | str:
        """Find files by glob pattern, e.g. `**/*.py` or `src/*.md`.

        Args:
            pattern: glob pattern, relative to the workspace (** matches any depth)
        """
        parts = Path(pattern).expanduser().parts
        if not parts:
            return error("empty pattern")
        split = next((i for i, p in enumerate(parts) if GLOB_CHARS & set(p)), len(parts))
        base = self.env.resolve(str(Path(*parts[:split])) if split else ".")
        rest = str(Path(*parts[split:])) if split < len(parts) else ""
        if not rest:
            return self.env.show(base) if base.exists() else f"no files match {pattern!r}"
        explicit = {p for p in parts if p in SKIP_DIRS}
        roots = self.env.roots
        found: list[str] = []
        total = 0
        for match in base.glob(rest):
            rel = match.relative_to(base).parts
            if any(p in SKIP_DIRS and p not in explicit for p in rel):
                continue
            if not is_within(match.resolve(), roots):
                continue
            total += 1
            if len(found) < MAX_LIST:
                found.append(self.env.show(match) + ("/" if match.is_dir() else ""))
        if not found:
            return f"no files match {pattern!r}"
        more = f"\n[{total - MAX_LIST} more matches not shown]" if total > MAX_LIST else ""
        return cap("\n".join(sorted(found)) + more, self.env.limit)

    @clean_errors
    def grep(self, pattern: str, path: str = ".", glob: str | None = None) -> ToolOutput | str:
        """Search file contents with a regular expression; lines come back as file:line: text.

        Args:
            pattern: regular expression (Python syntax)
            path: file or directory to search, relative to the workspace
            glob: only search files whose name or relative path matches this glob, e.g. *.py
        """
        try:
            regex = re.compile(pattern)
        except re.error as e:
            return error(f"invalid regular expression {pattern!r}: {e}")
        target = self.env.resolve(path, must_exist=True)
        out: list[str] = []
        roots = self.env.roots
        for file in _walk(target):
            rel = self.env.show(file)
            if glob and not (fnmatch.fnmatch(file.name, glob) or fnmatch.fnmatch(rel, glob)):
                continue
            if is_within(file.resolve(), roots):
                _grep_file(file, rel, regex, out)
            if len(out) >= MAX_MATCHES:
                break
        stopped = len(out) >= MAX_MATCHES
        if not out:
            return f"no matches for {pattern!r} in {self.env.show(target)}"
        if stopped:
            out.append(f"[stopped after {MAX_MATCHES} matches; narrow the pattern, path or glob]")
        return cap("\n".join(out), self.env.limit)


def file_tools(env: Env) -> list[Tool]:
    ft = FileTools(env)
    specs: list[tuple[Callable[..., ToolOutput | str], str]] = [
        (ft.read_file, "file_read"),
        (ft.write_file, "file_write"),
        (ft.edit_file, "file_write"),
        (ft.list_dir, "file_read"),
        (ft.glob, "file_read"),
        (ft.grep, "file_read"),
    ]
    return [function_tool(f, source="builtin", kind=kind) for f, kind in specs]


def _grep_file(file: Path, rel: str, regex: re.Pattern[str], out: list[str]) -> None:
    """Append `rel:line: text` for every matching line of one text file, until MAX_MATCHES."""
    try:
        if file.stat().st_size > MAX_GREP_FILE or _is_binary(file):
            return
        with file.open(encoding="utf-8", errors="replace") as f:
            for number, line in enumerate(f, 1):
                if regex.search(line):
                    text = line.rstrip("\r\n")
                    if len(text) > MAX_LINE:
                        text = text[:MAX_LINE] + "…"
                    out.append(f"{rel}:{number}: {text}")
                    if len(out) >= MAX_MATCHES:
                        return
    except OSError:
        return


def _walk(target: Path) -> Iterator[Path]:
    if target.is_file():
        yield target
        return
    for root, dirs, names in os.walk(target):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        for name in sorted(names):
            yield Path(root) / name
