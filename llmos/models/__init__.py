"""Model providers behind one protocol (`llmos.models.base.Model`).

    resolve_model(config.model)          # a Model from [model] in llmos.toml
    parse_model_spec("openai:gpt-4o")    # ("openai", "gpt-4o")

Providers: "anthropic" (Messages API), "openai" (chat completions, any compatible server) and
"test" (the shipped offline `TestModel`). Local servers are aliases of "openai" with their usual
base URL: ollama, vllm, lmstudio, llamacpp. The SDKs are imported only when a provider is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from llmos.exceptions import ConfigError, UnknownProvider
from llmos.models.base import (
    Message,
    Model,
    ModelRequest,
    ModelResponse,
    StreamDone,
    StreamEvent,
    TextBlock,
    TextDelta,
    ToolCall,
    ToolCallDelta,
    ToolResult,
    ToolSpec,
    Usage,
    collect,
)

if TYPE_CHECKING:
    from llmos.config import ModelConfig

PROVIDERS = ("anthropic", "openai", "test")
LOCAL_BASE_URLS = {
    "ollama": "http://localhost:11434/v1",
    "vllm": "http://localhost:8000/v1",
    "lmstudio": "http://localhost:1234/v1",
    "llamacpp": "http://localhost:8080/v1",
}
LOCAL_DEFAULT_NAMES = {"ollama": "llama3.2", "llamacpp": "default"}  # vLLM and LM Studio need a name
_ALIASES = {"claude": "anthropic", "llama.cpp": "llamacpp", "llama-cpp": "llamacpp", "lm-studio": "lmstudio"}


def known_providers() -> list[str]:
    return [*PROVIDERS, *LOCAL_BASE_URLS]


def _canonical(provider: str) -> str:
    p = provider.strip().lower()
    return _ALIASES.get(p, p)


def parse_model_spec(spec: str) -> tuple[str, str]:
    """`provider:name`, a bare provider, or a bare model name -> (provider, name).

    "test" -> ("test", ""); "anthropic:claude-sonnet-4-5"; "ollama:llama3.2"; a bare "claude-..."
    means anthropic and a bare "gpt-..." (or "o1"/"o3"/"o4"...) means openai.
    """
    text = spec.strip()
    if not text:
        raise ConfigError("empty model spec: use 'provider:name', e.g. 'anthropic:claude-sonnet-4-5'")
    head, sep, rest = text.partition(":")
    if sep and _canonical(head) in known_providers():
        return _canonical(head), rest.strip()
    if _canonical(text) in known_providers():
        return _canonical(text), ""
    low = text.lower()
    if low.startswith("claude"):
        return "anthropic", text
    if low.startswith(("gpt-", "gpt4", "chatgpt", "o1", "o3", "o4")):
        return "openai", text
    if sep:
        raise UnknownProvider(
            f"unknown model provider {head!r} in {spec!r}: known providers are " + ", ".join(known_providers())
        )
    raise UnknownProvider(
        f"cannot tell the provider of model {spec!r}: write it as 'provider:name' with one of "
        + ", ".join(known_providers())
    )


def resolve_model(config: ModelConfig) -> Model:
    """The model `[model]` describes. Raises UnknownProvider, MissingDependency or MissingAPIKey."""
    provider = _canonical(config.provider or "test")
    if provider == "test":
        from llmos.models.testmodel import TestModel

        return TestModel(name=config.name or "test")
    if provider == "anthropic":
        from llmos.models.anthropic import AnthropicModel

        return AnthropicModel.from_config(config)
    if provider == "openai":
        from llmos.models.openai import OpenAIModel

        return OpenAIModel.from_config(config)
    if provider in LOCAL_BASE_URLS:
        from llmos.models.openai import OpenAIModel

        name = config.name or LOCAL_DEFAULT_NAMES.get(provider, "")
        if not name:
            raise ConfigError(f"[model] name is required for {provider}: the model the server serves")
        base_url = config.base_url or LOCAL_BASE_URLS[provider]
        updated = config.model_copy(update={"name": name, "base_url": base_url})
        return OpenAIModel.from_config(updated, provider=provider)
    raise UnknownProvider(
        f"unknown model provider {config.provider!r}: known providers are {', '.join(known_providers())}"
    )


def __getattr__(name: str) -> Any:
    lazy = {
        "TestModel": "llmos.models.testmodel",
        "AnthropicModel": "llmos.models.anthropic",
        "OpenAIModel": "llmos.models.openai",
        "Pricing": "llmos.models.pricing",
        "Price": "llmos.models.pricing",
    }
    if name in lazy:
        import importlib

        return getattr(importlib.import_module(lazy[name]), name)
    raise AttributeError(f"module 'llmos.models' has no attribute {name!r}")


__all__ = [
    "LOCAL_BASE_URLS",
    "PROVIDERS",
    "Message",
    "Model",
    "ModelRequest",
    "ModelResponse",
    "StreamDone",
    "StreamEvent",
    "TextBlock",
    "TextDelta",
    "ToolCall",
    "ToolCallDelta",
    "ToolResult",
    "ToolSpec",
    "Usage",
    "collect",
    "known_providers",
    "parse_model_spec",
    "resolve_model",
]
