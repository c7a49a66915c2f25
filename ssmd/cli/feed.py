"""`ssmd feed ...`: show, list, create and add versions to feeds."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from ssmd.choices import AuthMethod, FeedStatus, FeedType, Protocol
from ssmd.cli.common import (
    AsOf,
    Json,
    KnownAt,
    as_of_date,
    echo_json,
    fail,
    optional_date,
    state,
)
from ssmd.cli.helpformat import PLAIN_HELP

# The library (models, YAML, views) is imported inside each command: help and argument
# errors never load it (tests/cli/test_plain_help.py). Option types come from ssmd.choices.

app = typer.Typer(help="Feeds: where market data comes from.", no_args_is_help=True, **PLAIN_HELP)


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
    from ssmd.cli.render import render_feed
    from ssmd.document import Kind
    from ssmd.views import feed_view

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
    from ssmd.cli.render import table
    from ssmd.document import Kind
    from ssmd.resolve import resolve_as_of, today

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


EffectiveFrom = Annotated[
    str | None,
    typer.Option("--effective-from", help="First day in effect, YYYY-MM-DD (default: today, UTC)."),
]
Endpoint = Annotated[str | None, typer.Option("--endpoint", help="URL the connector connects to.")]
ProtocolOption = Annotated[
    Protocol | None,
    typer.Option("--protocol", help="Wire protocol (default: from the endpoint's URL scheme)."),
]
AuthOption = Annotated[
    AuthMethod | None, typer.Option("--auth-method", help="How to authenticate.")
]
RateLimit = Annotated[
    int | None, typer.Option("--rate-limit", min=1, help="Requests per second allowed.")
]
MaxSymbols = Annotated[
    int | None, typer.Option("--max-symbols", min=1, help="Subscriptions per connection.")
]
Orderbook = Annotated[
    bool | None,
    typer.Option("--supports-orderbook/--no-supports-orderbook", help="Carries order books."),
]
Trades = Annotated[
    bool | None, typer.Option("--supports-trades/--no-supports-trades", help="Carries trades.")
]


@app.command("create")
def create(
    ctx: typer.Context,
    name: str,
    feed_type: Annotated[FeedType, typer.Option("--type", help="Kind of feed.")],
    endpoint: Annotated[str, typer.Option("--endpoint", help="URL the connector connects to.")],
    protocol: ProtocolOption = None,
    version: Annotated[str, typer.Option("--version", help="First version id.")] = "v1",
    effective_from: EffectiveFrom = None,
    display_name: Annotated[
        str | None, typer.Option("--display-name", help="Human-readable name.")
    ] = None,
    status: Annotated[
        FeedStatus | None, typer.Option("--status", help="Feed status (default: active).")
    ] = None,
    auth_method: AuthOption = None,
    rate_limit: RateLimit = None,
    max_symbols: MaxSymbols = None,
    supports_orderbook: Orderbook = None,
    supports_trades: Trades = None,
) -> None:
    """Create exchanges/feeds/NAME.yaml with one version (validated before it is written).

    Example: ssmd feed create polymarket --type websocket
    --endpoint 'wss://ws-subscriptions-clob.polymarket.com/ws/market'
    """
    from ssmd.cli.writing import write  # the write side only for write commands
    from ssmd.write.feeds import VersionFields, create_feed

    fields = VersionFields(
        endpoint,
        protocol,
        auth_method,
        rate_limit,
        max_symbols,
        supports_orderbook,
        supports_trades,
    )
    date = optional_date(effective_from)
    write(
        state(ctx),
        lambda ws: create_feed(
            ws,
            name,
            feed_type,
            fields,
            version=version,
            effective_from=date,
            display_name=display_name,
            status=status,
        ),
    )


@app.command("add-version")
def add_version(
    ctx: typer.Context,
    name: str,
    effective_from: Annotated[
        str, typer.Option("--effective-from", help="First day in effect, YYYY-MM-DD.")
    ],
    version: Annotated[
        str | None, typer.Option("--version", help="Version id (default: the next free vN).")
    ] = None,
    endpoint: Endpoint = None,
    protocol: ProtocolOption = None,
    auth_method: AuthOption = None,
    rate_limit: RateLimit = None,
    max_symbols: MaxSymbols = None,
    supports_orderbook: Orderbook = None,
    supports_trades: Trades = None,
) -> None:
    """Add a version in date order; fields not given are copied from the version before it.

    Example: ssmd feed add-version kalshi --version v3 --effective-from 2026-07-01
    --endpoint wss://api.elections.kalshi.com/trade-api/ws/v2 --rate-limit 20
    """
    from ssmd.cli.writing import write
    from ssmd.write.feeds import VersionFields, add_feed_version

    fields = VersionFields(
        endpoint,
        protocol,
        auth_method,
        rate_limit,
        max_symbols,
        supports_orderbook,
        supports_trades,
    )
    date = as_of_date(effective_from)
    write(state(ctx), lambda ws: add_feed_version(ws, name, date, fields, version))
