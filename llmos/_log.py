"""The one logger of LLM OS. Library code logs here and never configures handlers;
the CLI decides what is shown. Prompts and tool data are not logged unless LLMOS_LOG_DATA=1."""

from __future__ import annotations

import logging
import os

logger = logging.getLogger("llmos")


def log_data() -> bool:
    """Whether prompts and tool arguments/results may be logged (off by default)."""
    return os.environ.get("LLMOS_LOG_DATA") == "1"
