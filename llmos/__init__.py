"""LLM OS: a Python runtime for LLM agents that gets cheaper, faster and safer the more it is used.

    from llmos import LLMOS

    async with LLMOS(workspace="./workspace") as os:
        result = await os.execute("Create a note titled 'Ideas' with the text 'ship it'")

Public names are imported lazily, so `import llmos` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "LLMOS": "llmos.runtime",
    "RunResult": "llmos.result",
    "tool": "llmos.tools.base",
    "Tool": "llmos.tools.base",
    "ToolContext": "llmos.tools.base",
    "ToolOutput": "llmos.tools.base",
    "Hook": "llmos.kernel.hooks",
    "HookDecision": "llmos.kernel.hooks",
    "Config": "llmos.config",
    "ConfigBuilder": "llmos.config",
    "load_config": "llmos.config",
    "TestModel": "llmos.models.testmodel",
    "Trace": "llmos.trace",
}

__all__ = [
    "LLMOS",
    "Config",
    "ConfigBuilder",
    "Hook",
    "HookDecision",
    "RunResult",
    "TestModel",
    "Tool",
    "ToolContext",
    "ToolOutput",
    "Trace",
    "__version__",
    "load_config",
    "tool",
]

if TYPE_CHECKING:
    from llmos.config import Config, ConfigBuilder, load_config
    from llmos.kernel.hooks import Hook, HookDecision
    from llmos.models.testmodel import TestModel
    from llmos.result import RunResult
    from llmos.runtime import LLMOS
    from llmos.tools.base import Tool, ToolContext, ToolOutput, tool
    from llmos.trace import Trace


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'llmos' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
