"""Every exception LLM OS raises on purpose, in one tree.

    LLMOSError                      root: catch this to catch everything below
    ├── UserError                   misuse: bad config, bad arguments, unknown names
    │   ├── ConfigError             llmos.toml or a preset is malformed / inconsistent
    │   ├── MissingDependency       an optional extra is not installed (names the extra)
    │   ├── UnknownProvider         [model] provider names no known provider
    │   ├── MissingAPIKey           the provider needs a key and none was found
    │   ├── AgentError              a Markdown agent file is invalid or missing
    │   ├── VersionError            a versioned change is unknown or cannot be reverted safely
    │   ├── ToolDefinitionError     a function cannot become a tool (bad signature, schema)
    │   ├── PathOutsideWorkspace    a path resolves outside the workspace and every allowed path
    │   └── ModeUnavailable         a forced mode cannot run (e.g. FOLLOWER with no safe plan)
    ├── ModelError                  the model provider failed
    │   ├── ModelHTTPError          an HTTP error from the provider: carries status and body
    │   └── ModelResponseError      the reply could not be understood (bad tool JSON, empty)
    │       └── PlanInvalid         an orchestration plan is malformed, cyclic, over budget, names no agent
    ├── ToolError                   a tool failed in a way that is not the model's business
    │   └── MCPServerError          an MCP server failed to start or died
    ├── StoreError                  the SQLite store is unusable (corrupt, locked too long)
    ├── SandboxError                untrusted code cannot be run safely here
    └── ControlFlow                 not errors: signals that end a run early, kept apart
        ├── BudgetExceeded          the next model call could overspend the budget
        ├── RunCancelled            the run was cancelled from outside
        └── ReplayDiverged          a replay met something its plan did not foresee

Exceptions never log; whoever catches them decides what the user sees.
"""

from __future__ import annotations

from typing import Any


class LLMOSError(Exception):
    """Root of every exception LLM OS raises on purpose."""


class UserError(LLMOSError):
    """The caller misused LLM OS: the message says what is wrong and how to fix it."""


class ConfigError(UserError):
    """llmos.toml or a configuration value is malformed or inconsistent."""


class MissingDependency(UserError):
    """An optional dependency is missing; the message names the extra to install."""

    def __init__(self, package: str, extra: str) -> None:
        self.package = package
        self.extra = extra
        super().__init__(f"the {package!r} package is not installed: install it with `pip install 'llmos[{extra}]'`")


class UnknownProvider(UserError):
    """The configured model provider is not one LLM OS knows."""


class MissingAPIKey(UserError):
    """The provider needs an API key and none was configured."""


class AgentError(UserError):
    """A Markdown agent file is invalid, or an agent name is unknown."""


class VersionError(UserError):
    """A versioned change is unknown, or reverting it would overwrite a later edit."""


class ToolDefinitionError(UserError):
    """A function cannot be turned into a tool, or a tool name is unknown."""


class EvolutionError(UserError):
    """A plan cannot be crystallized (unsafe, unknown, ambiguous), or a generated tool is unknown."""


class PathOutsideWorkspace(UserError, PermissionError):
    """A path resolves (after ~, `..` and symlinks) outside the workspace and every allowed path.

    Also a `PermissionError`, so code that catches OS permission errors catches it too.
    """


class ModeUnavailable(UserError):
    """A forced execution mode cannot run for this goal (the message says why)."""


class ModelError(LLMOSError):
    """The model provider failed."""


class ModelHTTPError(ModelError):
    """The provider answered with an HTTP error (after retries, where retrying made sense)."""

    def __init__(self, status: int, body: Any, provider: str = "", message: str = "") -> None:
        self.status = status
        self.body = body
        self.provider = provider
        text = message or f"{provider or 'model provider'} returned HTTP {status}"
        super().__init__(f"{text}: {_short(body)}")


class ModelResponseError(ModelError):
    """The model's reply could not be understood (for example, tool arguments that are not JSON)."""


class PlanInvalid(ModelResponseError):
    """The planner's orchestration plan cannot run: not the schema, a dependency cycle, an unknown
    agent, or budget shares over the run's cap. The message says which."""


class ToolError(LLMOSError):
    """A tool failed in a way that concerns the operator rather than the model."""


class MCPServerError(ToolError):
    """An MCP server could not be started, or died while in use."""


class StoreError(LLMOSError):
    """The workspace store cannot be used."""


class StoreConflict(StoreError):
    """Another process changed the rows this write was computed from (the writer reloads and retries)."""


class SandboxError(LLMOSError):
    """Untrusted code cannot be run safely on this machine with this configuration."""


class ControlFlow(LLMOSError):
    """Base of the signals that end a run early. They are outcomes, not bugs."""


class BudgetExceeded(ControlFlow):
    """The next model call could cost more than what remains of the budget."""

    def __init__(self, message: str, *, needed_usd: float = 0.0, remaining_usd: float = 0.0) -> None:
        self.needed_usd = needed_usd
        self.remaining_usd = remaining_usd
        super().__init__(message)


class RunCancelled(ControlFlow):
    """The run was cancelled from outside (Ctrl-C, client disconnect, task cancellation)."""


class RunTimedOut(ControlFlow):
    """The run went past its time limit (`[agent] run_timeout_s`) and the watchdog stopped it."""

    def __init__(self, message: str, *, limit_s: float = 0.0) -> None:
        self.limit_s = limit_s
        super().__init__(message)


class ReplayDiverged(ControlFlow):
    """A replayed plan met a result its plan did not foresee; the run falls back to the model."""

    def __init__(self, message: str, *, step: int = 0) -> None:
        self.step = step
        super().__init__(message)


def _short(body: Any, limit: int = 500) -> str:
    text = body if isinstance(body, str) else repr(body)
    return text if len(text) <= limit else text[:limit] + "…"
