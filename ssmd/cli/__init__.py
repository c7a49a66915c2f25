"""The `ssmd` command: parse arguments, call the library, render. Nothing else."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ssmd import __version__
from ssmd.cli import commit, data, diff, env, feed, schema, validate
from ssmd.cli import fmt as fmt_command
from ssmd.cli.common import State

app = typer.Typer(
    name="ssmd",
    help="Market-data metadata: feeds, Cap'n Proto schemas and environments, kept as YAML in git.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(feed.app, name="feed")
app.add_typer(schema.app, name="schema")
app.add_typer(env.app, name="env")
app.add_typer(data.app, name="data")
validate.register(app)
diff.register(app)
commit.register(app)
fmt_command.register(app)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ssmd {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    root: Annotated[
        Path | None,
        typer.Option(
            "--root",
            help="Registry root (the folder holding exchanges/). Default: $SSMD_ROOT, "
            "else the nearest such folder above the working directory.",
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    ctx.obj = State(root)


def main() -> None:
    app()
