"""The one place the CLI opens a workspace's database: `[storage] url` chooses it (llmos.storage.factory)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from llmos.cli._common import fail

if TYPE_CHECKING:
    from llmos.config import Config
    from llmos.storage.base import StoreDB


def open_db(workspace: Path, *, create: bool = True, missing: str = "") -> tuple[Config, StoreDB]:
    """The configuration and the database of a workspace, or a clear message and exit code 2.

    With `create=False` a workspace whose (SQLite) database does not exist yet fails with
    `missing` (a shared database always exists)."""
    from llmos.config import load_config
    from llmos.exceptions import LLMOSError
    from llmos.storage.factory import database_exists, open_database

    try:
        config = load_config(workspace)
        if not create and not database_exists(workspace, config):
            fail(missing or f"no workspace database in {workspace}: run a goal there first (or pass --workspace)")
        return config, open_database(workspace, config)
    except LLMOSError as e:
        fail(str(e))


def open_db_lenient(workspace: Path) -> StoreDB:
    """The database for a read-only command, even when llmos.toml is malformed: then the storage URL
    comes from LLMOS_STORAGE_URL alone (default: the workspace file), said on stderr."""
    import os

    from llmos.config import load_config
    from llmos.exceptions import LLMOSError
    from llmos.storage.factory import open_database

    try:
        config = load_config(workspace)
    except LLMOSError as e:
        url = os.environ.get("LLMOS_STORAGE_URL", "")
        sys.stderr.write(f"warning: {e}; reading {url or 'the workspace database'}\n")
        try:
            return open_database(workspace, url=url)
        except LLMOSError as e2:
            fail(str(e2))
    try:
        return open_database(workspace, config)
    except LLMOSError as e:
        fail(str(e))


def has_db(workspace: Path) -> bool:
    """Whether the workspace has a database to read (without creating one). A malformed llmos.toml
    counts as the default: the commands that need the configuration report it themselves."""
    from llmos.config import load_config
    from llmos.exceptions import LLMOSError
    from llmos.storage.factory import database_exists

    try:
        config: Config | None = load_config(workspace)
    except LLMOSError:
        config = None
    return database_exists(workspace, config)
