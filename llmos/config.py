"""Configuration: `DIR/llmos.toml`, presets, environment overrides and a builder.

Precedence, lowest first: preset defaults < llmos.toml < environment (LLMOS_MODEL, LLMOS_PROVIDER,
LLMOS_BASE_URL, LLMOS_BUDGET_USD) < explicit overrides (CLI flags, builder calls).
Unknown keys are errors that name the key, so a typo never silently does nothing.
Reading the file and the environment: `llmos/_config_sources.py`; the commented `llmos.toml` that
`llmos init` writes: `llmos/_config_template.py` (both re-exported here).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from llmos._config_sources import env_overrides as env_overrides
from llmos._config_sources import format_errors as _format_errors
from llmos._config_sources import merge as _merge
from llmos._config_sources import read_toml as read_toml
from llmos._config_template import DEFAULT_TOML as DEFAULT_TOML
from llmos.exceptions import ConfigError

CONFIG_FILE = "llmos.toml"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class ModelConfig(_Section):
    provider: str = "test"
    name: str = ""
    base_url: str | None = None
    api_key_env: str | None = None  # name of the env var holding the key (default per provider)
    max_tokens: int = Field(default=4096, gt=0)
    temperature: float | None = None
    timeout_s: float = Field(default=120.0, gt=0)
    max_retries: int = Field(default=4, ge=0)
    stream: bool = False  # the loop uses the streaming API when true


class PriceConfig(_Section):
    input: float = Field(ge=0)  # USD per million tokens
    output: float = Field(ge=0)
    cache_write: float | None = Field(default=None, ge=0)
    cache_read: float | None = Field(default=None, ge=0)


class BudgetConfig(_Section):
    total_usd: float | None = Field(default=25.0, ge=0)  # None: no total budget
    per_run_usd: float | None = Field(default=1.0, ge=0)  # None: no per-run cap


class AgentConfig(_Section):
    default: str = "default"
    max_turns: int = Field(default=20, gt=0)
    run_timeout_s: float | None = Field(default=None, gt=0)  # the watchdog stops a run still going after this


class ToolsConfig(_Section):
    builtin: bool = True
    command_timeout_s: float = Field(default=60.0, gt=0)
    output_limit: int = Field(default=20_000, gt=0)  # characters of a tool result the model sees


class SecurityConfig(_Section):
    enabled: bool = True
    read_only: bool = False
    extra_deny: list[str] = Field(default_factory=list)  # regexes over shell commands / tool names
    extra_allow: list[str] = Field(default_factory=list)
    allowed_paths: list[str] = Field(default_factory=list)  # paths outside the workspace file tools may use
    ask_patterns: list[str] = Field(default_factory=list)  # regexes whose matches need a person's confirmation


class MCPServerConfig(_Section):
    command: str | None = None
    args: list[str] = Field(default_factory=list)
    env: dict[str, str] = Field(default_factory=dict)
    cwd: str | None = None
    url: str | None = None  # streamable HTTP instead of stdio
    timeout_s: float = Field(default=60.0, gt=0)
    enabled: bool = True
    allow: list[str] = Field(default_factory=list)  # tool-name globs this server may expose (empty: all)
    deny: list[str] = Field(default_factory=list)  # tool-name globs it may not (wins over allow)
    read_only: bool = False  # expose only the tools annotated readOnlyHint


class MCPConfig(_Section):
    servers: dict[str, MCPServerConfig] = Field(default_factory=dict)
    ping_interval_s: float = Field(default=30.0, ge=0)  # the watchdog pings started servers this often (0: never)
    ping_timeout_s: float = Field(default=10.0, gt=0)  # a server not answering a ping within this is restarted


class HooksConfig(_Section):
    paths: list[str] = Field(default_factory=list)  # 'package.module:HookClass'


class ExtraSupport(_Section):
    """Independent runs a plan needs beyond `min_support`, by its riskiest step (at least one in all)."""

    read_only: int = -1  # read-only plans replay sooner
    idempotent: int = 0
    write: int = 0  # non-idempotent writes, and every tool without annotations
    destructive: int = 1


class LearningConfig(_Section):
    enabled: bool = True
    follower_threshold: float = Field(default=0.92, ge=0, le=1)
    mixed_threshold: float = Field(default=0.75, ge=0, le=1)
    min_support: int = Field(default=2, ge=1)  # successful traces before a plan replays without a model
    transient_retries: int = Field(default=1, ge=0)
    ignore_tools: list[str] = Field(default_factory=lambda: ["tool_search"])  # meta tools left out of plans
    extra_support: ExtraSupport = Field(default_factory=ExtraSupport)  # evidence scaled to risk
    # a result field that differs in every one of this many runs (after masking) is noise, not a branch signal
    noise_min_runs: int = Field(default=4, ge=2)


class SentienceConfig(_Section):
    enabled: bool = True
    inject_prompt: bool = True
    auto_improve: bool = False
    setpoints: dict[str, float] = Field(default_factory=dict)
    sensitivity: dict[str, float] = Field(default_factory=dict)
    decay: dict[str, float] = Field(default_factory=dict)
    energy_half_life_s: float = Field(default=1800.0, gt=0)
    half_life_s: dict[str, float] = Field(default_factory=dict)  # idle recovery of other dimensions
    thresholds: dict[str, float] = Field(default_factory=dict)
    triggers: dict[str, dict[str, float]] = Field(default_factory=dict)
    history_limit: int = Field(default=1000, gt=0)


class EvolutionConfig(_Section):
    crystallize: bool = True
    min_uses: int = Field(default=5, ge=1)
    min_success: float = Field(default=0.95, ge=0, le=1)
    demote_after_failures: int = Field(default=2, ge=1)
    git: bool = True


class SandboxConfig(_Section):
    backend: Literal["auto", "bwrap", "subprocess"] = "auto"
    allow_weak_fallback: bool = False
    cpu_s: float = Field(default=5.0, gt=0)
    memory_mb: int = Field(default=512, gt=0)
    wall_s: float = Field(default=10.0, gt=0)
    output_bytes: int = Field(default=1_000_000, gt=0)
    max_processes: int = Field(default=64, gt=0)
    scratch_mb: int = Field(default=64, gt=0)  # size of the sandbox's private writable tmpfs (its cwd and /tmp)
    # run_command under bubblewrap: workspace read-write, control plane and the rest read-only
    network_allow: list[str] = Field(default_factory=list)  # "host" (ports 80/443), "host:port", "*.domain"
    shell_memory_mb: int = Field(default=4096, gt=0)  # address space per process
    shell_max_processes: int = Field(default=512, gt=0)
    shell_output_mb: int = Field(default=32, gt=0)  # stdout+stderr before the command is killed
    shell_tmp_mb: int = Field(default=512, gt=0)  # the private /tmp


class ExecutionConfig(_Section):
    """The execution layer: code mode, tool search at scale, tool examples (the seed's ExecutionLayerConfig:
    enable_ptc -> code_mode / programmatic_tool_calling, enable_tool_search -> tool_search,
    enable_tool_examples -> tool_examples)."""

    # run_code: "auto" = offered in LEARNER runs with more than code_mode_min_tools tools; "on" = every loop run
    code_mode: Literal["auto", "on", "off"] = "auto"
    code_mode_min_tools: int = Field(default=10, ge=0)
    code_output_limit: int = Field(default=8000, gt=0)  # characters of a program's output the model sees
    code_timeout_s: float = Field(default=60.0, gt=0)  # wall clock of one program, inner tool calls included
    # beyond defer_threshold offered tools, only max_loaded_tools (the most used) are sent in full; the rest
    # load through tool search: Anthropic's server-side search ("server"), or the client-side tool_search
    defer_threshold: int = Field(default=30, ge=1)
    max_loaded_tools: int = Field(default=10, ge=1)
    tool_search: Literal["auto", "server", "client"] = "auto"  # auto: server with Anthropic, else client
    server_search_variant: Literal["bm25", "regex"] = "bm25"
    search_embeddings: Literal["auto", "on", "off"] = "auto"  # auto: with the `embeddings` extra, 50+ tools
    # Anthropic programmatic tool calling: the code execution tool may call the run's tools (allowed_callers)
    programmatic_tool_calling: bool = False
    tool_examples: bool = True  # input_examples from successful traced calls
    examples_per_tool: int = Field(default=3, ge=0, le=10)
    examples_min_success: float = Field(default=0.8, ge=0, le=1)  # a tool's success rate needed for examples


class OrchestrationConfig(_Section):
    """ORCHESTRATOR mode: a goal split into subtasks run by agents, then combined."""

    max_concurrency: int = Field(default=4, ge=1)  # subtasks running at once
    retries: int = Field(default=1, ge=0)  # a failed subtask is run again this many times
    max_subtasks: int = Field(default=8, ge=1, le=12)
    auto: bool = True  # AUTO may choose ORCHESTRATOR when a rule marks the goal multi-part
    rules: list[str] = Field(default_factory=list)  # regular expressions: a goal matching one is multi-part
    learned_threshold: float = Field(default=0.5, ge=0, le=1)  # confidence a learned multi-part rule needs

    @field_validator("rules")
    @classmethod
    def _rules_compile(cls, v: list[str]) -> list[str]:
        import re

        for pattern in v:
            try:
                re.compile(pattern)
            except re.error as e:
                raise ValueError(f"rule {pattern!r} is not a regular expression: {e}") from None
        return v


class MemoryConfig(_Section):
    enabled: bool = True
    session_max_tokens: int = Field(default=8000, gt=0)  # history sent to the model, oldest turns trimmed first
    facts_in_prompt: int = Field(default=3, ge=0)  # recalled facts put into LEARNER / MIXED prompts (0: none)
    embeddings: Literal["auto", "off"] = "auto"  # fuse BM25 with embeddings when the `embeddings` extra is installed


class ServerConfig(_Section):
    host: str = "127.0.0.1"
    port: int = Field(default=8765, ge=0, le=65535)
    # Bearer token for the HTTP API (the environment's LLMOS_API_TOKEN wins); required off loopback.
    token: str | None = None
    max_in_flight: int = Field(default=64, gt=0)  # runs executing at once
    queue: int = Field(default=512, ge=0)  # runs waiting for a slot; beyond: 429 with Retry-After
    queue_timeout_s: float = Field(default=30.0, gt=0)  # a run waiting longer gets 503 with Retry-After
    approval_timeout_s: float = Field(default=60.0, ge=0)  # an unanswered `ask` is denied after this (0: at once)
    schedule_tick_s: float = Field(default=1.0, ge=0.05, le=60)  # how often the scheduler looks for due slots


class DurableConfig(_Section):
    """Durable runs on DBOS (extra `durable`): a run is a workflow, each model and tool call a step."""

    # "auto": on for `llmos serve` when the `durable` extra is installed, off for the CLI and the API
    enabled: bool | Literal["auto"] = "auto"
    # DBOS's system database: "" = `[storage] url` when it is PostgreSQL, else WORKSPACE/.llmos/dbos.sqlite
    database_url: str = ""
    # this server's name: a server started with the same id resumes its unfinished runs.
    # "" = HOST:WORKSPACE, so that servers sharing a PostgreSQL never resume each other's live runs
    executor_id: str = ""
    max_runs: int | None = Field(default=None, gt=0)  # runs of this workspace in flight at once (all servers)
    per_model: int | None = Field(default=None, gt=0)  # runs in flight at once per model (a provider's limit)
    poll_s: float = Field(default=0.05, gt=0)  # how often the queue looks for work


class StorageConfig(_Section):
    # "" = the workspace file .llmos/llmos.db; sqlite:///FILE; postgresql://user:pw@host/db (shared by servers)
    url: str = ""
    pool_size: int = Field(default=10, gt=0)  # PostgreSQL connections per process

    @field_validator("url")
    @classmethod
    def _known_scheme(cls, v: str) -> str:
        scheme = v.partition("://")[0].lower().split("+", 1)[0]
        if v and scheme not in ("sqlite", "postgresql", "postgres"):
            raise ValueError(f"unsupported URL scheme {scheme!r}: use sqlite:///FILE or postgresql://HOST/DB")
        return v


class Config(_Section):
    """The whole configuration of one workspace."""

    preset: Literal["development", "production", "testing"] = "development"
    model: ModelConfig = Field(default_factory=lambda: ModelConfig())
    pricing: dict[str, PriceConfig] = Field(default_factory=dict)
    budget: BudgetConfig = Field(default_factory=lambda: BudgetConfig())
    agent: AgentConfig = Field(default_factory=lambda: AgentConfig())
    tools: ToolsConfig = Field(default_factory=lambda: ToolsConfig())
    security: SecurityConfig = Field(default_factory=lambda: SecurityConfig())
    mcp: MCPConfig = Field(default_factory=lambda: MCPConfig())
    hooks: HooksConfig = Field(default_factory=lambda: HooksConfig())
    learning: LearningConfig = Field(default_factory=lambda: LearningConfig())
    sentience: SentienceConfig = Field(default_factory=lambda: SentienceConfig())
    evolution: EvolutionConfig = Field(default_factory=lambda: EvolutionConfig())
    sandbox: SandboxConfig = Field(default_factory=lambda: SandboxConfig())
    server: ServerConfig = Field(default_factory=lambda: ServerConfig())
    execution: ExecutionConfig = Field(default_factory=lambda: ExecutionConfig())
    orchestration: OrchestrationConfig = Field(default_factory=lambda: OrchestrationConfig())
    memory: MemoryConfig = Field(default_factory=lambda: MemoryConfig())
    durable: DurableConfig = Field(default_factory=lambda: DurableConfig())
    storage: StorageConfig = Field(default_factory=lambda: StorageConfig())


PRESETS: dict[str, dict[str, Any]] = {
    "development": {"budget": {"total_usd": 25.0, "per_run_usd": 1.0}},
    "production": {
        "budget": {"total_usd": 100.0, "per_run_usd": 2.0},
        "learning": {"min_support": 3},
        "sentience": {"auto_improve": False},
    },
    "testing": {
        "model": {"provider": "test", "max_retries": 0},
        "budget": {"total_usd": 1.0, "per_run_usd": 0.5},
        "evolution": {"git": False},
    },
}


def load_config(
    workspace: Path | None = None,
    *,
    overrides: dict[str, Any] | None = None,
    preset: str | None = None,
    environ: dict[str, str] | None = None,
) -> Config:
    """The configuration of a workspace: preset < llmos.toml < environment < overrides."""
    data: dict[str, Any] = {}
    source = "defaults"
    if workspace is not None and (workspace / CONFIG_FILE).exists():
        data = read_toml(workspace / CONFIG_FILE)
        source = str(workspace / CONFIG_FILE)
    chosen = preset or data.get("preset") or (overrides or {}).get("preset") or "development"
    if not isinstance(chosen, str) or chosen not in PRESETS:
        where = f" in {source}" if source != "defaults" else ""
        raise ConfigError(f"unknown preset {chosen!r}{where}: choose one of {', '.join(PRESETS)}")
    merged = _merge(PRESETS[chosen], data)
    merged = _merge(merged, env_overrides(environ))
    merged = _merge(merged, overrides or {})
    merged["preset"] = chosen
    try:
        return Config.model_validate(merged)
    except ValidationError as e:
        raise ConfigError(_format_errors(e, source)) from None


class ConfigBuilder:
    """Programmatic configuration: `ConfigBuilder("testing").model("test").budget(2.0).build()`."""

    def __init__(self, preset: str = "development") -> None:
        if preset not in PRESETS:
            raise ConfigError(f"unknown preset {preset!r}: choose one of {', '.join(PRESETS)}")
        self._preset = preset
        self._data: dict[str, Any] = {}

    def set(self, section: str, **values: Any) -> ConfigBuilder:
        self._data = _merge(self._data, {section: values})
        return self

    def model(self, provider: str, name: str = "", **kw: Any) -> ConfigBuilder:
        return self.set("model", provider=provider, name=name, **kw)

    def budget(self, total_usd: float | None, per_run_usd: float | None = None) -> ConfigBuilder:
        values: dict[str, Any] = {"total_usd": total_usd}
        if per_run_usd is not None:
            values["per_run_usd"] = per_run_usd
        return self.set("budget", **values)

    def mcp_server(self, name: str, command: str, *args: str, **kw: Any) -> ConfigBuilder:
        self._data = _merge(self._data, {"mcp": {"servers": {name: {"command": command, "args": list(args), **kw}}}})
        return self

    def build(self) -> Config:
        merged = _merge(PRESETS[self._preset], self._data)
        merged["preset"] = self._preset
        try:
            return Config.model_validate(merged)
        except ValidationError as e:
            raise ConfigError(_format_errors(e, "ConfigBuilder")) from None
