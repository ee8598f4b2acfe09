"""The `llmos` command's entry point: `llmos tools search` from a saved index first, else the CLI.

`llmos tools search QUERY --json` (and `--stdin`) is answered without importing the CLI (typer,
pydantic, the configuration) when the workspace's saved search index is up to date
(`llmos._search_fast`); every other command, and that one when anything changed, runs `llmos.cli`.
"""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:3] == ["tools", "search"]:
        from llmos._search_fast import run

        try:
            code = run(sys.argv[3:])
        except KeyboardInterrupt:
            sys.stderr.write("interrupted\n")
            raise SystemExit(130) from None
        if code is not None:
            raise SystemExit(code)
    from llmos.cli import main as cli_main

    cli_main()


__all__ = ["main"]
