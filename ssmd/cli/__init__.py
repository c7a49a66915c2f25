"""The `ssmd` command: parse arguments, call the library, render. Nothing else."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer
import typer.main

from ssmd import __version__
from ssmd.cli.common import COLOR_HELP, ROOT_HELP, Color, State, prepare_commands
from ssmd.cli.helpformat import PLAIN_HELP
from ssmd.cli.lazy import LazyGroup

app = typer.Typer(
    name="ssmd",
    help="Market-data metadata: feeds, Cap'n Proto schemas and environments, kept as YAML in git.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    cls=LazyGroup,  # sub-commands (ssmd.cli.lazy.LAZY) are imported only when they run
    **PLAIN_HELP,  # plain Click help, no rich: start-up and greppable help (ssmd.cli.helpformat)
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ssmd {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    root: Annotated[
        Path | None,
        typer.Option("--root", help=ROOT_HELP),
    ] = None,
    color: Annotated[Color, typer.Option("--color", help=COLOR_HELP)] = Color.AUTO,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    ctx.obj = State(root, color)
    if color == Color.NEVER:
        os.environ["NO_COLOR"] = "1"  # rich (help, progress bars) reads it too


def command() -> Any:
    """The Click command behind `ssmd`, with `--root` on every sub-command (see cli.common;
    lazily loaded ones get it in ssmd.cli.lazy.load)."""
    return prepare_commands(typer.main.get_command(app))


def main() -> None:
    command()(prog_name="ssmd")
