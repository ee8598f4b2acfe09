"""Sub-command groups (`llmos tools ...`, `llmos traces ...`) imported only when used.

`llmos run` needs none of them, yet importing every group module and turning each of its commands
into a Click command used to cost about a fifth of the start-up. The root group knows each group's
name and module; a group is imported the first time it is asked for (when invoked, or when `--help`
lists every command), in the order given, so help looks as before.
"""

from __future__ import annotations

import importlib
from typing import Any, ClassVar

import typer
from typer._click import Command, Context
from typer.core import TyperGroup
from typer.models import TyperInfo

# name -> (module, attribute of the module holding its typer.Typer), filled by llmos.cli in help
# order; a module missing from this checkout (a subsystem not built) is left out, as before
GROUPS: dict[str, tuple[str, str]] = {}


def _load(name: str, settings: dict[str, Any]) -> Command | None:
    module_name, attribute = GROUPS[name]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        if e.name != module_name:
            raise
        return None
    sub: typer.Typer | None = getattr(module, attribute, None)
    if sub is None:
        return None
    from typer.main import get_group_from_info

    return get_group_from_info(TyperInfo(sub, name=name), **settings)


class LazyGroup(TyperGroup):
    """The root group: its own commands, then the groups of GROUPS, each imported on first use."""

    groups: ClassVar[dict[str, tuple[str, str]]] = GROUPS

    def _settings(self) -> dict[str, Any]:
        return {
            "pretty_exceptions_short": True,
            "rich_markup_mode": self.rich_markup_mode,
            "suggest_commands": self.suggest_commands,
        }

    def list_commands(self, ctx: Context) -> list[str]:
        own = super().list_commands(ctx)
        return own + [n for n in self.groups if n not in own and self.get_command(ctx, n) is not None]

    def resolve_command(self, ctx: Context, args: list[str]) -> tuple[str | None, Command | None, list[str]]:
        if args and args[0] not in self.commands and args[0] not in self.groups:
            self.list_commands(ctx)  # an unknown name: load every group, so "Did you mean" can name one
        return super().resolve_command(ctx, args)

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None and cmd_name in self.groups:
            command = _load(cmd_name, self._settings())
            if command is not None:
                self.commands[cmd_name] = command
        return command


__all__ = ["GROUPS", "LazyGroup"]
