"""Configuration and bad input: llmos.toml errors, presets, environment overrides, ConfigBuilder."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from fakes.llm_server import FakeLLMServer, ToolUse, llm_server, text, tools
from runtime_support import cli_env, llmos_cli, one_json

from llmos.config import CONFIG_FILE, DEFAULT_TOML, PRESETS, ConfigBuilder, env_overrides, load_config
from llmos.exceptions import ConfigError, MissingAPIKey, UnknownProvider
from llmos.models.testmodel import TestModel
from llmos.runtime import LLMOS
from llmos.storage.db import Database
from llmos.storage.traces import TraceStore
from llmos.tools.base import tool

__all__ = ["llm_server"]


def write(ws: Path, toml: str) -> Path:
    ws.mkdir(parents=True, exist_ok=True)
    path = ws / CONFIG_FILE
    path.write_text(toml)
    return path


# ---------------------------------------------------------------------------- load_config
def test_defaults_without_a_file(tmp_path: Path) -> None:
    cfg = load_config(tmp_path, environ={})
    assert cfg.preset == "development" and cfg.model.provider == "test"
    assert (cfg.budget.total_usd, cfg.budget.per_run_usd) == (25.0, 1.0)


def test_malformed_toml_names_the_file_and_the_problem(tmp_path: Path) -> None:
    path = write(tmp_path, "[model]\nprovider = \n")
    with pytest.raises(ConfigError) as e:
        load_config(tmp_path, environ={})
    msg = str(e.value)
    assert str(path) in msg and "not valid TOML" in msg and "line 2" in msg


def test_unknown_keys_are_named(tmp_path: Path) -> None:
    path = write(tmp_path, "[model]\nprovder = 'anthropic'\n[budgett]\ntotal_usd = 1\n")
    with pytest.raises(ConfigError) as e:
        load_config(tmp_path, environ={})
    msg = str(e.value)
    assert str(path) in msg and "model.provder: unknown key" in msg and "budgett: unknown key" in msg


def test_bad_values_are_named(tmp_path: Path) -> None:
    write(tmp_path, "[budget]\ntotal_usd = -1\n[agent]\nmax_turns = 'many'\n")
    with pytest.raises(ConfigError) as e:
        load_config(tmp_path, environ={})
    assert "budget.total_usd" in str(e.value) and "agent.max_turns" in str(e.value)


def test_a_section_that_is_not_a_table(tmp_path: Path) -> None:
    write(tmp_path, 'model = "claude"\n')
    with pytest.raises(ConfigError, match="model"):
        load_config(tmp_path, environ={})


@pytest.mark.parametrize("preset", ["nonsense", "3", "[1, 2]"])
def test_unknown_or_malformed_preset(tmp_path: Path, preset: str) -> None:
    value = preset if preset.startswith("[") else f'"{preset}"'
    write(tmp_path, f"preset = {value}\n")
    with pytest.raises(ConfigError, match="preset"):
        load_config(tmp_path, environ={})


def test_presets() -> None:
    for name in PRESETS:
        cfg = load_config(None, preset=name, environ={})
        assert cfg.preset == name
    prod = load_config(None, preset="production", environ={})
    assert (prod.budget.total_usd, prod.budget.per_run_usd, prod.learning.min_support) == (100.0, 2.0, 3)
    test = load_config(None, preset="testing", environ={})
    assert (test.model.provider, test.model.max_retries, test.evolution.git) == ("test", 0, False)
    assert test.budget.total_usd == 1.0


def test_the_file_overrides_its_preset(tmp_path: Path) -> None:
    write(tmp_path, 'preset = "production"\n[budget]\nper_run_usd = 0.25\n')
    cfg = load_config(tmp_path, environ={})
    assert cfg.preset == "production" and cfg.budget.per_run_usd == 0.25 and cfg.budget.total_usd == 100.0


def test_environment_overrides_the_file_and_overrides_win(tmp_path: Path) -> None:
    write(tmp_path, '[model]\nprovider = "anthropic"\nname = "claude-haiku-4-5"\n[budget]\ntotal_usd = 3.0\n')
    env = {"LLMOS_MODEL": "gpt-4o", "LLMOS_PROVIDER": "openai", "LLMOS_BUDGET_USD": "7.5"}
    cfg = load_config(tmp_path, environ=env)
    assert (cfg.model.provider, cfg.model.name, cfg.budget.total_usd) == ("openai", "gpt-4o", 7.5)
    cfg = load_config(tmp_path, environ=env, overrides={"budget": {"total_usd": 1.5}})
    assert cfg.budget.total_usd == 1.5 and cfg.model.name == "gpt-4o"
    assert env_overrides({"LLMOS_BASE_URL": "http://127.0.0.1:9/v1"}) == {
        "model": {"base_url": "http://127.0.0.1:9/v1"}
    }


def test_the_real_environment_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLMOS_BUDGET_USD", "2.25")
    monkeypatch.setenv("LLMOS_MODEL", "some-model")
    cfg = load_config(tmp_path)
    assert cfg.budget.total_usd == 2.25 and cfg.model.name == "some-model"


def test_a_bad_budget_variable_is_named() -> None:
    with pytest.raises(ConfigError, match="LLMOS_BUDGET_USD must be a number, got 'lots'"):
        load_config(None, environ={"LLMOS_BUDGET_USD": "lots"})


def test_config_builder() -> None:
    cfg = (
        ConfigBuilder("testing")
        .model("anthropic", "claude-haiku-4-5", max_tokens=1024)
        .budget(2.0, per_run_usd=0.1)
        .set("agent", max_turns=5)
        .mcp_server("files", "python", "-m", "server", timeout_s=5)
        .build()
    )
    assert cfg.preset == "testing"
    assert (cfg.model.provider, cfg.model.name, cfg.model.max_tokens) == ("anthropic", "claude-haiku-4-5", 1024)
    assert cfg.model.max_retries == 0  # from the preset
    assert (cfg.budget.total_usd, cfg.budget.per_run_usd, cfg.agent.max_turns) == (2.0, 0.1, 5)
    assert cfg.mcp.servers["files"].args == ["-m", "server"] and cfg.mcp.servers["files"].timeout_s == 5
    with pytest.raises(ConfigError, match=r"agent\.max_turnz: unknown key"):
        ConfigBuilder().set("agent", max_turnz=3).build()
    with pytest.raises(ConfigError, match="unknown preset 'staging'"):
        ConfigBuilder("staging")


def test_default_toml_is_accepted(tmp_path: Path) -> None:
    write(tmp_path, DEFAULT_TOML)
    cfg = load_config(tmp_path, environ={})
    assert cfg.model.provider == "test" and cfg.learning.follower_threshold == 0.92


# ---------------------------------------------------------------------------- providers
async def test_unknown_provider_is_named(tmp_path: Path) -> None:
    write(tmp_path, '[model]\nprovider = "skynet"\n')
    os = LLMOS(tmp_path)
    with pytest.raises(UnknownProvider, match="'skynet'") as e:
        await os.start()
    assert "anthropic" in str(e.value)  # and the known ones
    assert os.db is None


async def test_unknown_provider_in_a_model_spec(tmp_path: Path) -> None:
    async with LLMOS(tmp_path, model=TestModel(script=["x"])) as os:
        with pytest.raises(UnknownProvider, match="'skynet'"):
            await os.execute("hello", model="skynet:v1")


async def test_missing_anthropic_key(tmp_path: Path) -> None:
    write(tmp_path, '[model]\nprovider = "anthropic"\n')
    os = LLMOS(tmp_path)
    with pytest.raises(MissingAPIKey, match="ANTHROPIC_API_KEY"):
        await os.start()
    assert os.db is None


async def test_bad_tool_json_from_the_model_fails_the_run_naming_the_tool(
    tmp_path: Path, llm_server: FakeLLMServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    @tool
    def lookup(query: str) -> str:
        """Look something up."""
        return "found"

    monkeypatch.setenv("OPENAI_API_KEY", "k")
    write(
        tmp_path,
        f'preset = "testing"\n[model]\nprovider = "openai"\nname = "gpt-4o"\nbase_url = "{llm_server.url}/v1"\n'
        "[learning]\nenabled = false\n",
    )
    llm_server.push(tools(ToolUse("lookup", {}, raw_arguments="{bad")))
    async with LLMOS(tmp_path, tools=[lookup]) as os:
        result = await os.execute("look it up")
        trace = os.traces.get(result.run_id)
    assert not result.success and result.status == "failed"
    assert "ModelResponseError" in (result.error or "") and "'lookup'" in (result.error or "")
    assert "not valid JSON" in (result.error or "")
    assert trace is not None and trace.status == "failed" and result.tool_calls == []
    assert llm_server.requests[0].path == "/v1/chat/completions"


async def test_openai_provider_from_the_config_runs(
    tmp_path: Path, llm_server: FakeLLMServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "k")
    write(tmp_path, f'[model]\nprovider = "openai"\nname = "gpt-4o"\nbase_url = "{llm_server.url}/v1"\n')
    llm_server.push(text("hi there"))
    async with LLMOS(tmp_path) as os:
        result = await os.execute("hello")
    assert result.success and result.output == "hi there" and result.unpriced  # gpt-4o has no price here
    assert llm_server.requests[0].headers["authorization"] == "Bearer k"


# ---------------------------------------------------------------------------- the CLI on bad input
async def test_cli_bad_config_exit_2_and_nothing_stored_is_lost(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    env = cli_env()
    first = await asyncio.to_thread(
        llmos_cli, "run", "list the files", "-w", str(ws), "--json", "--model", "test", env=env
    )
    assert first.returncode == 0, first.stderr
    run_id = one_json(first.stdout)["run_id"]
    path = write(ws, "[model\nprovider = 'test'\n")
    for args in (["run", "hello", "-w", str(ws), "--json"], ["stats", "-w", str(ws)], ["budget", "-w", str(ws)]):
        proc = await asyncio.to_thread(llmos_cli, *args, env=env)
        assert proc.returncode == 2, (args, proc.stdout, proc.stderr)
        assert str(path) in proc.stderr and "not valid TOML" in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stderr
        if "--json" in args:  # `run --json` still prints exactly one JSON object, with the error
            data = one_json(proc.stdout)
            assert data["success"] is False and "not valid TOML" in data["error"]
        else:
            assert proc.stdout == ""
    # the traces are untouched and readable, by the CLI and directly
    listing = await asyncio.to_thread(llmos_cli, "traces", "list", "-w", str(ws), "--json", env=env)
    assert listing.returncode == 0 and [t["id"] for t in json.loads(listing.stdout)] == [run_id]
    db = Database.for_workspace(ws)
    assert TraceStore(db).require(run_id).success
    db.close()


async def test_cli_unknown_key_and_missing_key(tmp_path: Path) -> None:
    env = cli_env()
    write(tmp_path / "a", "[model]\nnmae = 'x'\n")
    proc = await asyncio.to_thread(llmos_cli, "run", "hi", "-w", str(tmp_path / "a"), env=env)
    assert proc.returncode == 2 and "model.nmae: unknown key" in proc.stderr
    write(tmp_path / "b", "[model]\nprovider = 'anthropic'\n")
    proc = await asyncio.to_thread(llmos_cli, "run", "hi", "-w", str(tmp_path / "b"), env=env)
    assert proc.returncode == 2 and "ANTHROPIC_API_KEY" in proc.stderr and "Traceback" not in proc.stderr
    proc = await asyncio.to_thread(llmos_cli, "run", "hi", "-w", str(tmp_path / "c"), "--model", "skynet:v1", env=env)
    assert proc.returncode == 2 and "skynet" in proc.stderr
