"""Where a tool may touch the file system: inside the workspace, or under an allowed path.

    resolve_in_workspace("src/../notes.md", workspace)          -> workspace/notes.md
    resolve_in_workspace("../secret", workspace)                -> PathOutsideWorkspace
    resolve_in_workspace("/data/x", workspace, ["/data"])       -> /data/x

`~` is expanded, relative paths are relative to the workspace, and `..` and symlinks are resolved
before the check, so a symlink inside the workspace that points outside it is refused too. The
security policy and the file tools both use this (defence in depth).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from llmos.exceptions import PathOutsideWorkspace, UserError


def _resolve(path: Path) -> Path:
    try:
        return path.resolve(strict=False)
    except (OSError, RuntimeError, ValueError) as e:  # symlink loop, NUL byte
        raise UserError(f"cannot resolve the path {str(path)!r}: {e}") from None


def allowed_roots(workspace: Path, allowed: Iterable[str] = ()) -> list[Path]:
    """The resolved workspace followed by every resolved allowed path (relative ones are in the workspace)."""
    ws = _resolve(Path(workspace).expanduser())
    roots = [ws]
    for entry in allowed:
        if not str(entry).strip():
            continue
        p = Path(entry).expanduser()
        roots.append(_resolve(p if p.is_absolute() else ws / p))
    return roots


def is_within(path: Path, roots: Iterable[Path]) -> bool:
    """Whether an already resolved path is one of the roots or lies under one."""
    return any(path == root or path.is_relative_to(root) for root in roots)


def resolve_in_workspace(
    path: str | Path, workspace: Path, allowed: Iterable[str] = (), *, must_exist: bool = False
) -> Path:
    """The absolute, resolved path, or `PathOutsideWorkspace` if it is outside every permitted root.

    `must_exist=True` also raises `UserError` when nothing is there.
    """
    text = str(path)
    if not text.strip():
        raise UserError("empty path: give a file or directory path relative to the workspace")
    if "\x00" in text:
        raise UserError(f"invalid path {text!r}: it contains a NUL byte")
    roots = allowed_roots(workspace, allowed)
    candidate = Path(text).expanduser()
    if not candidate.is_absolute():
        candidate = roots[0] / candidate
    resolved = _resolve(candidate)
    if not is_within(resolved, roots):
        extra = f" or the allowed paths ({', '.join(str(r) for r in roots[1:])})" if len(roots) > 1 else ""
        raise PathOutsideWorkspace(
            f"{text!r} resolves to {resolved}, which is outside the workspace {roots[0]}{extra}; "
            "add its directory to [security] allowed_paths in llmos.toml to permit it"
        )
    if must_exist and not resolved.exists():
        raise UserError(f"{text!r}: no such file or directory")
    return resolved


def display_path(path: Path, workspace: Path) -> str:
    """A path as shown to the model: relative to the workspace when inside it, else absolute."""
    ws = _resolve(Path(workspace).expanduser())
    try:
        return str(path.relative_to(ws)) or "."
    except ValueError:
        return str(path)
