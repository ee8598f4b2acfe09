"""Evolution: crystallized tools (plans compiled to Python) and the versioned self-modification log.

    from llmos.evolution import Evolution
    evo = Evolution(db, workspace, registry, versions, config.evolution)

See `service.py` (the facade), `crystallize.py` (code generation), `generated.py` (loading),
`dispatch.py` (CRYSTALLIZED runs), `support.py` (what generated modules import) and
`create_tool.py` (tools written by the model, run in the sandbox).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from llmos.evolution.service import Evolution, ToolRecord

__all__ = ["Evolution", "ToolRecord"]


def __getattr__(name: str) -> Any:  # lazy: `import llmos.evolution.support` stays light
    if name in __all__:
        from llmos.evolution import service

        return getattr(service, name)
    raise AttributeError(f"module 'llmos.evolution' has no attribute {name!r}")
