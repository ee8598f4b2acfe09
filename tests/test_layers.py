"""The documented layering holds: lower layers never import higher ones (TYPE_CHECKING imports included).

Shared types live low: `llmos.trace` (the trace records) and `llmos.config` (the configuration)
import nothing of the package but `llmos.exceptions`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "llmos"

HIGH = ("learning", "execution", "evolution", "sentience", "agents", "server", "cli", "runtime", "memory", "mcp_server")

# package -> the top-level llmos modules it must never import
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "kernel": HIGH,
    "models": (*HIGH, "kernel", "tools", "storage"),
    "tools": (*HIGH, "kernel", "storage"),
    "storage": tuple(h for h in HIGH if h != "memory"),
    # the ranking shared by tool search and memory sits below both
    "ranking": (*HIGH, "kernel", "tools", "storage", "models"),
}


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
    return found


def _top(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "llmos" or len(parts) < 2:
        return None
    return parts[1]


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_lower_layers_never_import_higher_ones(layer: str) -> None:
    bad = []
    for path in sorted((PKG / layer).rglob("*.py")):
        for line, module in _imports(path):
            top = _top(module)
            if top in FORBIDDEN[layer]:
                bad.append(f"{path.relative_to(PKG.parent)}:{line} imports {module}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize(
    "module", ["trace.py", "config.py", "_config_sources.py", "_config_template.py", "exceptions.py"]
)
def test_shared_types_import_nothing_of_the_package_but_exceptions(module: str) -> None:
    allowed: set[str | None] = {None, "exceptions"}
    if module == "config.py":
        allowed |= {"_config_sources", "_config_template"}  # its private halves, held to the same rule
    tops = {_top(m) for _, m in _imports(PKG / module)} - allowed
    assert not tops, f"llmos/{module} imports {sorted(t for t in tops if t)}"
