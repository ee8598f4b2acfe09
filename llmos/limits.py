"""Documented size limits, shared by the CLI and the HTTP server (constants only).

MAX_GOAL_CHARS: the longest goal accepted, in characters. A longer goal is refused before any
work is done: HTTP 413 on the server, a clear error on the CLI. Goals are stored in traces and
read back by learning and sentience, so an unbounded goal would cost on every later run too.
"""

from __future__ import annotations

MAX_GOAL_CHARS = 100_000
