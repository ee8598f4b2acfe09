"""Markdown agents: parsing, hot reload, the self-modification tools and the `llmos agents` CLI."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from llmos.agents import Agent, AgentRegistry, agent_tools, parse_agent, render_agent
from llmos.agents.registry import BUILTIN_DIR
from llmos.cli.agents import app
from llmos.exceptions import AgentError
from llmos.storage.db import Database
from llmos.storage.versions import VersionStore
from llmos.tools.base import Tool, ToolContext

GOOD = """---
name: haiku-poet
description: Writes haikus.
tools: [read_file, "web_*"]
model: anthropic:claude-haiku-4-5
max_turns: 5
budget_usd: 0.25
---
You are a poet. Answer with a single haiku.
"""


def write(ws: Path, name: str, text: str) -> Path:
    path = ws / "agents" / f"{name}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def agent_text(name: str, prompt: str = "Be helpful.", **meta: str) -> str:
    lines = [f"name: {name}"] + [f"{k}: {v}" for k, v in meta.items()]
    return "---\n" + "\n".join(lines) + "\n---\n" + prompt + "\n"


# -- parsing ---------------------------------------------------------------------------------


def test_parse_good_file() -> None:
    agent = parse_agent(GOOD, path=Path("agents/haiku-poet.md"))
    assert agent.name == "haiku-poet"
    assert agent.description == "Writes haikus."
    assert agent.tools == ["read_file", "web_*"]
    assert agent.model == "anthropic:claude-haiku-4-5"
    assert agent.max_turns == 5
    assert agent.budget_usd == 0.25
    assert agent.system_prompt == "You are a poet. Answer with a single haiku."
    assert agent.source == "workspace"
    assert agent.allows("web_search") and agent.allows("read_file") and not agent.allows("write_file")


def test_parse_defaults() -> None:
    agent = parse_agent("---\nname: plain\n---\n\nDo things.\n")
    assert (agent.description, agent.tools, agent.model, agent.max_turns, agent.budget_usd) == (
        "",
        None,
        None,
        None,
        None,
    )
    assert agent.allows("anything")
    assert parse_agent("---\nname: none\ntools: []\n---\nx").allows("read_file") is False


def test_render_round_trip() -> None:
    agent = parse_agent(GOOD)
    again = parse_agent(render_agent(agent))
    assert again == agent
    odd = Agent("x-1", 'quotes "and" colons: yes', "Prompt\n\n- list", ["a*"], None, None, None, None)
    assert parse_agent(render_agent(odd)) == odd


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("no front matter", "missing YAML front matter"),
        ("---\nname: x\nbody without end", "unterminated"),
        ("---\nname: [unclosed\n---\nbody", "invalid YAML"),
        ("---\n- a\n- b\n---\nbody", "must be a YAML mapping"),
        ("---\ndescription: d\n---\nbody", "missing 'name'"),
        ("---\nname: Bad_Name\n---\nbody", "invalid agent name"),
        ("---\nname: 42\n---\nbody", "invalid agent name"),
        ("---\nname: x\ntools: read_file\n---\nbody", "'tools' must be a list"),
        ("---\nname: x\nmax_turns: 0\n---\nbody", "'max_turns' must be a positive integer"),
        ("---\nname: x\nmax_turns: true\n---\nbody", "'max_turns'"),
        ("---\nname: x\nbudget_usd: cheap\n---\nbody", "'budget_usd' must be a non-negative number"),
        ("---\nname: x\nmodel: 3\n---\nbody", "'model' must be a string"),
        ("---\nname: x\ntool: [a]\n---\nbody", "unknown front matter key(s) tool"),
        ("---\nname: x\n---\n\n   \n", "body (the system prompt) is empty"),
    ],
)
def test_parse_broken(text: str, fragment: str) -> None:
    with pytest.raises(AgentError) as e:
        parse_agent(text)
    assert fragment in str(e.value)


def test_name_must_match_file_name() -> None:
    with pytest.raises(AgentError, match=r"does not match the file name 'other.md'"):
        parse_agent(GOOD, path=Path("agents/other.md"))


def test_builtin_default_is_valid() -> None:
    agent = parse_agent((BUILTIN_DIR / "default.md").read_text(), path=BUILTIN_DIR / "default.md")
    assert agent.name == "default" and agent.tools is None and len(agent.system_prompt) > 200


# -- registry and hot reload -----------------------------------------------------------------


def test_registry_builtin_and_override(tmp_path: Path) -> None:
    reg = AgentRegistry(tmp_path)  # no agents/ directory at all
    assert [a.name for a in reg.list()] == ["default"]
    assert reg.get("default").source == "builtin"
    write(tmp_path, "default", agent_text("default", "Custom default."))
    got = reg.get("default")
    assert got.source == "workspace" and got.system_prompt == "Custom default."
    assert reg.builtin("default") is not None


def test_unknown_agent_lists_known_names(tmp_path: Path) -> None:
    write(tmp_path, "alpha", agent_text("alpha"))
    write(tmp_path, "broken", "---\nname: [\n---\nx")
    with pytest.raises(AgentError) as e:
        AgentRegistry(tmp_path).get("nope")
    assert "unknown agent 'nope'" in str(e.value)
    assert "alpha, default" in str(e.value) and "broken.md" in str(e.value)


def test_hot_reload_edit_add_break(tmp_path: Path) -> None:
    reg = AgentRegistry(tmp_path)
    path = write(tmp_path, "alpha", agent_text("alpha", "First prompt."))
    assert reg.get("alpha").system_prompt == "First prompt."
    # same size, written immediately: the racy-mtime check still sees it
    path.write_text(agent_text("alpha", "Other prompt."), encoding="utf-8")
    assert reg.get("alpha").system_prompt == "Other prompt."
    # an old mtime with a changed size is seen too
    path.write_text(agent_text("alpha", "A longer third prompt."), encoding="utf-8")
    os.utime(path, (1_000_000, 1_000_000))
    assert reg.get("alpha").system_prompt == "A longer third prompt."
    # a new file appears
    write(tmp_path, "beta", agent_text("beta", description="second"))
    assert [a.name for a in reg.list()] == ["alpha", "beta", "default"]
    # breaking one leaves the others working
    write(tmp_path, "beta", "---\nname: beta\nmax_turns: lots\n---\nx")
    assert [a.name for a in reg.list()] == ["alpha", "default"]
    assert "max_turns" in reg.errors()["beta.md"]
    assert reg.get("alpha").system_prompt == "A longer third prompt."
    with pytest.raises(AgentError, match="agent 'beta' is broken"):
        reg.get("beta")
    # fixing it heals it; deleting a file removes the agent and its error
    write(tmp_path, "beta", agent_text("beta"))
    assert reg.errors() == {} and reg.get("beta").name == "beta"
    (tmp_path / "agents" / "beta.md").unlink()
    with pytest.raises(AgentError, match="unknown agent"):
        reg.get("beta")


def test_registry_skips_parsing_unchanged_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "alpha", agent_text("alpha"))
    os.utime(path, (1_000_000, 1_000_000))
    reg = AgentRegistry(tmp_path)
    first = reg.get("alpha")
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("re-read an unchanged file"))
    assert reg.get("alpha") is first


def test_registry_ignores_other_files(tmp_path: Path) -> None:
    write(tmp_path, "alpha", agent_text("alpha"))
    (tmp_path / "agents" / "notes.txt").write_text("hello")
    (tmp_path / "agents" / ".alpha.md.swp").write_text("junk")
    (tmp_path / "agents" / "sub.md").mkdir()
    reg = AgentRegistry(tmp_path)
    assert [a.name for a in reg.list()] == ["alpha", "default"] and reg.errors() == {}


def test_broken_override_is_not_silently_replaced(tmp_path: Path) -> None:
    write(tmp_path, "default", "---\nname: default\n---\n")
    reg = AgentRegistry(tmp_path)
    with pytest.raises(AgentError, match="broken"):
        reg.get("default")
    assert "default.md" in reg.errors()


def test_name_mismatch_reported(tmp_path: Path) -> None:
    write(tmp_path, "foo", agent_text("bar"))
    reg = AgentRegistry(tmp_path)
    assert "does not match the file name" in reg.errors()["foo.md"]
    assert [a.name for a in reg.list()] == ["default"]


# -- self-modification tools -----------------------------------------------------------------


@pytest.fixture
def setup(tmp_path: Path) -> tuple[AgentRegistry, VersionStore, dict[str, Tool], ToolContext]:
    reg = AgentRegistry(tmp_path)
    versions = VersionStore(Database.for_workspace(tmp_path), tmp_path)
    tools = {t.name: t for t in agent_tools(reg, versions)}
    return reg, versions, tools, ToolContext(workspace=tmp_path, run_id="run-1", extra={"who": "tester"})


async def test_tool_metadata(setup: tuple[AgentRegistry, VersionStore, dict[str, Tool], ToolContext]) -> None:
    _reg, _v, tools, _ctx = setup
    assert {n: (t.source, t.kind) for n, t in tools.items()} == {
        "create_agent": ("agents", "file_write"),
        "modify_agent": ("agents", "file_write"),
        "list_agents": ("agents", "function"),
    }
    schema = tools["create_agent"].input_schema
    assert schema["required"] == ["name", "description", "system_prompt"]
    assert "ctx" not in schema["properties"]


async def test_create_agent(setup: tuple[AgentRegistry, VersionStore, dict[str, Tool], ToolContext]) -> None:
    reg, versions, tools, ctx = setup
    out = await tools["create_agent"].call(
        {
            "name": "haiku-poet",
            "description": "Writes haikus.",
            "system_prompt": "You write haikus: 5-7-5 syllables.",
            "tools": [],
            "model": "test",
            "reason": "the user asked",
        },
        ctx,
    )
    assert not out.is_error, out.content
    assert "--agent haiku-poet" in out.content
    agent = reg.get("haiku-poet")
    assert (agent.tools, agent.model, agent.source) == ([], "test", "workspace")
    assert agent.system_prompt == "You write haikus: 5-7-5 syllables."
    [change] = versions.history(target="agent:haiku-poet")
    assert (change.kind, change.who, change.why, change.run_id) == (
        "agent.create",
        "tester",
        "the user asked",
        "run-1",
    )
    assert change.before is None and change.after == (ctx.workspace / "agents/haiku-poet.md").read_text()
    # a fresh registry (the next command) sees it too
    assert AgentRegistry(ctx.workspace).get("haiku-poet").description == "Writes haikus."

    again = await tools["create_agent"].call({"name": "haiku-poet", "description": "d", "system_prompt": "p"}, ctx)
    assert again.is_error and "already exists" in again.content and "modify_agent" in again.content
    builtin = await tools["create_agent"].call({"name": "default", "description": "d", "system_prompt": "p"}, ctx)
    assert builtin.is_error and "already exists" in builtin.content


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        ({"name": "Bad Name", "description": "d", "system_prompt": "p"}, "invalid agent name"),
        ({"name": "../evil", "description": "d", "system_prompt": "p"}, "invalid agent name"),
        ({"name": "ok", "description": " ", "system_prompt": "p"}, "description must not be empty"),
        ({"name": "ok", "description": "d", "system_prompt": ""}, "system_prompt must not be empty"),
        ({"name": "ok", "description": "d", "system_prompt": "p", "tools": [""]}, "non-empty"),
        ({"name": "ok", "description": "d"}, "system_prompt"),
        ({"name": "ok", "description": "d", "system_prompt": "p", "colour": "red"}, "colour"),
    ],
)
async def test_create_agent_bad_input(
    setup: tuple[AgentRegistry, VersionStore, dict[str, Tool], ToolContext],
    args: dict[str, object],
    fragment: str,
) -> None:
    _reg, versions, tools, ctx = setup
    out = await tools["create_agent"].call(args, ctx)
    assert out.is_error and fragment in out.content
    assert versions.history() == [] and not (ctx.workspace / "agents").exists()


async def test_modify_agent(setup: tuple[AgentRegistry, VersionStore, dict[str, Tool], ToolContext]) -> None:
    reg, versions, tools, ctx = setup
    write(ctx.workspace, "alpha", GOOD.replace("haiku-poet", "alpha"))
    out = await tools["modify_agent"].call({"name": "alpha", "system_prompt": "New prompt.", "model": ""}, ctx)
    assert not out.is_error, out.content
    assert "+New prompt." in out.content
    agent = reg.get("alpha")
    assert agent.system_prompt == "New prompt." and agent.model is None
    assert agent.tools == ["read_file", "web_*"] and agent.max_turns == 5 and agent.budget_usd == 0.25
    [change] = versions.history(target="agent:alpha")
    assert change.kind == "agent.modify" and change.before == GOOD.replace("haiku-poet", "alpha")

    same = await tools["modify_agent"].call({"name": "alpha", "system_prompt": "New prompt."}, ctx)
    assert same.is_error and "nothing to change" in same.content
    unknown = await tools["modify_agent"].call({"name": "ghost", "description": "x"}, ctx)
    assert unknown.is_error and "unknown agent 'ghost'" in unknown.content


async def test_modify_builtin_copies_it(
    setup: tuple[AgentRegistry, VersionStore, dict[str, Tool], ToolContext],
) -> None:
    reg, versions, tools, ctx = setup
    out = await tools["modify_agent"].call({"name": "default", "tools": ["read_*"]}, ctx)
    assert not out.is_error, out.content
    agent = reg.get("default")
    assert agent.source == "workspace" and agent.tools == ["read_*"]
    assert agent.system_prompt == reg.builtin("default").system_prompt  # type: ignore[union-attr]
    [change] = versions.history(target="agent:default")
    assert change.before is None and "copied from the builtin" in change.why
    # reverting the copy brings the builtin back
    versions.revert(change.id, who="tester")
    assert not (ctx.workspace / "agents/default.md").exists()
    assert reg.get("default").source == "builtin"


async def test_list_agents(setup: tuple[AgentRegistry, VersionStore, dict[str, Tool], ToolContext]) -> None:
    _reg, _v, tools, ctx = setup
    write(ctx.workspace, "alpha", agent_text("alpha", description="first"))
    write(ctx.workspace, "broken", "oops")
    out = await tools["list_agents"].call({}, ctx)
    data = json.loads(out.content)
    assert [a["name"] for a in data["agents"]] == ["alpha", "default"]
    assert data["agents"][0]["description"] == "first"
    assert "front matter" in data["errors"]["broken.md"]


async def test_revert_then_registry_follows(
    setup: tuple[AgentRegistry, VersionStore, dict[str, Tool], ToolContext],
) -> None:
    reg, versions, tools, ctx = setup
    await tools["create_agent"].call({"name": "poet", "description": "d", "system_prompt": "v1"}, ctx)
    await tools["modify_agent"].call({"name": "poet", "system_prompt": "v2"}, ctx)
    assert reg.get("poet").system_prompt == "v2"
    latest = versions.history(target="agent:poet")[0]
    versions.revert(latest.id, who="tester")
    assert reg.get("poet").system_prompt == "v1"
    first = versions.history(target="agent:poet", kind="agent.create")[0]
    versions.revert(first.id, who="tester", force=True)
    with pytest.raises(AgentError, match="unknown agent 'poet'"):
        reg.get("poet")


# -- CLI -------------------------------------------------------------------------------------


def test_cli_list_show_history_revert(tmp_path: Path) -> None:
    runner = CliRunner()
    ws = str(tmp_path)
    write(tmp_path, "broken", "---\nname: broken\n---\n")
    reg = AgentRegistry(tmp_path)
    versions = VersionStore(Database.for_workspace(tmp_path), tmp_path)
    path = "agents/poet.md"
    versions.write("agent.create", "agent:poet", path, agent_text("poet", "v1"), who="t", why="create")
    versions.write("agent.modify", "agent:poet", path, agent_text("poet", "v2"), who="t", why="improve")

    res = runner.invoke(app, ["list", "--workspace", ws, "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert [a["name"] for a in data["agents"]] == ["default", "poet"]
    assert "empty" in data["errors"]["broken.md"]
    res = runner.invoke(app, ["list", "-w", ws])
    assert res.exit_code == 0 and "poet" in res.stdout and "broken" in res.stdout

    res = runner.invoke(app, ["show", "poet", "-w", ws, "--json"])
    assert json.loads(res.stdout)["system_prompt"] == "v2"
    res = runner.invoke(app, ["show", "ghost", "-w", ws])
    assert res.exit_code == 2 and "unknown agent" in res.stderr

    res = runner.invoke(app, ["history", "poet", "-w", ws, "--json"])
    assert [c["kind"] for c in json.loads(res.stdout)] == ["agent.modify", "agent.create"]
    res = runner.invoke(app, ["history", "poet", "-w", ws, "--diff"])
    assert res.exit_code == 0 and "improve" in res.stdout

    res = runner.invoke(app, ["revert", "poet", "-w", ws])
    assert res.exit_code == 0, res.output
    assert reg.get("poet").system_prompt == "v1"
    first = versions.history(target="agent:poet", kind="agent.create")[0].id
    write(tmp_path, "poet", agent_text("poet", "hand edit"))
    res = runner.invoke(app, ["revert", "poet", "-w", ws, "--change", str(first)])
    assert res.exit_code == 2 and "changed after it" in res.stderr
    res = runner.invoke(app, ["revert", "poet", "-w", ws, "--change", str(first), "--force", "--json"])
    assert res.exit_code == 0 and json.loads(res.stdout)["kind"] == "revert"
    assert not (tmp_path / path).exists()
    res = runner.invoke(app, ["revert", "default", "-w", ws])
    assert res.exit_code == 2 and "no recorded changes" in res.stderr


def test_cli_history_without_database(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["history", "default", "-w", str(tmp_path), "--json"])
    assert res.exit_code == 0 and json.loads(res.stdout) == []
    assert not (tmp_path / ".llmos").exists()


# -- properties and concurrency --------------------------------------------------------------

_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\n-:#'\"[]{}"), max_size=60)


@settings(max_examples=150, deadline=None)
@given(
    name=st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True),
    description=_text,
    prompt=_text.filter(lambda s: s.strip() != ""),
    tools=st.none() | st.lists(st.text("abc_*?.-", min_size=1, max_size=8).filter(str.strip), max_size=3),
    model=st.none() | st.sampled_from(["test", "anthropic:claude-haiku-4-5", "openai:gpt-4o-mini"]),
    max_turns=st.none() | st.integers(1, 100),
    budget=st.none() | st.floats(0, 100, allow_nan=False),
)
def test_render_parse_round_trip_property(
    name: str,
    description: str,
    prompt: str,
    tools: list[str] | None,
    model: str | None,
    max_turns: int | None,
    budget: float | None,
) -> None:
    agent = Agent(name, description.strip(), prompt.strip(), tools, model, max_turns, budget, None)
    assert parse_agent(render_agent(agent)) == agent


async def test_concurrent_creates_one_wins(
    setup: tuple[AgentRegistry, VersionStore, dict[str, Tool], ToolContext],
) -> None:
    reg, versions, tools, ctx = setup
    args = {"name": "twin", "description": "d", "system_prompt": "p"}
    outs = await asyncio.gather(*(tools["create_agent"].call(dict(args), ctx) for _ in range(4)))
    assert sorted(o.is_error for o in outs) == [False, True, True, True]
    assert len(versions.history(target="agent:twin")) == 1 and reg.get("twin").system_prompt == "p"
