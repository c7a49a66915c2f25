"""Sub-commands imported only when they run: `ssmd --version` and `--help` stay instant.

`LAZY` names each sub-command's module, how it attaches (`app`: a sub-Typer added with
`add_typer`; `register`: a function that adds commands to a Typer) and its one-line help,
which `ssmd --help` shows without importing the module. A sub-command registered directly
on `ssmd.cli.app` still works (it is simply imported up front); adding it here instead keeps
start-up cheap. `tests/cli/test_manners.py` checks every help line here matches the command's
own docstring.
"""

from __future__ import annotations

import importlib
from typing import Any

import typer
import typer.core
import typer.main

from ssmd.cli.common import prepare_commands, root_option
from ssmd.cli.helpformat import PLAIN_HELP

LAZY: dict[str, tuple[str, str, str]] = {
    "validate": (
        "ssmd.cli.validate",
        "register",
        "Check every feed, schema and environment; exit 1 when anything is wrong.",
    ),
    "diff": (
        "ssmd.cli.diff",
        "register",
        "Validate the registry, summarize what changed since HEAD, then print the git diff.",
    ),
    "commit": (
        "ssmd.cli.commit",
        "register",
        "Validate the whole registry; refuse on errors, else stage exchanges/ and commit it.",
    ),
    "init": (
        "ssmd.cli.init",
        "register",
        "Create exchanges/ with one example feed, schema and environment that validate clean.",
    ),
    "plan": (
        "ssmd.cli.plan",
        "register",
        "Show what every environment will do differently, and from which date.",
    ),
    "log": (
        "ssmd.cli.plan",
        "register",
        "The registry's history, one commit at a time, with what changed in words.",
    ),
    "json-schema": (
        "ssmd.cli.json_schema",
        "register",
        "Write one strict JSON Schema per file kind and a SchemaStore-style catalog.",
    ),
    "fmt": (
        "ssmd.cli.fmt",
        "register",
        "Rewrite feed, schema and environment files in the canonical layout.",
    ),
    "feed": ("ssmd.cli.feed", "app", "Feeds: where market data comes from."),
    "schema": ("ssmd.cli.schema", "app", "Cap'n Proto schemas and their versions."),
    "env": ("ssmd.cli.env", "app", "Environments: a feed, a schema, keys, transport, storage."),
    "data": (
        "ssmd.cli.data",
        "app",
        "Stored data: which days exist, their gaps and quality (read from manifests).",
    ),
}


def load(name: str) -> Any:
    """Import sub-command `name` and build its Click command (with the shared `--root`)."""
    module_name, how, _help = LAZY[name]
    module = importlib.import_module(module_name)
    holder = typer.Typer(add_completion=False, **PLAIN_HELP)
    if how == "app":
        holder.add_typer(module.app, name=name)
    else:
        module.register(holder)
    built = typer.main.get_command(holder)
    command = built.commands[name] if hasattr(built, "commands") else built
    if not any("--root" in getattr(p, "opts", ()) for p in command.params):
        command.params.append(root_option())
    return prepare_commands(command)


class LazyGroup(typer.core.TyperGroup):
    """The top-level group: lists LAZY's names, imports one only when it is resolved."""

    listing = False

    def list_commands(self, ctx: Any) -> list[str]:
        return [*super().list_commands(ctx), *(n for n in LAZY if n not in self.commands)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self.commands and cmd_name in LAZY:
            if self.listing:  # `ssmd --help`: the name and one line, no import
                _module, _how, help_text = LAZY[cmd_name]
                return typer.core.TyperCommand(
                    name=cmd_name, help=help_text, short_help=help_text, callback=None
                )
            self.commands[cmd_name] = load(cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self.listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self.listing = False
