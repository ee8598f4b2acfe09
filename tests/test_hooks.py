"""Every tool call passes the same seam: hook order, deny, rewrite, matchers, ask, load_hook."""

from __future__ import annotations

import importlib
import uuid
from pathlib import Path
from typing import Any

import pytest
from runtime_support import quiet_config

from llmos.exceptions import ConfigError
from llmos.kernel.context import RunContext
from llmos.kernel.hooks import Hook, HookDecision, ToolUseEvent, load_hook
from llmos.models.base import ModelRequest, ModelResponse, ToolCall, ToolResult
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.tools.base import tool
from llmos.trace import ModelCallRecord, ToolCallRecord, Trace

CALLS: list[dict[str, Any]] = []


@tool
def echo(text: str) -> str:
    """Return the text."""
    CALLS.append({"echo": text})
    return text


@tool
def explode() -> str:
    """Always fails."""
    raise ValueError("nope")


@tool
def file_write(path: str) -> str:
    """Pretend to write a file."""
    CALLS.append({"file_write": path})
    return f"wrote {path}"


@pytest.fixture(autouse=True)
def _clear_calls() -> None:
    CALLS.clear()


class Recorder(Hook):
    """Records every event it sees as (hook name, event, detail)."""

    def __init__(self, name: str, log: list[tuple[str, str, str]], matcher: Any = None) -> None:
        self.name = name
        self.log = log
        self.matcher = matcher

    async def user_prompt_submit(self, ctx: RunContext, goal: str) -> str | None:
        self.log.append((self.name, "user_prompt_submit", goal))
        return None

    async def pre_model_call(self, ctx: RunContext, request: ModelRequest) -> None:
        self.log.append((self.name, "pre_model_call", ""))

    async def post_model_call(
        self, ctx: RunContext, request: ModelRequest, response: ModelResponse, record: ModelCallRecord
    ) -> None:
        assert record.cost_usd is not None and record.input_tokens > 0
        self.log.append((self.name, "post_model_call", ""))

    async def pre_tool_use(self, ctx: RunContext, event: ToolUseEvent) -> HookDecision | None:
        self.log.append((self.name, "pre_tool_use", event.tool))
        return None

    async def post_tool_use(self, ctx: RunContext, record: ToolCallRecord) -> None:
        self.log.append((self.name, "post_tool_use", record.name))

    async def post_tool_use_failure(self, ctx: RunContext, record: ToolCallRecord) -> None:
        self.log.append((self.name, "post_tool_use_failure", record.name))

    async def stop(self, ctx: RunContext, trace: Trace) -> None:
        self.log.append((self.name, "stop", trace.status))


async def execute(tmp_path: Path, model: TestModel, hooks: list[Hook], tools: Any = (echo,), **kw: Any) -> Any:
    async with LLMOS(tmp_path, config=quiet_config(), model=model, tools=list(tools), hooks=hooks) as os:
        result = await os.execute("the goal", **kw)
        trace = os.traces.get(result.run_id)
    return result, trace


async def test_events_come_in_order_through_every_hook(tmp_path: Path) -> None:
    log: list[tuple[str, str, str]] = []
    model = TestModel(
        script=[
            {"tool": "echo", "args": {"text": "one"}},
            {"tool": "explode", "args": {}},
            {"tool": "echo", "args": {"text": "two"}},
            "finished",
        ]
    )
    result, _ = await execute(tmp_path, model, [Recorder("A", log), Recorder("B", log)], tools=(echo, explode))
    assert result.success
    expected_a = [
        ("user_prompt_submit", "the goal"),
        ("pre_model_call", ""),
        ("post_model_call", ""),
        ("pre_tool_use", "echo"),
        ("post_tool_use", "echo"),
        ("pre_model_call", ""),
        ("post_model_call", ""),
        ("pre_tool_use", "explode"),
        ("post_tool_use_failure", "explode"),
        ("pre_model_call", ""),
        ("post_model_call", ""),
        ("pre_tool_use", "echo"),
        ("post_tool_use", "echo"),
        ("pre_model_call", ""),
        ("post_model_call", ""),
        ("stop", "success"),
    ]
    # hooks run in order for each event: A then B, every time
    assert log == [(h, e, d) for e, d in expected_a for h in ("A", "B")]


