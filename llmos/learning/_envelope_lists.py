"""The envelope's lists, categories and memberships: list lengths that must stay equal, the short texts a
result path took, whether a goal word is among a result's values. The private interior of
`llmos.learning.envelope`, which re-exports every name here.
"""

from __future__ import annotations

from typing import Any

from llmos.learning import _shortcuts
from llmos.learning import explain as ex
from llmos.learning.goals import STOPWORDS, Token
from llmos.learning.plans import path_key

MAX_PICKED_CHARS = 40
MAX_PICKED_WORDS = 3
MAX_LISTS = 24  # list lengths kept per step
MAX_CATEGORIES = 8  # distinct short texts a categorical result path may take (more: not categorical)
MAX_MEMBER_TOKENS = 24
Membership = tuple[int, int, int]  # (goal token position, step, 1 present / 0 absent)


def list_lengths(parsed: Any, path: ex.Path = (), depth: int = 0, out: dict[str, int] | None = None) -> dict[str, int]:
    """json(path) -> length of every list in a result (the whole result included), bounded."""
    out = {} if out is None else out
    if len(out) >= MAX_LISTS or depth > 6:
        return out
    if isinstance(parsed, list):
        out[path_key(path)] = len(parsed)
        for i, v in enumerate(parsed[:MAX_LISTS]):
            list_lengths(v, (*path, i), depth + 1, out)
    elif isinstance(parsed, dict):
        for k, v in parsed.items():
            list_lengths(v, (*path, str(k)), depth + 1, out)
    return out


def same_lengths(kept: dict[str, int], live: dict[str, int]) -> dict[str, int]:
    return {k: n for k, n in kept.items() if live.get(k) == n}


def _short_text(v: Any) -> bool:
    return isinstance(v, str) and 0 < len(v) <= MAX_PICKED_CHARS and len(v.split()) <= MAX_PICKED_WORDS


short_text = _short_text  # whether a result value can be a category (for `induction`'s checks by path)


def categories(parsed: Any, echo_paths: list[str], lv: list[tuple[ex.Path, Any]] | None = None) -> dict[str, list[str]]:
    """json(path) -> [value] for every short text leaf of a result that is not an echo of an argument
    (`lv`: the result's leaves, when already listed)."""
    echo = set(echo_paths)
    out: dict[str, list[str]] = {}
    for n, (p, v) in enumerate(ex.leaves(parsed) if lv is None else lv):
        if n >= ex.MAX_LEAVES:
            break
        key = path_key(p)
        if _short_text(v) and key not in echo:
            out[key] = [v]
    return out


def union_categories(kept: dict[str, list[str]], live: dict[str, list[str]]) -> dict[str, list[str]]:
    """Paths known in both, with the values of both; a path with too many values is not categorical."""
    out: dict[str, list[str]] = {}
    for k, vals in kept.items():
        if k not in live:
            continue
        merged = list(dict.fromkeys([*vals, *live[k]]))
        if len(merged) <= MAX_CATEGORIES:
            out[k] = merged
    return out


def _token_value(tok: Token) -> Any:
    return tok.typed()


def is_member(tok: Token, parsed: Any) -> bool:
    """Whether a goal token's value is one of a result's scalar values (texts compared without case)."""
    want = _token_value(tok)
    for n, (_p, v) in enumerate(ex.leaves(parsed)):
        if n >= ex.MAX_LEAVES:
            break
        if isinstance(want, str):
            if isinstance(v, str) and v.casefold() == want.casefold():
                return True
        elif ex.is_num(v) and ex.same(v, want):
            return True
    return False


def _env_member(env: ex.Env, pos: int, step: int) -> bool:
    """`is_member(env.tokens[pos], env.parsed[step])`, with the result's texts (case-folded) and
    numbers listed once per run (shortcuts on)."""
    tok, parsed = env.tokens[pos], env.parsed[step]
    if not _shortcuts.ON:
        return is_member(tok, parsed)
    texts, nums = _listed(env, step)
    want = _token_value(tok)
    if isinstance(want, str):
        return want.casefold() in texts
    return any(ex.same(v, want) for v in nums)


def _listed(env: ex.Env, step: int) -> tuple[set[str], list[Any]]:
    """The texts (case-folded) and numbers of a result's values, listed once per run."""
    parsed = env.parsed[step]
    hit = env.memo.get(("members", step))
    if hit is None or hit[0] is not parsed:
        texts, nums = set(), []
        for n, (_p, v) in enumerate(env.result_leaves(step)):
            if n >= ex.MAX_LEAVES:
                break
            if isinstance(v, str):
                texts.add(v.casefold())
            elif ex.is_num(v):
                nums.append(v)
        hit = env.memo[("members", step)] = (parsed, (texts, nums))
    return hit[1]  # type: ignore[no-any-return]


def _member_tokens(tokens: list[Token]) -> list[int]:
    out = []
    for i, t in enumerate(tokens):
        if t.kind in ("word", "number", "quoted") and t.text and t.text.lower() not in STOPWORDS:
            out.append(i)
            if len(out) >= MAX_MEMBER_TOKENS:
                break
    return out


def memberships(env: ex.Env) -> list[Membership]:
    """For every goal word, number or quoted text and every step: is it one of the step's result values?"""
    out: list[Membership] = []
    for pos in _member_tokens(env.tokens):
        for s in range(len(env.parsed)):
            if env.texts[s] is not None:
                out.append((pos, s, int(_env_member(env, pos, s))))
    return out


def keep_members(kept: list[Membership], env: ex.Env) -> list[Membership]:
    """The memberships that also hold in this run."""
    out = []
    ntokens, nsteps, texts = len(env.tokens), len(env.parsed), env.texts
    if not _shortcuts.ON:
        for m in kept:
            pos, s, present = m
            if pos < ntokens and s < nsteps and texts[s] is not None and int(_env_member(env, pos, s)) == present:
                out.append(m if type(m) is tuple else (pos, s, present))
        return out
    # `_env_member`, inline: each step's values and each goal token's value looked up once per run
    listed: dict[int, tuple[set[str], list[Any]]] = {}
    wants: dict[int, Any] = {}
    tokens = env.tokens
    for m in kept:
        pos, s, present = m
        if pos >= ntokens or s >= nsteps or texts[s] is None:
            continue
        got = listed.get(s)
        if got is None:
            got = listed[s] = _listed(env, s)
        if pos in wants:
            want = wants[pos]
        else:
            want = _token_value(tokens[pos])
            want = wants[pos] = want.casefold() if isinstance(want, str) else want
        member = want in got[0] if isinstance(want, str) else any(ex.same(v, want) for v in got[1])
        if int(member) == present:
            out.append(m if type(m) is tuple else (pos, s, present))
    return out


# ---------------------------------------------------------------- numeric slots
