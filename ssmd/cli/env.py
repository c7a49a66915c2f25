"""`ssmd env ...`: show and list environments."""

from __future__ import annotations

import json

import typer

from ssmd.cli.common import AsOf, Json, KnownAt, as_of_date, echo_json, fail, state
from ssmd.cli.render import render_environment, table
from ssmd.document import Kind
from ssmd.resolve import today
from ssmd.views import environment_view

app = typer.Typer(
    help="Environments: a feed, a schema, keys, transport, storage.", no_args_is_help=True
)


@app.command("show")
def show(
    ctx: typer.Context,
    name: str,
    as_of: AsOf = None,
    as_json: Json = False,
    known_at: KnownAt = None,
) -> None:
    """Show an environment with the feed and schema versions it resolves to on a date.

    Key values are never shown: only which variables are expected and whether each is set.
    Example: ssmd env show kalshi-prod --as-of 2025-12-01 --known-at 2025-11-15
    """
    workspace = state(ctx).workspace(known_at)
    environment = workspace.environment(name)
    if environment is None:
        names = ", ".join(workspace.names(Kind.ENVIRONMENT))
        fail(f"no environment named '{name}' (environments: {names})")
    view = environment_view(workspace, environment, as_of_date(as_of))
    if as_json:
        echo_json(view.model_dump_json(indent=2, by_alias=True))
    else:
        typer.echo(render_environment(view))


@app.command("list")
def list_environments(ctx: typer.Context, as_json: Json = False, known_at: KnownAt = None) -> None:
    """List environments with what they resolve to today.

    Example: ssmd env list
    """
    workspace = state(ctx).workspace(known_at)
    views = [
        environment_view(workspace, e, today())
        for n in workspace.names(Kind.ENVIRONMENT)
        if (e := workspace.environment(n)) is not None
    ]
    if as_json:
        echo_json(
            json.dumps([json.loads(v.model_dump_json(by_alias=True)) for v in views], indent=2)
        )
        return
    rows = [
        [
            v.environment.name,
            v.environment.feed + (f" {v.feed_version.version}" if v.feed_version else ""),
            v.schema_resolved or f"{v.environment.schema_ref} (unresolved)",
            v.environment.storage.type.value if v.environment.storage else "-",
        ]
        for v in views
    ]
    typer.echo(table(["NAME", "FEED", "SCHEMA", "STORAGE"], rows))
