"""Small text helpers shared by the CLI, the tools and the server: counts with the right plural."""

from __future__ import annotations


def plural(n: int, word: str, many: str | None = None) -> str:
    """`1 model call`, `2 model calls`, `1 byte`; `many` for irregular plurals."""
    return f"{n} {word if n == 1 else (many or word + 's')}"
