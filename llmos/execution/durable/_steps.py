"""The DBOS step runner a durable run installs into its `RunContext.steps` (see `llmos.kernel.steps`)."""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from llmos.exceptions import LLMOSError

T = TypeVar("T")


@dataclass(frozen=True)
class Raised:
    """A step that raised, stored as data: exceptions with extra constructor arguments do not unpickle."""

    module: str
    qualname: str
    message: str

    @classmethod
    def of(cls, error: Exception) -> Raised:
        return cls(type(error).__module__, type(error).__qualname__, str(error))

    def rebuild(self) -> Exception:
        """The exception again, as close as it can be made: its class with its message, else an LLMOSError."""
        try:
            found = getattr(importlib.import_module(self.module), self.qualname)
            if isinstance(found, type) and issubclass(found, Exception):
                error: Exception = found(self.message)
                return error
        except Exception:  # a class that cannot be rebuilt from its message
            pass
        return LLMOSError(f"{self.qualname}: {self.message}")


class DBOSSteps:
    """Each `run(name, fn)` is a DBOS step of the current workflow: run once, its result recorded."""

    async def run(self, name: str, fn: Callable[[], Awaitable[T]]) -> T:
        from dbos import DBOS

        raised: list[Exception] = []

        async def body() -> Any:
            try:
                return await fn()
            except Exception as e:  # recorded as data, raised again below (the original when it ran here)
                raised.append(e)
                return Raised.of(e)

        out = await DBOS.run_step_async({"name": name, "retries_allowed": False}, body)
        if isinstance(out, Raised):
            raise raised[0] if raised else out.rebuild()
        return cast(T, out)
