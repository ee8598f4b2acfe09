"""`bm25s`, imported without scipy.

When scipy is installed (the `quantum` extra brings it), `import bm25s` also imports `scipy.sparse`
(0.5-1 s of start-up, more than bm25s and numpy together) only to offer `csc_backend="scipy"`;
its default numpy backend builds the same index and gives the same scores. A process that has not
imported scipy yet imports bm25s with `scipy.sparse` marked absent for that one import, so bm25s
takes its numpy path; a process that already has scipy loaded loses nothing by letting bm25s use it.
"""

from __future__ import annotations

import sys
from types import ModuleType

from llmos.exceptions import MissingDependency

_SCIPY = "scipy.sparse"


def import_bm25s(extra: str = "search") -> ModuleType:
    """The bm25s module (MissingDependency naming `extra` if it is not installed)."""
    loaded = sys.modules.get("bm25s")
    if loaded is not None:
        return loaded
    hide = _SCIPY not in sys.modules
    if hide:
        sys.modules[_SCIPY] = None  # type: ignore[assignment]  # `import scipy.sparse` raises ImportError
    try:
        import bm25s  # noqa: F401  # registered in sys.modules
    except ImportError as e:
        raise MissingDependency("bm25s", extra) from e
    finally:
        if hide and sys.modules.get(_SCIPY, ...) is None:
            del sys.modules[_SCIPY]
    module: ModuleType = sys.modules["bm25s"]
    return module


__all__ = ["import_bm25s"]
