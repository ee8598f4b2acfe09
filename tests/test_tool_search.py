"""Tool search: keyword ranking over names and descriptions, and the tool_search tool."""

from __future__ import annotations

import json
from pathlib import Path

from llmos.config import Config
from llmos.tools import Tool, ToolContext, ToolOutput, ToolRegistry, builtin_tools
from llmos.tools.search import SEARCH_TOOL_DESCRIPTION, ToolSearch, tokenize


def fake(name: str, description: str, source: str = "python") -> Tool:
    async def invoke(args: dict[str, object], ctx: ToolContext) -> ToolOutput:
        return ToolOutput("ok")

    return Tool(name, description, {"type": "object", "properties": {}}, invoke, source=source)


def registry(tmp_path: Path) -> ToolRegistry:
    reg = ToolRegistry(builtin_tools(tmp_path, Config()))
    for t in [
        fake("calc__add", "Add two integers.", "mcp:calc"),
        fake("calc__multiply", "Multiply two numbers.", "mcp:calc"),
        fake("weather.getForecast", "Get the weather forecast for a city."),
        fake("send-email", "Send an email message to a recipient."),
        fake("crm__lookup_customer", "Find a customer record by email address or name."),
        fake("address_book", "Contacts: names, phone numbers and postal addresses."),
    ]:
        reg.register(t)
    return reg


def names(tools: list[Tool]) -> list[str]:
    return [t.name for t in tools]


def test_tokenize() -> None:
    assert tokenize("weather.getForecast") == ["weather", "get", "forecast"]
    assert tokenize("crm__lookup_customer") == ["crm", "lookup", "customer"]
    assert tokenize("send-email to the Files") == ["send", "email", "file"]


def test_exact_name_and_suffix_rank_first(tmp_path: Path) -> None:
    search = ToolSearch(registry(tmp_path))
    assert names(search.search("read_file"))[0] == "read_file"
    assert names(search.search("add"))[0] == "calc__add"
    assert names(search.search("calc__multiply"))[0] == "calc__multiply"
    # "address" is in other descriptions, but the suffix/exact match wins
    assert names(search.search("address_book"))[0] == "address_book"


def test_keyword_search(tmp_path: Path) -> None:
    search = ToolSearch(registry(tmp_path))
    assert names(search.search("weather forecast"))[0] == "weather.getForecast"
    assert names(search.search("send an email"))[0] == "send-email"
    assert names(search.search("find customer by email"))[0] == "crm__lookup_customer"
    assert names(search.search("run a shell command"))[0] == "run_command"
    assert "grep" in names(search.search("search file contents regular expression"))
    assert names(search.search("multiplication numbers"))[0] == "calc__multiply"  # word prefix credit
    assert search.search("zebra quantum") == []
    assert search.search("") == []
    assert len(search.search("file", limit=2)) == 2


def test_search_sees_registry_changes(tmp_path: Path) -> None:
    reg = registry(tmp_path)
    search = ToolSearch(reg)
    assert search.search("translate") == []
    reg.register(fake("translate_text", "Translate text between languages."))
    assert names(search.search("translate")) == ["translate_text"]
    reg.remove("translate_text")
    assert search.search("translate") == []


async def test_search_tool(tmp_path: Path) -> None:
    reg = registry(tmp_path)
    search = ToolSearch(reg)
    found: list[list[str]] = []
    tool = search.search_tool(found.append)
    reg.register(tool)
    assert tool.name == "tool_search"
    assert tool.description == SEARCH_TOOL_DESCRIPTION
    assert tool.input_schema["required"] == ["query"]
    assert set(tool.input_schema["properties"]) == {"query"}

    out = await tool.call({"query": "weather"}, ToolContext(workspace=tmp_path))
    listing = json.loads(out.content)
    assert listing[0] == {
        "name": "weather.getForecast",
        "description": "Get the weather forecast for a city.",
    }
    assert found == [[item["name"] for item in listing]]
    assert "tool_search" not in names(search.search("search for tools"))

    empty = await tool.call({"query": "zebra"}, ToolContext(workspace=tmp_path))
    assert json.loads(empty.content) == [] and found[-1] == []
    assert (await tool.call({}, ToolContext(workspace=tmp_path))).is_error


def test_search_over_a_plain_list() -> None:
    search = ToolSearch([fake("a_tool", "Alpha."), fake("b_tool", "Beta.")])
    assert names(search.search("beta")) == ["b_tool"]


def test_cli_tools_list_and_search(tmp_path: Path) -> None:
    import sys

    from typer.testing import CliRunner

    from llmos.cli.tools import app

    server = Path(__file__).parent / "mcp_servers" / "echo_server.py"
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "llmos.toml").write_text(
        f"[mcp.servers.echo]\ncommand = {json.dumps(sys.executable)}\nargs = [{json.dumps(str(server))}]\n"
    )
    runner = CliRunner()
    result = runner.invoke(app, ["list", "--workspace", str(ws), "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["name"]: r for r in json.loads(result.stdout)}
    assert rows["read_file"]["source"] == "builtin" and rows["read_file"]["kind"] == "file_read"
    assert rows["run_command"]["kind"] == "shell"
    assert rows["echo__add"] == {
        "name": "echo__add",
        "source": "mcp:echo",
        "kind": "file_write",  # unannotated MCP tools may write
        "description": "Add two integers.",
    }
    result = runner.invoke(app, ["search", "add two integers", "--workspace", str(ws), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["name"] == "echo__add"
    result = runner.invoke(app, ["mcp", "--workspace", str(ws), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["echo"]["running"] is True
