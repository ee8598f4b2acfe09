"""No catastrophic backtracking: goals and results of any size go through regular expressions
(sentience's goal patterns, learning's tokenizer, the policy, the test agent), so every compiled
pattern of the package is run on pathological inputs, and one that grows faster than linearly fails."""

from __future__ import annotations

import importlib
import pkgutil
import random
import re
import threading
import time

import llmos
from llmos.sentience.opportunities import goal_pattern

_OLD_PATH = re.compile(r"(?:[\w.-]*/)+[\w.-]+")  # the quadratic one, as a reference for behaviour


def _patterns() -> dict[str, re.Pattern[str]]:
    found: dict[str, re.Pattern[str]] = {}
    for info in pkgutil.walk_packages(llmos.__path__, "llmos."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            values = value if isinstance(value, (list, tuple)) else [value]
            for i, v in enumerate(values):
                if isinstance(v, re.Pattern) and isinstance(v.pattern, str):
                    found[f"{info.name}.{name}" + (f"[{i}]" if values is value else "")] = v
    return found


_UNITS = [*"a1 ./-_:\"'`$\\()[]{}<>=,;!?*#@%&|~+\n\t", "é", "a/", "a ", "a.", "a-", "a'", "1.", "/ ", "a\\", "'a"]


def _cost(pattern: re.Pattern[str], text: str) -> float:
    started = time.perf_counter()
    for _ in pattern.finditer(text):
        pass
    return time.perf_counter() - started


def test_no_pattern_backtracks_catastrophically() -> None:
    patterns = _patterns()
    assert len(patterns) > 20
    slow = []
    for key, pattern in patterns.items():
        for unit in _UNITS:
            small = _cost(pattern, unit * (500 // len(unit)))
            if small > 0.5:  # 500 characters: no sound pattern gets near this
                slow.append(f"{key} on {unit!r}*: {small:.3f}s at 500 characters")
                continue
            if small < 0.002:
                continue  # fast at 500: even quadratic growth stays far from a freeze at the goal limit
            large = _cost(pattern, unit * (4000 // len(unit)))
            if large > 24 * small and large > 0.05:  # 8x the input: linear ~8x, quadratic ~64x
                slow.append(f"{key} on {unit!r}*: {small:.3f}s at 500, {large:.3f}s at 4000")
    assert not slow, slow


def test_goal_pattern_of_a_megabyte_goal_does_not_freeze() -> None:
    done = threading.Event()
    goal = "a" * 1_000_000

    def work() -> None:
        goal_pattern(goal)
        goal_pattern("x/" * 500_000)
        goal_pattern("/" * 100_000 + " see 'it' 12.5 times in src/app.py")
        done.set()

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(30)  # seconds, a hang guard (the old pattern took minutes on the first goal alone)
    assert done.is_set()


def test_test_agent_clauses_behave_as_before() -> None:
    from llmos.models._testagent import CLAUSES

    old = re.compile(r"\s*(?:,?\s*\b(?:and then|then|afterwards|after that)\b|;|\.\s+(?=[A-Z]))\s*")
    rng = random.Random(3)
    words = [" ", "  ", ",", ".", "A", "a", "then", "and then", ";", "\t", "after that", "x", ", then", "afterwards"]
    for _ in range(5000):
        text = "".join(rng.choice(words) for _ in range(rng.randint(0, 12)))
        assert CLAUSES.split(text) == old.split(text), text


def test_goal_pattern_behaves_as_before() -> None:
    from llmos.sentience import opportunities

    rng = random.Random(7)
    alphabet = "ab1./- :_'\"é"
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        assert opportunities._PATH.sub("<p>", text) == _OLD_PATH.sub("<p>", text), text
    assert goal_pattern("Copy src/a.py to ./out/b.py 3 times") == "copy <path> to <path> <n> times"
