"""Pydantic models of the HTTP API: request bodies are validated with them, and every response is
described by one in the OpenAPI schema (responses are built from the runtime's own dicts)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Mode = Literal["auto", "learner", "follower", "mixed", "crystallized", "orchestrator"]
Rating = Literal["good", "bad"]
TraceStatus = Literal["running", "success", "failed", "cancelled", "budget_exceeded", "interrupted"]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ExecuteRequest(_Request):
    """Run one goal, as `llmos run` does."""

    goal: str = Field(min_length=1, description="What the agent should do.", examples=["list the files here"])
    mode: Mode = Field("auto", description="Execution mode; `auto` lets the runtime choose.")
    agent: str | None = Field(None, min_length=1, description="Name of the agent to run (default agent if omitted).")

    explain: bool = Field(False, description="Include `mode_reason` (why this mode was chosen) in the result.")
    session_id: str | None = Field(
        None,
        min_length=1,
        max_length=128,
        pattern=r"^\S+$",
        description="Continue (or start) a stored conversation: its earlier turns are the history of this run.",
    )

    @field_validator("goal")
    @classmethod
    def _goal_not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("goal must not be empty or whitespace")
        return v


class FeedbackRequest(_Request):
    """Tell the runtime whether a run's answer was good; bad runs are not learned from."""

    run_id: str = Field(min_length=1)
    rating: Rating


class ToolCallOut(BaseModel):
    name: str
    arguments: dict[str, Any]
    result: str
    is_error: bool


class RunResultOut(BaseModel):
    """The result of a run: the same JSON as `llmos run --json` (extra fields may appear)."""

    model_config = ConfigDict(extra="allow")

    run_id: str
    mode: str
    success: bool
    output: str
    llm_calls: int
    input_tokens: int
    output_tokens: int
    cost_usd: float
    duration_s: float
    tool_calls: list[ToolCallOut]
    error: str | None


class ErrorOut(BaseModel):
    error: str = Field(description="What is wrong, in one sentence.")
    detail: list[dict[str, Any]] | None = Field(None, description="Per-field validation errors (422 only).")


class HealthOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    ok: bool
    version: str
    workspace: str
    uptime_s: float


class TraceSummaryOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str
    goal: str
    agent: str
    mode: str
    status: str
    success: bool
    llm_calls: int
    input_tokens: int
    output_tokens: int
    cost_usd: float
    duration_s: float
    started_at: float
    ended_at: float | None
    error: str | None


class TraceListOut(BaseModel):
    traces: list[TraceSummaryOut]
    limit: int
    offset: int
    count: int


class AgentOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    name: str
    description: str
    tools: list[str] | None = Field(description="Tool names or glob patterns; null means every tool.")
    model: str | None
    max_turns: int | None
    budget_usd: float | None
    source: str
    path: str | None


class AgentListOut(BaseModel):
    agents: list[AgentOut]


class FeedbackOut(BaseModel):
    ok: bool
    run_id: str
    rating: Rating


class StreamEventOut(BaseModel):
    """One server-sent event of `POST /v1/execute/stream` (`event: <type>`, `data: <this JSON>`).
    The last event is `final`, whose `result` is the run result; a run that cannot start at all
    answers with an ordinary JSON error instead of a stream."""

    model_config = ConfigDict(extra="allow")

    type: str
    run_id: str | None = None
