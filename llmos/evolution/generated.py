"""Generated (crystallized) tool modules: reading, checking and turning them into registered tools.

A crystallized module lives at WORKSPACE/tools/generated/NAME.py and declares, as top-level
constants, TOOL_NAME, PLAN_ID, VERSION and FINGERPRINT (read with `ast`, without running it).
A module is loaded only when its exact content is the latest version the evolution log recorded
for `tool:NAME`: a file edited by hand (or by anything else) is never executed on the host.
"""

from __future__ import annotations

import ast
import hashlib
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from llmos.exceptions import ToolDefinitionError
from llmos.tools.base import Tool, function_tool

GENERATED_DIR = Path("tools") / "generated"
SOURCE = "generated"
_CONSTANTS = ("TOOL_NAME", "PLAN_ID", "VERSION", "FINGERPRINT")


@dataclass(frozen=True)
class ModuleInfo:
    name: str
    plan_id: str
    version: int
    fingerprint: str


def target(name: str) -> str:
    """The evolution-log target of a generated tool."""
    return f"tool:{name}"


def rel_path(name: str) -> str:
    return (GENERATED_DIR / f"{name}.py").as_posix()


def digest(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def read_info(source: str, where: str = "<generated>") -> ModuleInfo:
    """The module's declared constants; ToolDefinitionError when it is not a crystallized module."""
    try:
        tree = ast.parse(source, filename=where)
    except SyntaxError as e:
        raise ToolDefinitionError(f"{where}: syntax error at line {e.lineno}: {e.msg}") from None
    found: dict[str, Any] = {}
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id in _CONSTANTS
            and isinstance(node.value, ast.Constant)
        ):
            found[node.targets[0].id] = node.value.value
    missing = [c for c in _CONSTANTS if c not in found]
    if missing:
        raise ToolDefinitionError(f"{where}: not a crystallized tool module (missing {', '.join(missing)})")
    return ModuleInfo(str(found["TOOL_NAME"]), str(found["PLAN_ID"]), int(found["VERSION"]), str(found["FINGERPRINT"]))


def build_tool(source: str, path: Path | str) -> Tool:
    """Execute a crystallized module's source and wrap its function as a Tool (source "generated")."""
    info = read_info(source, str(path))
    module = types.ModuleType(f"llmos_generated_{info.name}")
    module.__file__ = str(path)
    try:
        code = compile(source, str(path), "exec")
        exec(code, module.__dict__)
    except Exception as e:
        raise ToolDefinitionError(f"{path}: the module failed to load: {type(e).__name__}: {e}") from e
    func = getattr(module, info.name, None)
    if func is None or not callable(func):
        raise ToolDefinitionError(f"{path}: no function named {info.name}")
    tool = function_tool(func, name=info.name, source=SOURCE, kind="function")
    checks = getattr(module, "CHECKS", {})
    tool.metadata.update(
        {
            "crystallized": True,
            "plan_id": info.plan_id,
            "version": info.version,
            "fingerprint": info.fingerprint,
            "path": str(path),
            "digest": digest(source),
            "slots": [tuple(s) for s in checks.get("slots", [])],
            "skeleton": [tuple(t) for t in checks.get("skeleton", [])],
            "steps": len(checks.get("steps", [])),
        }
    )
    return tool


def module_files(workspace: Path) -> list[Path]:
    folder = workspace / GENERATED_DIR
    try:
        return sorted(p for p in folder.glob("*.py") if p.is_file() and not p.name.startswith("."))
    except OSError:
        return []


def signature(workspace: Path) -> tuple[Any, ...]:
    """A cheap fingerprint of the generated folder (names, sizes, mtimes): changes on any edit."""
    out: list[Any] = []
    for p in module_files(workspace):
        try:
            st = p.stat()
        except OSError:
            continue
        out.append((p.name, st.st_size, st.st_mtime_ns))
    return tuple(out)
