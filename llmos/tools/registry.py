"""The tool registry: every tool a run may offer, by name, with where it came from."""

from __future__ import annotations

import fnmatch
import threading
from collections.abc import Callable, Iterable, Iterator

from llmos.exceptions import ToolDefinitionError
from llmos.models.base import ToolSpec
from llmos.tools.base import Tool
from llmos.tools.hint_trust import apply_note

# (source, name, why) -> None: stores a note that a tool contradicted its hints (`storage.tool_notes`)
NoteSaver = Callable[[str, str, str], None]


class ToolRegistry:
    """Name -> Tool. Thread-safe; tools can be added and removed while runs are going on
    (hot reload, crystallization, rollback): a run takes a snapshot of the specs it offers."""

    def __init__(self, tools: Iterable[Tool] = ()) -> None:
        self._tools: dict[str, Tool] = {}
        self._lock = threading.RLock()
        self._notes: dict[tuple[str, str], str] = {}  # (source, name) -> why its hints are not trusted
        self._save_note: NoteSaver | None = None
        for t in tools:
            self.register(t)

    def register(self, tool: Tool, *, replace: bool = False) -> Tool:
        with self._lock:
            if tool.name in self._tools and not replace and self._tools[tool.name] is not tool:
                raise ToolDefinitionError(
                    f"a tool named {tool.name!r} is already registered (from {self._tools[tool.name].source})"
                )
            self._tools[tool.name] = tool
            why = self._notes.get((tool.source, tool.name))
        if why is not None:  # it contradicted its hints in an earlier process: never trusted again
            apply_note(tool, why)
        return tool

    def keep_notes(self, notes: dict[tuple[str, str], str], save: NoteSaver | None) -> None:
        """Notes stored earlier ((source, name) -> why) apply to those tools now and whenever registered
        again; `save` stores each new one (`note`)."""
        with self._lock:
            self._notes.update(notes)
            self._save_note = save
            tools = [t for t in self._tools.values() if (t.source, t.name) in self._notes]
        for t in tools:
            apply_note(t, self._notes[(t.source, t.name)])

    def note(self, tool: Tool, why: str) -> None:
        """`tool` contradicted its hints (`hint_trust.note_result`): remembered here and stored."""
        with self._lock:
            key = (tool.source, tool.name)
            if key in self._notes:
                return
            self._notes[key] = why
            save = self._save_note
        apply_note(tool, why)
        if save is not None:
            save(tool.source, tool.name, why)

    def remove(self, name: str) -> Tool | None:
        with self._lock:
            return self._tools.pop(name, None)

    def remove_source(self, source: str) -> list[str]:
        """Remove every tool from one source (e.g. 'mcp:bench'); returns their names."""
        with self._lock:
            names = [n for n, t in self._tools.items() if t.source == source]
            for n in names:
                del self._tools[n]
            return names

    def get(self, name: str) -> Tool | None:
        with self._lock:
            return self._tools.get(name)

    def require(self, name: str) -> Tool:
        found = self.get(name)
        if found is None:
            raise ToolDefinitionError(f"no tool named {name!r}; known tools: {', '.join(self.names()) or 'none'}")
        return found

    def __contains__(self, name: object) -> bool:
        with self._lock:
            return name in self._tools

    def __iter__(self) -> Iterator[Tool]:
        with self._lock:
            return iter(list(self._tools.values()))

    def __len__(self) -> int:
        with self._lock:
            return len(self._tools)

    def names(self) -> list[str]:
        with self._lock:
            return sorted(self._tools)

    def select(self, patterns: Iterable[str] | None) -> list[Tool]:
        """Tools whose names match any glob pattern (None or '*' means all), in name order."""
        pats = list(patterns) if patterns is not None else ["*"]
        with self._lock:
            return [t for n, t in sorted(self._tools.items()) if any(fnmatch.fnmatchcase(n, p) for p in pats)]

    def specs(self, patterns: Iterable[str] | None = None) -> list[ToolSpec]:
        return [t.spec for t in self.select(patterns)]
