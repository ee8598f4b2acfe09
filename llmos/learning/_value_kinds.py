"""Value kinds for rule 1: an identifier is checked for its shape, a quantity for its range.

An IP address, a UUID, a commit hash, a ticket "INC-20931", a version "2.14.1", a phone number or a
card tail names a thing: a new one outside the values the supporting runs saw is normal, and comparing
it with them as a number means nothing. A quantity ("port 8080", "disk 93%", "37 degrees", a plain
5-digit number) stays a number, range-checked: where the kind is unclear the value stays strict.

The shape of an identifier is its kind and format: "INC-#" is another shape than "CHG-#"; a version
keeps its major number ("v2.x.x": 3.0.0 is another shape, a breaking change is not the same kind of
value); an IPv4 address with a prefix length is another shape than one without, and a private
address another than a public one (a rule may treat an internal zone apart). A result value whose
shape changed stops the replay as an unseen text does.

By evidence as well as shape: a whole-number JSON value under an identifier's key ("id", "ticket_id",
"zip", "phone") is an identifier; a text whose value differed in every run is noise after
`noise_min_runs` runs (`_seen`); a value an argument consumes is decided by the plan's explanations.
"""

from __future__ import annotations

import functools
import re
from typing import Any

MARK = "\x01"  # around a shape inside a template: no digit a number check could take

_HEX = r"[0-9a-fA-F]"
# (kind, pattern), in the order they are tried: the longer and more specific first
_KINDS: tuple[tuple[str, str], ...] = (
    ("uuid", rf"{_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}"),
    ("mac", rf"{_HEX}{{2}}(?::{_HEX}{{2}}){{5}}"),
    ("ipv4/", r"(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)/\d{1,2}"),
    ("ipv4", r"(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)"),
    (
        "phone",
        r"\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]\d{2,4}){1,3}"
        r"|\(\d{3}\) ?\d{3}-\d{4}|\d{3}-\d{3}-\d{4}",
    ),
    ("card", r"(?:[*•xX]{4}[ -]?){1,3}\d{4}"),
    ("version", r"v?\d{1,3}(?:\.\d{1,5}){2,3}(?:-[0-9A-Za-z.]+)?"),
    ("hex", r"(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{7,40}"),
    ("ticket", r"[A-Z]{2,6}(?:[-_]?\d{4,})(?:[-_]\d+)*"),
)
_ANY = re.compile(
    r"(?<![\w.:/-])(?:" + "|".join(f"(?P<k{i}>{p})" for i, (_k, p) in enumerate(_KINDS)) + r")(?![\w:/]|\.\d)"
)
_ID_KEYS = re.compile(
    r"(?:^|[_-])(?:id|uid|uuid|zip|zipcode|postcode|postal|phone|msisdn|serial|sku|ean|upc|isbn|ticket|invoice_no)$",
    re.IGNORECASE,
)
_CAMEL_ID_KEY = re.compile(r"[a-z](?:Id|ID)$")  # customerId; never "paid", "valid" (case matters)


def _ip_scope(text: str) -> str:
    """private, loopback, link-local or public: a rule may treat them apart (an internal zone)."""
    a, b = (int(x) for x in text.split(".")[:2])
    if a == 10 or (a == 172 and 16 <= b <= 31) or (a == 192 and b == 168):
        return "private"
    if a == 127:
        return "loopback"
    if a == 169 and b == 254:
        return "link-local"
    return "public"


def _shape(kind: str, text: str) -> str:
    if kind in ("ipv4", "ipv4/"):
        return f"{_ip_scope(text)} {'ip network' if kind == 'ipv4/' else 'ip address'}"
    if kind == "version":
        major = re.match(r"v?(\d+)", text)
        groups = text.split("-")[0].count(".") + 1
        pre = "-pre" if "-" in text else ""
        return f"v{major.group(1) if major else ''}{'.x' * (groups - 1)}{pre}"
    if kind == "phone":  # the country code kept: a carrier or a region may follow from it
        cc = re.match(r"\+(\d{1,3})", text)
        return f"phone +{cc.group(1)}" if cc else "phone"
    if kind == "ticket":
        return re.sub(r"\d+", "n", text)  # the prefix kept: "INC-n" and "CHG-n" are two kinds
    return kind