async def test_deny_goes_back_to_the_model_and_into_the_trace(tmp_path: Path) -> None:
    class NoSecrets(Hook):
        name = "no-secrets"

        async def pre_tool_use(self, ctx: RunContext, event: ToolUseEvent) -> HookDecision | None:
            if "secret" in str(event.arguments):
                return HookDecision.deny("secrets stay secret")
            return None

    log: list[tuple[str, str, str]] = []
    model = TestModel(script=[{"tool": "echo", "args": {"text": "my secret"}}, "could not do it"])
    result, trace = await execute(tmp_path, model, [NoSecrets(), Recorder("R", log)])
    assert CALLS == []  # the tool never ran
    call = result.tool_calls[0]
    assert call["is_error"] and "secrets stay secret" in call["result"] and "no-secrets" in call["result"]
    seen = model.requests[1].messages[-1].content[0]
    assert isinstance(seen, ToolResult) and seen.is_error and "secrets stay secret" in seen.content
    rec = trace.tool_calls[0]
    assert rec.decision == "deny" and rec.decision_reason == "secrets stay secret" and rec.denied
    # the first deny wins: later hooks never see pre_tool_use, but do see the failure
    assert ("R", "pre_tool_use", "echo") not in log
    assert ("R", "post_tool_use_failure", "echo") in log
    assert not result.success  # the model stopped right after a failed (denied) call


async def test_rewrite_changes_the_input_and_keeps_the_original(tmp_path: Path) -> None:
    class Upper(Hook):
        async def pre_tool_use(self, ctx: RunContext, event: ToolUseEvent) -> HookDecision | None:
            return HookDecision.rewrite({"text": event.arguments["text"].upper()}, "shout")

    class Exclaim(Hook):
        async def pre_tool_use(self, ctx: RunContext, event: ToolUseEvent) -> HookDecision | None:
            # sees the previous hook's rewrite
            return HookDecision.rewrite({"text": event.arguments["text"] + "!"})

    model = TestModel(script=[{"tool": "echo", "args": {"text": "hello"}}, "ok"])
    result, trace = await execute(tmp_path, model, [Upper(), Exclaim()])
    assert CALLS == [{"echo": "HELLO!"}]
    assert result.tool_calls[0]["arguments"] == {"text": "HELLO!"} and result.tool_calls[0]["result"] == "HELLO!"
    rec = trace.tool_calls[0]
    assert rec.original_arguments == {"text": "hello"} and rec.arguments == {"text": "HELLO!"}
    assert rec.decision == "allow"


async def test_matchers_limit_tool_events_by_glob(tmp_path: Path) -> None:
    log: list[tuple[str, str, str]] = []
    only_files = Recorder("files", log, matcher="file_*")
    several = Recorder("several", log, matcher=["nothing*", "ec?o"])

    class DenyFiles(Hook):
        matcher = "file_*"

        async def pre_tool_use(self, ctx: RunContext, event: ToolUseEvent) -> HookDecision | None:
            return HookDecision.deny("no files today")

    model = TestModel(
        script=[[ToolCall("1", "echo", {"text": "x"}), ToolCall("2", "file_write", {"path": "a"})], "done"]
    )
    result, _ = await execute(tmp_path, model, [only_files, several, DenyFiles()], tools=(echo, file_write))
    tool_events = {(h, e, d) for h, e, d in log if "tool" in e}
    assert tool_events == {
        ("files", "pre_tool_use", "file_write"),
        ("files", "post_tool_use_failure", "file_write"),
        ("several", "pre_tool_use", "echo"),
        ("several", "post_tool_use", "echo"),
    }
    # model events are not filtered by the matcher
    assert ("files", "pre_model_call", "") in log and ("several", "stop", "failed") in log
    assert CALLS == [{"echo": "x"}]
    assert [c["is_error"] for c in result.tool_calls] == [False, True]


class Confirm(Hook):
    async def pre_tool_use(self, ctx: RunContext, event: ToolUseEvent) -> HookDecision | None:
        return HookDecision.ask("writing needs a person's OK")


async def test_ask_without_anyone_to_ask_is_a_deny(tmp_path: Path) -> None:
    model = TestModel(script=[{"tool": "echo", "args": {"text": "hi"}}, "stopped"])
    result, trace = await execute(tmp_path, model, [Confirm()])
    assert CALLS == []
    rec = trace.tool_calls[0]
    assert rec.decision == "deny" and "nobody can confirm" in rec.decision_reason
    assert "writing needs a person's OK" in result.tool_calls[0]["result"]


async def test_ask_allowed_when_the_person_says_yes(tmp_path: Path) -> None:
    questions: list[str] = []

    async def yes(question: str) -> bool:
        questions.append(question)
        return True

    model = TestModel(script=[{"tool": "echo", "args": {"text": "hi"}}, "done"])
    result, trace = await execute(tmp_path, model, [Confirm()], ask=yes)
    assert result.success and CALLS == [{"echo": "hi"}]
    assert len(questions) == 1 and "echo" in questions[0] and "writing needs a person's OK" in questions[0]
    rec = trace.tool_calls[0]
    assert rec.decision == "allow" and "confirmed by the user" in rec.decision_reason


