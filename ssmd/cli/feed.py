"""`ssmd feed ...`: show and list feeds."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from ssmd.cli.common import AsOf, Json, KnownAt, as_of_date, echo_json, fail, state
from ssmd.cli.render import render_feed, table
from ssmd.document import Kind
from ssmd.models import FeedStatus
from ssmd.resolve import resolve_as_of, today
from ssmd.views import feed_view

app = typer.Typer(help="Feeds: where market data comes from.", no_args_is_help=True)


@app.command("show")
def show(
    ctx: typer.Context,
    name: str,
    as_of: AsOf = None,
    as_json: Json = False,
    known_at: KnownAt = None,
) -> None:
    """Show a feed and the version in effect on a date.

    Example: ssmd feed show kalshi --as-of 2024-12-31
    """
    workspace = state(ctx).workspace(known_at)
    feed = workspace.feed(name)
    if feed is None:
        fail(f"no feed named '{name}' (feeds: {', '.join(workspace.names(Kind.FEED))})")
    view = feed_view(workspace, feed, as_of_date(as_of))
    if as_json:
        echo_json(view.model_dump_json(indent=2))
    else:
        typer.echo(render_feed(view))


@app.command("list")
def list_feeds(
    ctx: typer.Context,
    status: Annotated[
        FeedStatus | None, typer.Option("--status", help="Only feeds with this status.")
    ] = None,
    as_json: Json = False,
    known_at: KnownAt = None,
) -> None:
    """List feeds with their version in effect today.

    Example: ssmd feed list --status active
    """
    workspace = state(ctx).workspace(known_at)
    feeds = [f for n in workspace.names(Kind.FEED) if (f := workspace.feed(n)) is not None]
    feeds = [f for f in feeds if status is None or f.status is status]
    if as_json:
        echo_json(json.dumps([f.model_dump(mode="json") for f in feeds], indent=2))
        return
    rows = []
    for feed in feeds:
        current = resolve_as_of(feed.versions, today())
        rows.append(
            [
                feed.name,
                feed.type.value,
                feed.status.value,
                str(len(feed.versions)),
                current.version if current else "-",
                current.endpoint if current else "-",
            ]
        )
    typer.echo(table(["NAME", "TYPE", "STATUS", "VERSIONS", "CURRENT", "ENDPOINT"], rows))
