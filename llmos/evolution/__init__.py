"""Evolution: crystallized tools (plans compiled to Python) and the versioned self-modification log.

    from llmos.evolution import Evolution
    evo = Evolution(db, workspace, registry, versions, config.evolution)

See `service.py` (the facade; `_loader.py` keeps the registry in step with the modules on disk),
`crystallize.py` (code generation), `generated.py` (loading), `dispatch.py` (CRYSTALLIZED runs),
`support.py` (what generated modules import) and `create_tool.py` (tools written by the model,
run in the sandbox; their source checks are in `_toolsource.py`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from llmos.evolution.records import ToolRecord
    from llmos.evolution.service import Evolution

__all__ = ["Evolution", "ToolRecord"]


def __getattr__(name: str) -> Any:  # lazy: `import llmos.evolution.support` stays light
    if name == "Evolution":
        from llmos.evolution.service import Evolution

        return Evolution
    if name == "ToolRecord":
        from llmos.evolution.records import ToolRecord

        return ToolRecord
    raise AttributeError(f"module 'llmos.evolution' has no attribute {name!r}")
