"""Documented size limits, shared by the CLI, the HTTP API and the trace store.

- `MAX_GOAL_CHARS`: a goal longer than this is refused before anything runs (the CLI exits with
  a clear error, the HTTP API answers 413).
- `MAX_TRACE_RESULT_CHARS`: a tool result longer than this is stored truncated in the trace,
  with its original size kept next to it (the model still saw the whole result).
"""

from __future__ import annotations

MAX_GOAL_CHARS = 32_000
MAX_TRACE_RESULT_CHARS = 64_000
