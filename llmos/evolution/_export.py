"""Crystallized tools live in the database, so every server sharing it loads them (private to `service.py`).

The evolution log (`version_changes`, in the shared database) holds the source of every version of
a generated module, and `evolution_tools` which plans have an active tool. A workspace whose
`.llmos/generated/` lacks an active tool's module (another server crystallized it) gets the
recorded source written there: the files stay an export of the database, and the loader still
registers a module only when its content is the latest version the log recorded.
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


def export_active(workspace: Path, records: Iterable[ToolRecord], versions: VersionStore) -> list[str]:
    """Write the recorded source of every active tool whose module file is missing or stale.
    Returns the names written."""
    written = []
    for rec in records:
        if rec.status != "active":
            continue
        latest = versions.latest(gen.target(rec.name))
        if latest is None or latest.after is None:
            continue
        path = workspace / gen.rel_path(rec.name)
        try:
            if path.exists() and path.read_text(encoding="utf-8") == latest.after:
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".export-", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(latest.after)
            os.replace(tmp, path)  # whole or not at all: a loader never reads half a module
        except OSError as e:
            logger.warning("cannot export the generated tool %s to %s: %s", rec.name, path, e)
            continue
        written.append(rec.name)
    return written
