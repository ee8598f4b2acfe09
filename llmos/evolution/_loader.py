"""Keeping the tool registry in step with the generated modules on disk (private to `service.py`).

A module is registered only when its exact content is the latest version the evolution log
recorded for it; unchanged modules are never executed twice (a cache by source digest).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from llmos._log import logger
from llmos.evolution import generated as gen
from llmos.exceptions import ToolDefinitionError
from llmos.storage.versions import VersionStore
from llmos.tools.base import Tool
from llmos.tools.registry import ToolRegistry


class GeneratedTools:
    """The generated tools this workspace registered: by tool name and by plan id."""

    def __init__(self, workspace: Path, registry: ToolRegistry, versions: VersionStore, lock: threading.RLock) -> None:
        self.workspace = workspace
        self.registry = registry
        self.versions = versions
        self._lock = lock
        self.loaded: dict[str, Tool] = {}  # tool name -> the Tool we registered
        self._by_plan: dict[str, Tool] = {}
        self._cache: dict[str, Tool] = {}  # source digest -> Tool (no re-exec of unchanged modules)
        self._signature: tuple[Any, ...] | None = None

    def remember(self, source: str, tool: Tool) -> None:
        """A module just written (and already built): the next refresh reuses `tool`."""
        self._cache[gen.digest(source)] = tool

    def refresh(self, *, force: bool = False) -> bool:
        """Follow changes on disk (a revert from another process, a demotion): cheap when nothing changed.
        Returns whether the registry changed."""
        sig = gen.signature(self.workspace)
        with self._lock:
            if not force and sig == self._signature:
                return False
            self._signature = sig
            found: dict[str, Tool] = {}
            for path in gen.module_files(self.workspace):
                tool = self._load_file(path)
                if tool is not None:
                    found[tool.name] = tool
            changed = False
            for name, old in list(self.loaded.items()):
                if name not in found or found[name] is not old:
                    if self.registry.get(name) is old:
                        self.registry.remove(name)
                    del self.loaded[name]
                    changed = True
            for name, tool in found.items():
                if self.loaded.get(name) is tool:
                    continue
                current = self.registry.get(name)
                if current is not None and current.source != gen.SOURCE:
                    logger.warning("generated tool %s not loaded: a %s tool has that name", name, current.source)
                    continue
                self.registry.register(tool, replace=True)
                self.loaded[name] = tool
                changed = True
            self._by_plan = {str(t.metadata["plan_id"]): t for t in self.loaded.values()}
            return changed

    def _load_file(self, path: Path) -> Tool | None:
        try:
            source = path.read_text(encoding="utf-8")
            info = gen.read_info(source, str(path))
        except (OSError, UnicodeDecodeError, ToolDefinitionError) as e:
            logger.warning("skipping %s: %s", path, e)
            return None
        digest = gen.digest(source)
        cached = self._cache.get(digest)
        if cached is not None:
            return cached
        latest = self.versions.latest(gen.target(info.name))
        if latest is None or latest.after != source or path.name != f"{info.name}.py":
            logger.warning(
                "generated tool %s not loaded: %s is not the version the evolution log recorded",
                info.name,
                path,
            )
            return None
        try:
            tool = gen.build_tool(source, path)
        except ToolDefinitionError as e:
            logger.warning("generated tool %s not loaded: %s", info.name, e)
            return None
        self._cache[digest] = tool
        return tool

    def tool_for(self, plan_id: str | None) -> Tool | None:
        """The active crystallized tool of a plan (None when there is none)."""
        if not plan_id:
            return None
        with self._lock:
            tool = self._by_plan.get(plan_id)
        if tool is None or self.registry.get(tool.name) is not tool:
            return None
        return tool
