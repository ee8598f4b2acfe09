"""The network allow-list proxy process: proxy.py on a unix socket, with one plugin that filters.

    python -I _proxy_main.py ALLOW SOCKET DATA_DIR      # ALLOW: `_allowlist.encode(...)`

Started by `netproxy.FilteringProxy` for one sandboxed command. The proxy itself (HTTP parsing,
CONNECT tunnels, relaying) is the maintained proxy.py library; this file only adds the check:
before proxy.py opens an upstream connection, and again for every request on a kept-alive
connection, the destination proxy.py is about to use (its parsed host and port) must be on the
allow-list (`_allowlist.permits`), else the request is rejected with 403. Each decision is
printed on stdout ("allow HOST:PORT" / "deny HOST:PORT") for the command's result. Prints
"ready" once listening, echoes each "sync N" line of its stdin, and exits when its stdin closes
(the host closed it, or died).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

from proxy import Proxy
from proxy.common.utils import text_
from proxy.http.exception import HttpRequestRejected
from proxy.http.parser import HttpParser
from proxy.http.proxy import HttpProxyBasePlugin


def _load_allowlist() -> Any:
    path = Path(__file__).with_name("_allowlist.py")
    spec = importlib.util.spec_from_file_location("llmos_sandbox_allowlist", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


_allowlist = _load_allowlist()
ALLOW: list[Any] = []


def destination(request: HttpParser) -> tuple[str, int | None]:
    """The host (lower-cased, IPv6 in brackets) and port proxy.py would connect to."""
    host = text_(request.host or b"").lower()
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return host, request.port


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class AllowListPlugin(HttpProxyBasePlugin):
    """Reject every request whose destination is not on the allow-list."""

    def _check(self, request: HttpParser, *, log_allow: bool) -> HttpParser:
        host, port = destination(request)
        where = f"{host}:{port}"
        if not host or port is None or not _allowlist.permits(ALLOW, host, port):
            _say(f"deny {where!r}" if not _allowlist.valid_host(host) else f"deny {where}")
            raise HttpRequestRejected(
                status_code=403,
                reason=b"Forbidden",
                body=f"llmos sandbox: {where} is not in [sandbox] network_allow\n".encode(),
            )
        if log_allow:
            _say(f"allow {where}")
        return request

    def before_upstream_connection(self, request: HttpParser) -> HttpParser | None:
        return self._check(request, log_allow=True)

    def handle_client_request(self, request: HttpParser) -> HttpParser | None:
        return self._check(request, log_allow=False)


def main(argv: list[str]) -> None:
    allow, sock, data_dir = argv
    ALLOW[:] = _allowlist.decode(allow)
    flags = ["--unix-socket-path", sock, "--data-dir", data_dir, "--num-acceptors", "1", "--log-level", "CRITICAL"]
    flags += ["--threaded", "--timeout", "30"]
    with Proxy(flags, plugins=[AllowListPlugin]):
        _say("ready")
        for line in sys.stdin:  # "sync N" is echoed: every decision printed before it has been read
            if line.startswith("sync "):
                _say(line.strip())


if __name__ == "__main__":
    main(sys.argv[1:])
