"""The network allow-list's matching rules, standard library only.

Imported by `netproxy` on the host and loaded by path by `_proxy_main` (the proxy.py process), so
the check made before a connection is the same code in both places.

Entries: "host" (ports 80 and 443), "host:port", "*.example.org" (subdomains only, ports 80 and
443) or "*.example.org:port". A host is matched as the client wrote it, before any resolution;
names with characters outside [a-z0-9.-] (a NUL byte, percent-encoding, non-ASCII, userinfo) are
refused rather than normalised. IP literals are written as they will be requested.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_HOST = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_IPV6 = re.compile(r"^\[[0-9a-f:.]+\]$")
DEFAULT_PORTS = frozenset({80, 443})


@dataclass(frozen=True)
class AllowEntry:
    host: str  # exact host, or ".example.org" for "*.example.org"
    port: int | None  # None: 80 and 443

    def allows(self, host: str, port: int) -> bool:
        if self.port is None and port not in DEFAULT_PORTS:
            return False
        if self.port is not None and port != self.port:
            return False
        if self.host.startswith("."):
            return host.endswith(self.host) and len(host) > len(self.host)
        return host == self.host


def valid_host(host: str) -> bool:
    return len(host) <= 253 and bool(_HOST.match(host) or _IPV6.match(host))


def permits(allow: list[AllowEntry], host: str, port: int) -> bool:
    """Whether `host` (exactly as requested; not lower-cased here) and `port` are on the list."""
    return valid_host(host) and any(e.allows(host, port) for e in allow)


def split_host_port(text: str, default_port: int | None) -> tuple[str, int | None]:
    """("host", port) from "host", "host:port", "[v6]:port"; ValueError when malformed."""
    if text.startswith("["):
        end = text.find("]")
        if end < 0:
            raise ValueError(f"bad IPv6 address {text!r}")
        host, rest = text[: end + 1], text[end + 1 :]
        if rest and not rest.startswith(":"):
            raise ValueError(f"bad host:port {text!r}")
        port_text = rest[1:] if rest else ""
    else:
        host, _, port_text = text.partition(":")
    if port_text:
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise ValueError(f"bad port in {text!r}")
        return host, int(port_text)
    return host, default_port


def encode(allow: list[AllowEntry]) -> str:
    """The list as one argv word for the proxy process ("host|port" entries, port 0 for the default)."""
    return ",".join(f"{e.host}|{e.port or 0}" for e in allow)


def decode(text: str) -> list[AllowEntry]:
    out = []
    for item in filter(None, text.split(",")):
        host, _, port = item.rpartition("|")
        out.append(AllowEntry(host, int(port) or None))
    return out
