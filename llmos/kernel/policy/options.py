"""A small getopt for the checks: options (with values) and positional arguments of a command."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field


@dataclass
class Parsed:
    opts: list[tuple[str, str | None]] = field(default_factory=list)
    positionals: list[str] = field(default_factory=list)
    rest_index: int = 0  # index in args where positionals began (when stopping at the first one)

    def has(self, *names: str) -> bool:
        return any(o in names for o, _ in self.opts)

    def values(self, *names: str) -> list[str]:
        return [v for o, v in self.opts if o in names and v is not None]


def parse_opts(
    args: list[str],
    short_val: str = "",
    long_val: Collection[str] = (),
    *,
    stop: bool = False,
    optional_short: str = "",
) -> Parsed:
    """Options and positionals of `args` (GNU style: options may follow positionals unless `stop`).

    `short_val` are short options taking a value (attached or next argument); `optional_short`
    take a value only when attached (`-i.bak`). Long options take a value after `=`, or the
    next argument when listed in `long_val`.
    """
    out = Parsed()
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            out.positionals.extend(args[i + 1 :])
            out.rest_index = out.rest_index or i + 1
            break
        if a.startswith("--") and len(a) > 2:
            name, eq, value = a.partition("=")
            if eq:
                out.opts.append((name, value))
            elif name in long_val and i + 1 < len(args):
                out.opts.append((name, args[i + 1]))
                i += 1
            else:
                out.opts.append((name, None))
            i += 1
            continue
        if a.startswith("-") and len(a) > 1:
            j = 1
            while j < len(a):
                ch = a[j]
                if ch in short_val:
                    rest = a[j + 1 :]
                    if rest:
                        out.opts.append(("-" + ch, rest))
                    elif i + 1 < len(args):
                        out.opts.append(("-" + ch, args[i + 1]))
                        i += 1
                    else:
                        out.opts.append(("-" + ch, None))
                    break
                if ch in optional_short:
                    out.opts.append(("-" + ch, a[j + 1 :] or None))
                    break
                out.opts.append(("-" + ch, None))
                j += 1
            i += 1
            continue
        if stop:
            out.rest_index = i
            out.positionals.extend(args[i:])
            return out
        out.positionals.append(a)
        i += 1
    if not out.rest_index:
        out.rest_index = len(args) if not out.positionals else out.rest_index
    return out
