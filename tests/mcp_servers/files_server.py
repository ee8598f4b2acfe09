"""An MCP stdio server with annotated file tools, for the policy tests (mcp 2.x `MCPServer`).

    python files_server.py ROOT

Tools (paths are relative to ROOT or absolute):
- read_text(path)            readOnlyHint
- list_dir(path)             readOnlyHint, openWorldHint false
- write_text(path, content)  destructiveHint (writes the file)
- create_branch(repo_path, name)  no annotations (writes a marker file REPO/.branch-NAME)
"""

from __future__ import annotations

import os
import sys


def build(root: str) -> object:
    from mcp.server.mcpserver import MCPServer
    from mcp.types import ToolAnnotations

    server = MCPServer("files")

    def where(path: str) -> str:
        return path if os.path.isabs(path) else os.path.join(root, path)

    @server.tool(annotations=ToolAnnotations(read_only_hint=True))
    def read_text(path: str) -> str:
        """Read a text file."""
        with open(where(path), encoding="utf-8") as f:
            return f.read()

    @server.tool(annotations=ToolAnnotations(read_only_hint=True, open_world_hint=False))
    def list_dir(path: str) -> list[str]:
        """List a directory."""
        return sorted(os.listdir(where(path)))

    @server.tool(annotations=ToolAnnotations(read_only_hint=False, destructive_hint=True))
    def write_text(path: str, content: str) -> str:
        """Write a text file (replacing it)."""
        with open(where(path), "w", encoding="utf-8") as f:
            f.write(content)
        return f"wrote {len(content)} characters"

    @server.tool()
    def create_branch(repo_path: str, name: str) -> str:
        """Create a branch (here: a marker file) in a repository."""
        with open(os.path.join(where(repo_path), f".branch-{name}"), "w", encoding="utf-8") as f:
            f.write(name)
        return f"created {name}"

    return server


if __name__ == "__main__":
    build(sys.argv[1]).run()  # type: ignore[attr-defined]
