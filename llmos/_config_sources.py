"""Where a configuration comes from: `llmos.toml` read, the environment's overrides, dicts merged.

The private half of `llmos.config` that knows nothing of its sections (`llmos.config` re-exports
`read_toml` and `env_overrides`); like it, it imports nothing of the package but `llmos.exceptions`.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from llmos.exceptions import ConfigError


def merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = merge(out[k], v)
        else:
            out[k] = v
    return out


def format_errors(e: ValidationError, source: str) -> str:
    parts = []
    for err in e.errors():
        loc = ".".join(str(p) for p in err["loc"])
        msg = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
        parts.append(f"{loc}: {msg}")
    return f"invalid configuration in {source}: " + "; ".join(parts)


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path} is not valid TOML: {e}") from e
    except OSError as e:
        raise ConfigError(f"cannot read {path}: {e}") from e


def env_overrides(environ: dict[str, str] | None = None) -> dict[str, Any]:
    env = os.environ if environ is None else environ
    out: dict[str, Any] = {}
    model: dict[str, Any] = {}
    if env.get("LLMOS_PROVIDER"):
        model["provider"] = env["LLMOS_PROVIDER"]
    if env.get("LLMOS_MODEL"):
        model["name"] = env["LLMOS_MODEL"]
    if env.get("LLMOS_BASE_URL"):
        model["base_url"] = env["LLMOS_BASE_URL"]
    if model:
        out["model"] = model
    if env.get("LLMOS_BUDGET_USD"):
        try:
            out["budget"] = {"total_usd": float(env["LLMOS_BUDGET_USD"])}
        except ValueError:
            raise ConfigError(f"LLMOS_BUDGET_USD must be a number, got {env['LLMOS_BUDGET_USD']!r}") from None
    if env.get("LLMOS_STORAGE_URL"):
        out["storage"] = {"url": env["LLMOS_STORAGE_URL"]}
    return out
