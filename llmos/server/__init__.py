"""The HTTP API of LLM OS (FastAPI + uvicorn).

`create_app(runtime)` builds the app for embedding; `serve(workspace, host, port, model="test")`
runs it with uvicorn until SIGTERM/SIGINT.
"""

from __future__ import annotations

from llmos.server.app import create_app
from llmos.server.runner import make_server, serve, serve_runtime

__all__ = ["create_app", "make_server", "serve", "serve_runtime"]