def shape_ids(text: str, keep: tuple[str, ...] = ()) -> str:
    """`text` with every identifier inside it replaced by its shape between MARKs (but the kinds in
    `keep`, left as they are)."""
    if not any(ch.isdigit() for ch in text):
        return text

    def sub(m: re.Match[str]) -> str:
        for i, (kind, _p) in enumerate(_KINDS):
            got = m.group(f"k{i}")
            if got is not None:
                return got if kind in keep else f"{MARK}{_shape(kind, got)}{MARK}"
        return m.group()

    return _ANY.sub(sub, text)


def id_shape(value: Any) -> str | None:
    """The shape of a value that is one identifier as a whole (a text), else None."""
    if not isinstance(value, str) or not any(ch.isdigit() for ch in value):
        return None
    s = value.strip()
    shaped = shape_ids(s)
    if shaped.startswith(MARK) and shaped.endswith(MARK) and shaped.count(MARK) == 2:
        return shaped
    return None


def name_shape(value: Any) -> str | None:
    """The shape of a short text with digits that may name a thing: its identifier shape, else the text
    with its digit runs as "#" when it has two of them or one of three digits or more joined to letters
    ("2026-04-14" -> "#-#-#", "srv-105" -> "srv-#"); None for words, quantities ("93%", "37 C") and
    short codes ("E5")."""
    shape = id_shape(value)
    if shape is not None or not isinstance(value, str) or not any(ch.isdigit() for ch in value):
        return shape
    text = value.strip()
    if any(ch.isspace() for ch in text):
        return None  # "37 C", "5 of 5 taken": a quantity in words
    groups = re.findall(r"\d+", text)
    masked = re.sub(r"\d+", "#", text)
    if len(groups) >= 2 or (len(groups[0]) >= 3 and re.search(r"[A-Za-z][-_]?#|#[-_]?[A-Za-z]", masked)):
        return masked
    return None  # "93%", "E5": a quantity, or a code picked from a few


def id_key(path: tuple[Any, ...]) -> bool:
    """Whether a JSON path ends in an identifier's key ("id", "ticket_id", "zip", "customerId")."""
    key = path[-1] if path else None
    return isinstance(key, str) and _id_name(key)


@functools.lru_cache(maxsize=1 << 14)
def _id_name(key: str) -> bool:  # a result's keys recur in every run: each is judged once
    return _ID_KEYS.search(key) is not None or _CAMEL_ID_KEY.search(key) is not None


def number_id_shape(path: tuple[Any, ...], v: Any) -> str | None:
    """The shape of a whole number under an identifier's key (its digit count kept loose), else None."""
    if type(v) is str:  # most leaves: not a number (what the test below gives a text)
        return None
    if isinstance(v, bool) or not isinstance(v, int | float) or not float(v).is_integer() or not id_key(path):
        return None
    return f"{MARK}int id{MARK}" if v >= 0 else None


def readable(text: str) -> str:
    return re.sub(f"{MARK}([^{MARK}]*){MARK}", r"<\1>", text)


# shapes whose digits carry no order: an address, a phone number, a card, a hash, a version's minor parts
_UNORDERED = re.compile(r"ip address|ip network|phone|card|hex|uuid|mac|^\x01?v\d+(?:\.x)+")


def counted(shape: str) -> bool:
    """Whether an identifier shape keeps a number whose size may mean something ("BX-n": a box number
    below 2000 is a recycled box; "srv-#"): its digits stay range-checked (rule 1), apart from a
    counter that kept growing."""
    return _UNORDERED.search(shape) is None
