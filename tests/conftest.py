"""Shared test set-up: real model calls are blocked by default.

Every test runs with provider keys and base URLs removed from the environment, and with
sockets allowed to connect only to loopback addresses or Unix sockets: a test that tried to
reach a real LLM API fails at once instead of spending money.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from typing import Any

import pytest

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_loopback(address: Any) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return True
    host = address[0] if isinstance(address, tuple) and address else ""
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guard(sock: socket.socket, address: Any) -> None:
    if sock.family == getattr(socket, "AF_UNIX", None):
        return
    if not _is_loopback(address):
        raise ConnectionRefusedError(
            f"tests may only connect to loopback, not {address!r} (real model calls are blocked)"
        )


def _connect(self: socket.socket, address: Any) -> None:
    _guard(self, address)
    return _real_connect(self, address)


def _connect_ex(self: socket.socket, address: Any) -> int:
    _guard(self, address)
    return _real_connect_ex(self, address)


@pytest.fixture(autouse=True)
def _block_real_models(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for var in (
        "ANTHROPIC_API_KEY",
        "ANTHROPIC_AUTH_TOKEN",
        "ANTHROPIC_BASE_URL",
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "LLMOS_MODEL",
        "LLMOS_PROVIDER",
        "LLMOS_BASE_URL",
        "LLMOS_BUDGET_USD",
        "LLMOS_HOME",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(socket.socket, "connect", _connect)
    monkeypatch.setattr(socket.socket, "connect_ex", _connect_ex)
    yield


@pytest.fixture
def bwrap_required() -> None:
    """Sandbox tests FAIL (never skip) where bubblewrap cannot build the sandbox (see sandbox_support)."""
    from sandbox_support import require_bwrap

    require_bwrap()


def _hypothesis_profile() -> None:
    """No per-example deadline: timing is for bench/, and a loaded CI machine must not fail a property."""
    from hypothesis import settings

    settings.register_profile("llmos", deadline=None)
    settings.load_profile("llmos")


_hypothesis_profile()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A PostgreSQL server for the session (LLMOS_TEST_PG_URL, or a throwaway one: tests/pg_support.py)."""
    from pg_support import server_url

    yield from server_url()


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test: `postgresql://…/t_<random>`, dropped afterwards."""
    from pg_support import fresh_database

    yield from fresh_database(pg_server)
