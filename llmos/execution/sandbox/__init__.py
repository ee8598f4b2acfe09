"""A sandbox for untrusted Python: bubblewrap isolation, resource limits, tool calls over a pipe.

    from llmos.execution.sandbox import Sandbox
    result = await Sandbox(config.sandbox).run(code, function="f", args={...}, tool_handler=...)

See `core.Sandbox` (the host side), `bwrap` (the isolation and why it is built that way),
`runner` (the program inside) and `fallback` (the weak, opt-in plain subprocess).
"""

from llmos.execution.sandbox.core import Sandbox, ToolHandler
from llmos.execution.sandbox.protocol import SandboxResult

__all__ = ["Sandbox", "SandboxResult", "ToolHandler"]
