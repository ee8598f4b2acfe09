"""A server that prints anything but JSON-RPC on stdout (a banner, a print) makes the MCP SDK log
a full pydantic traceback for each such line. One readable warning line is enough."""

from __future__ import annotations

import logging

_SDK_LOGGER = "mcp.client.stdio"


class _NoiseFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and "JSONRPC" in str(record.msg):
            exc = record.exc_info[1]
            text = str(exc).splitlines()
            detail = next((ln.strip() for ln in text if "input_value=" in ln), "")
            value = detail.split("input_value=", 1)[1].split(", input_type=")[0] if detail else "?"
            record.msg = (
                "an MCP server printed a line that is not JSON-RPC on stdout (ignored; servers must log to stderr): %s"
            )
            record.args = (value[:200],)
            record.exc_info = None
            record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


_FILTER = _NoiseFilter()


def quiet_stdout_noise() -> None:
    """Install the filter once (idempotent)."""
    logger = logging.getLogger(_SDK_LOGGER)
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
