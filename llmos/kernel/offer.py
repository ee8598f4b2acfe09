"""Which tools one model request carries, and how (the kernel loop's tool offer).

- A tool marked `defer` (rarely needed, long schema: the self-modification tools) is held back
  until a search finds it or the agent names it exactly.
- With more than `defer_threshold` tools, only `max_loaded_tools` are sent in full: the ones a
  search found or the agent names, then the most used (by past calls), then built-ins, by name.
  The others are deferred.
- Deferred tools load through search: with a provider that searches server-side (Anthropic's
  tool search tool), they are sent with `defer_loading`; otherwise the client-side `tool_search`
  is offered first and they are not sent at all.
- `run_code` (code mode) is offered when asked for, or (auto) when the run has more than
  `code_mode_min_tools` tools.
- Input examples stay on the spec for a provider that takes them; otherwise they are folded into
  the description.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from llmos.models.base import ToolSpec, examples_in_description
from llmos.tools.base import Tool

SEARCH_TOOL = "tool_search"
CODE_TOOL = "run_code"


@dataclass
class OfferRules:
    """The knobs of the offer ([execution] in llmos.toml); the defaults keep small runs as they were."""

    code_mode: bool | None = False  # True: offer run_code; None: when the run has many tools; False: never
    code_mode_min_tools: int = 10
    defer_threshold: int = 30
    max_loaded_tools: int = 10
    server_search: bool = False  # the provider searches deferred tools itself (defer_loading)
    native_examples: bool = False  # the provider takes `input_examples`
    usage: Mapping[str, int] = field(default_factory=dict)  # past calls per tool


@dataclass
class Offer:
    specs: list[ToolSpec]
    deferred: list[str]  # names not loaded in full


def _priority(t: Tool, usage: Mapping[str, int]) -> tuple[int, int, str]:
    return (-usage.get(t.name, 0), 0 if t.source == "builtin" else 1, t.name)


def make_offer(
    tools: Iterable[Tool],
    *,
    named: set[str],
    found: set[str],
    search: Tool | None,
    code: Tool | None,
    rules: OfferRules,
    force_search: bool = False,
) -> Offer:
    """The specs of one request (see the module docstring)."""
    loaded: list[Tool] = []
    held: list[Tool] = []
    for t in tools:
        if t.name in (SEARCH_TOOL, CODE_TOOL):
            continue
        if t.metadata.get("defer") and t.name not in found and t.name not in named:
            held.append(t)
        else:
            loaded.append(t)
    total = len(loaded) + len(held)
    if total > rules.defer_threshold and len(loaded) > rules.max_loaded_tools:
        pinned = [t for t in loaded if t.name in found or t.name in named]
        rest = sorted(
            (t for t in loaded if t.name not in found and t.name not in named), key=lambda t: _priority(t, rules.usage)
        )
        room = max(0, rules.max_loaded_tools - len(pinned))
        keep = {t.name for t in pinned} | {t.name for t in rest[:room]}
        held += [t for t in loaded if t.name not in keep]
        loaded = [t for t in loaded if t.name in keep]
    specs = [t.spec for t in loaded]
    if code is not None and (rules.code_mode or (rules.code_mode is None and total > rules.code_mode_min_tools)):
        specs.append(code.spec)
    if not rules.native_examples:
        specs = [examples_in_description(s) for s in specs]
    if held and rules.server_search:
        specs += [replace(t.spec, defer_loading=True) for t in held]
    elif (held or force_search) and search is not None:
        # first in the list: a model looking for "the search tool" must not take a domain tool
        # whose name merely contains "search" for it
        specs.insert(0, search.spec)
    return Offer(specs, [t.name for t in held])
