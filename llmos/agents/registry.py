"""The agent registry: builtin agents plus `WORKSPACE/agents/*.md`, reloaded on change.

Hot reload without threads: every `get`/`list`/`errors` call stats the agents directory
(one `scandir`, no reads) and re-parses only files whose (inode, size, mtime) changed. A file
modified within the last two seconds is also re-read and compared byte for byte, because a
quick same-size edit may keep the same coarse mtime (git's "racy clean" problem).

A broken file never hides the others: it is left out of `list()`, `get(name)` raises its error,
and `errors()` maps its file name to the message. A workspace file overrides a builtin agent of
the same name; a *broken* workspace override is an error, never a silent fall-back to the builtin.
"""

from __future__ import annotations

import builtins
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from llmos.agents.parse import Agent, check_name, parse_agent
from llmos.exceptions import AgentError

AGENTS_DIR = "agents"
BUILTIN_DIR = Path(__file__).parent / "builtin"
_RACY_S = 2.0

Signature = tuple[int, int, int]  # inode, size, mtime_ns


@dataclass
class _Entry:
    signature: Signature
    content: bytes
    agent: Agent | None
    error: str | None


def _load(path: Path, content: bytes, source: str) -> tuple[Agent | None, str | None]:
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as e:
        return None, f"not valid UTF-8: {e}"
    try:
        return parse_agent(text, path=path, source="builtin" if source == "builtin" else "workspace"), None
    except AgentError as e:
        return None, str(e)


class AgentRegistry:
    """Agents by name. Thread-safe; cheap to call on every request."""

    def __init__(self, workspace: Path, *, builtin_dir: Path | None = BUILTIN_DIR) -> None:
        self.workspace = Path(workspace)
        self.directory = self.workspace / AGENTS_DIR
        self._builtin_dir = builtin_dir
        self._builtins: dict[str, Agent] | None = None
        self._entries: dict[str, _Entry] = {}  # file name -> parsed state
        self._lock = threading.RLock()

    # -- public API --------------------------------------------------------------------------

    def get(self, name: str) -> Agent:
        """The agent called `name`; AgentError if it is unknown or its file is broken."""
        with self._lock:
            self._scan()
            entry = self._entries.get(f"{name}.md")
            if entry is not None:
                if entry.agent is not None:
                    return entry.agent
                raise AgentError(f"agent {name!r} is broken ({self.directory / (name + '.md')}): {entry.error}")
            builtin = self._builtin().get(name)
            if builtin is not None:
                return builtin
            known = ", ".join(a.name for a in self._merged()) or "none"
            broken = self._errors()
            hint = f" (broken files: {', '.join(sorted(broken))})" if broken else ""
            raise AgentError(f"unknown agent {name!r}; known agents: {known}{hint}")

    def list(self) -> builtins.list[Agent]:
        """Every usable agent, workspace overriding builtin, sorted by name."""
        with self._lock:
            self._scan()
            return self._merged()

    def errors(self) -> dict[str, str]:
        """File name -> what is wrong with it, for every agent file that cannot be used."""
        with self._lock:
            self._scan()
            return self._errors()

    def path_for(self, name: str) -> Path:
        """Where the workspace file of agent `name` lives (whether or not it exists)."""
        return self.directory / f"{check_name(name)}.md"

    def builtin(self, name: str) -> Agent | None:
        """The builtin agent called `name`, ignoring workspace overrides."""
        with self._lock:
            return self._builtin().get(name)

    def invalidate(self) -> None:
        """Forget everything parsed: the next call re-reads every file."""
        with self._lock:
            self._entries.clear()

    # -- internals ---------------------------------------------------------------------------

    def _builtin(self) -> dict[str, Agent]:
        if self._builtins is None:
            found: dict[str, Agent] = {}
            if self._builtin_dir is not None and self._builtin_dir.is_dir():
                for path in sorted(self._builtin_dir.glob("*.md")):
                    agent, _error = _load(path, path.read_bytes(), "builtin")
                    if agent is not None:  # a broken builtin is a packaging bug; tests catch it
                        found[agent.name] = agent
            self._builtins = found
        return self._builtins

    def _merged(self) -> builtins.list[Agent]:
        agents = dict(self._builtin())
        for entry in self._entries.values():
            if entry.agent is not None:
                agents[entry.agent.name] = entry.agent
        return [agents[n] for n in sorted(agents)]

    def _errors(self) -> dict[str, str]:
        return {fname: e.error for fname, e in sorted(self._entries.items()) if e.error is not None}

    def _scan(self) -> None:
        seen: dict[str, tuple[Path, Signature]] = {}
        try:
            with os.scandir(self.directory) as it:
                for d in it:
                    if d.name.startswith(".") or not d.name.endswith(".md"):
                        continue
                    try:
                        if not d.is_file():
                            continue
                        st = d.stat()
                    except OSError:
                        continue
                    seen[d.name] = (Path(d.path), (st.st_ino, st.st_size, st.st_mtime_ns))
        except FileNotFoundError:
            pass
        except NotADirectoryError:
            self._entries = {}
            self._entries[AGENTS_DIR] = _Entry((0, 0, 0), b"", None, f"{self.directory} is not a directory")
            return
        for fname in [f for f in self._entries if f not in seen]:
            del self._entries[fname]
        now_ns = time.time_ns()
        for fname, (path, sig) in seen.items():
            old = self._entries.get(fname)
            racy = now_ns - sig[2] < _RACY_S * 1e9
            if old is not None and old.signature == sig and not racy:
                continue
            try:
                content = path.read_bytes()
            except OSError as e:
                self._entries[fname] = _Entry(sig, b"", None, f"cannot read: {e}")
                continue
            if old is not None and old.content == content and old.error is None:
                old.signature = sig
                continue
            agent, error = _load(path, content, "workspace")
            self._entries[fname] = _Entry(sig, content, agent, error)
