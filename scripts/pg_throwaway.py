"""A throwaway PostgreSQL for tests, benchmarks and CI: `initdb` in a temporary folder, a loopback port.

    python scripts/pg_throwaway.py start DIR   # prints the URL (postgresql://postgres@127.0.0.1:PORT/postgres)
    python scripts/pg_throwaway.py stop DIR

Uses the Debian server package's binaries (`/usr/lib/postgresql/*/bin`; `apt-get install -y postgresql`
brings them). `initdb` refuses to run as root, so as root the server runs as the `postgres` user.
Nothing is installed or left running: `stop` ends the server; DIR can then be removed.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path


def pg_bin() -> Path | None:
    """The folder of `initdb`/`pg_ctl`, newest version first, or None where PostgreSQL is not installed."""
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version, reverse=True):
        if (Path(candidate) / "initdb").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _version(path: str) -> int:
    try:
        return int(Path(path).parent.name)
    except ValueError:
        return 0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_user(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def start(folder: Path, port: int | None = None) -> str:
    """Create a cluster in `folder` (created if missing), start it on loopback, return its URL."""
    binaries = pg_bin()
    if binaries is None:
        raise RuntimeError("PostgreSQL is not installed (apt-get install -y postgresql)")
    folder = Path(folder).resolve()
    data = folder / "data"
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
        folder.chmod(0o755)
        for parent in folder.parents:  # the postgres user must be able to reach the folder
            if parent == Path("/"):
                break
            mode = parent.stat().st_mode
            if not mode & 0o001:
                parent.chmod(mode | 0o001)
    if not (data / "PG_VERSION").exists():
        subprocess.run(
            _as_user([str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync"]),
            check=True,
            capture_output=True,
        )
    port = port or _free_port()
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off -c max_connections=200"
    subprocess.run(
        _as_user([str(binaries / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-o", options, "-w", "start"]),
        check=True,
        capture_output=True,
    )
    (folder / "port").write_text(str(port))
    url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    _wait(port)
    return url


def _wait(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"PostgreSQL did not answer on 127.0.0.1:{port}")


def stop(folder: Path) -> None:
    binaries = pg_bin()
    data = Path(folder).resolve() / "data"
    if binaries is None or not (data / "postmaster.pid").exists():
        return
    subprocess.run(
        _as_user([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
        check=False,
        capture_output=True,
    )


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("start", "stop"):
        print(__doc__, file=sys.stderr)
        return 2
    if argv[0] == "start":
        print(start(Path(argv[1])))
    else:
        stop(Path(argv[1]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
