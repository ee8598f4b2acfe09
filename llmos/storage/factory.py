"""One factory for the workspace database, chosen by `[storage] url` (or `LLMOS_STORAGE_URL`).

- empty (the default): the workspace file `.llmos/llmos.db` (SQLite), as always;
- `sqlite:///relative/path.db` (relative to the workspace) or `sqlite:////absolute/path.db`;
- `postgresql://user:password@host:port/dbname` (also `postgres://`): a database that several
  servers share (needs `pip install 'llmos[postgres]'`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from llmos.exceptions import ConfigError
from llmos.storage.db import DB_DIR, DB_FILE, Database

if TYPE_CHECKING:
    from llmos.config import Config
    from llmos.storage.base import StoreDB

SCHEMES = ("sqlite", "postgresql", "postgres")


def _scheme(url: str) -> str:
    head, sep, _ = url.partition("://")
    if not sep:
        raise ConfigError(f"[storage] url {url!r} has no scheme: use sqlite:///PATH or postgresql://HOST/DB")
    scheme = head.lower().split("+", 1)[0]
    if scheme not in SCHEMES:
        raise ConfigError(f"[storage] url scheme {head!r} is not supported: use sqlite:///PATH or postgresql://HOST/DB")
    return scheme


def sqlite_path(workspace: Path, url: str) -> Path:
    """The database file a `sqlite:///…` URL names (relative paths are under the workspace)."""
    rest = url.partition("://")[2]
    if not rest.startswith("/") or rest in ("/", "/:memory:"):
        raise ConfigError(f"[storage] url {url!r}: write sqlite:///relative/file.db or sqlite:////absolute/file.db")
    path = Path(rest[1:])
    return path if path.is_absolute() else Path(workspace) / path


def check_url(url: str) -> None:
    """Raise ConfigError naming what is wrong with a storage URL (nothing is opened)."""
    if url:
        _scheme(url)


def storage_url(config: Config | None) -> str:
    return (config.storage.url if config is not None else "") or ""


def open_database(workspace: Path, config: Config | None = None, *, url: str | None = None) -> StoreDB:
    """The database of a workspace: its SQLite file, or the shared database `[storage] url` names."""
    url = storage_url(config) if url is None else url
    if not url:
        return Database.for_workspace(workspace)
    scheme = _scheme(url)
    if scheme == "sqlite":
        return Database(sqlite_path(workspace, url))
    from llmos.storage._pg import PgDatabase

    pool = config.storage.pool_size if config is not None else 10
    return PgDatabase(url.replace("postgresql+psycopg://", "postgresql://", 1), pool_size=pool)


def database_exists(workspace: Path, config: Config | None = None) -> bool:
    """Whether there is a database to read without creating one (a shared database always is)."""
    url = storage_url(config)
    if not url:
        return (Path(workspace) / DB_DIR / DB_FILE).exists()
    return _scheme(url) != "sqlite" or sqlite_path(workspace, url).exists()
