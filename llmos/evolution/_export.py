"""Crystallized tools live in the database, so every server sharing it loads them (private to `service.py`).

The evolution log (`version_changes`, in the shared database) holds the source of every version of
a generated module, and `evolution_tools` which plans have an active tool. A workspace whose
`.llmos/generated/` lacks an active tool's module (another server crystallized it) gets the
recorded source written there, as does one whose module is an older recorded version (never a
module edited by hand): the files stay an export of the database, and the loader still registers
a module only when its content is the latest version the log recorded.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from llmos._log import logger
from llmos.evolution import generated as gen
from llmos.evolution.records import ToolRecord
from llmos.storage.versions import VersionStore


def _recorded(versions: VersionStore, name: str, source: str) -> bool:
    return any(c.after == source for c in versions.history(gen.target(name), limit=1000))


def export_active(workspace: Path, records: Iterable[ToolRecord], versions: VersionStore) -> list[str]:
    """Bring each crystallized tool's module file to the latest version the log recorded: written
    where missing or an older recorded version, removed where the log removed it (a demotion on
    another server). A file edited by hand is left alone (the loader refuses it). Returns the names
    whose file changed."""
    changed = []
    for rec in records:
        latest = versions.latest(gen.target(rec.name))
        if latest is None:
            continue
        path = workspace / gen.rel_path(rec.name)
        try:
            have = path.read_text(encoding="utf-8") if path.exists() else None
            if have == latest.after or (have is not None and not _recorded(versions, rec.name, have)):
                continue
            if latest.after is None:
                path.unlink()
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".export-", suffix=".tmp")
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    f.write(latest.after)
                os.replace(tmp, path)  # whole or not at all: a loader never reads half a module
        except OSError as e:
            logger.warning("cannot export the generated tool %s to %s: %s", rec.name, path, e)
            continue
        changed.append(rec.name)
    return changed