async def test_ask_declined_by_the_person(tmp_path: Path) -> None:
    async def no(question: str) -> bool:
        return False

    model = TestModel(script=[{"tool": "echo", "args": {"text": "hi"}}, "ok, not done"])
    _, trace = await execute(tmp_path, model, [Confirm()], ask=no)
    assert CALLS == []
    assert trace.tool_calls[0].decision == "deny" and "declined" in trace.tool_calls[0].decision_reason


async def test_user_prompt_submit_can_rewrite_the_goal(tmp_path: Path) -> None:
    class Prefix(Hook):
        async def user_prompt_submit(self, ctx: RunContext, goal: str) -> str | None:
            return "[audited] " + goal

    model = TestModel(script=["ok"])
    _, trace = await execute(tmp_path, model, [Prefix()])
    assert trace.goal == "[audited] the goal"
    assert model.requests[0].messages[0].text == "[audited] the goal"


async def test_a_failing_stop_hook_does_not_lose_the_trace(tmp_path: Path) -> None:
    class Broken(Hook):
        async def stop(self, ctx: RunContext, trace: Trace) -> None:
            raise RuntimeError("hook bug")

    result, trace = await execute(tmp_path, TestModel(script=["ok"]), [Broken()])
    assert result.success and trace is not None
    assert any(e["kind"] == "hook_error" and "hook bug" in e["error"] for e in trace.events)


# ---------------------------------------------------------------------------- load_hook
def write_hook_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    name = f"audit_hooks_{uuid.uuid4().hex[:8]}"
    pkg = tmp_path / "hookmods"
    pkg.mkdir()
    (pkg / f"{name}.py").write_text(
        "from llmos.kernel.hooks import Hook, HookDecision\n"
        "SEEN = []\n"
        "class Audit(Hook):\n"
        "    name = 'audit'\n"
        "    async def pre_tool_use(self, ctx, event):\n"
        "        SEEN.append((event.tool, dict(event.arguments)))\n"
        "        if event.arguments.get('text') == 'forbidden':\n"
        "            return HookDecision.deny('the audit hook says no')\n"
        "        return None\n"
        "NOT_A_HOOK = object()\n"
    )
    monkeypatch.syspath_prepend(str(pkg))
    return name


async def test_load_hook_from_llmos_toml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module = write_hook_module(tmp_path, monkeypatch)
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "llmos.toml").write_text(
        f'preset = "testing"\n[learning]\nenabled = false\n[hooks]\npaths = ["{module}:Audit"]\n'
    )
    model = TestModel(
        script=[[ToolCall("1", "echo", {"text": "fine"}), ToolCall("2", "echo", {"text": "forbidden"})], "ok"]
    )
    async with LLMOS(ws, model=model, tools=[echo]) as os:
        assert any(type(h).__name__ == "Audit" for h in os.hooks.hooks)
        result = await os.execute("echo twice")
    seen = importlib.import_module(module).SEEN
    assert seen == [("echo", {"text": "fine"}), ("echo", {"text": "forbidden"})]
    assert CALLS == [{"echo": "fine"}]
    assert "the audit hook says no" in result.tool_calls[1]["result"]


def test_load_hook_forms_and_bad_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module = write_hook_module(tmp_path, monkeypatch)
    assert load_hook(f"{module}:Audit").name == "audit"
    assert type(load_hook(f"{module}.Audit")).__name__ == "Audit"  # dotted form
    with pytest.raises(ConfigError, match="cannot import 'no_such_module_xyz'"):
        load_hook("no_such_module_xyz:Hook")
    with pytest.raises(ConfigError, match="has no attribute 'Missing'"):
        load_hook(f"{module}:Missing")
    with pytest.raises(ConfigError, match=r"not a llmos\.Hook subclass"):
        load_hook(f"{module}:NOT_A_HOOK")
    with pytest.raises(ConfigError, match="expected an import path"):
        load_hook("justaname")


async def test_a_bad_hook_path_in_llmos_toml_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "llmos.toml").write_text('[hooks]\npaths = ["no_such_module_xyz:AuditHook"]\n')
    os = LLMOS(tmp_path, model=TestModel())
    with pytest.raises(ConfigError, match="no_such_module_xyz"):
        await os.start()
    assert os.db is None  # nothing left open
