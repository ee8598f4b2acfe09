"""Memory: sessions that last (L2) and facts an agent can recall (L4). See `service.Memory`."""

from llmos.memory.service import Memory, Recalled, used_context

__all__ = ["Memory", "Recalled", "used_context"]
