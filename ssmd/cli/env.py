"""`ssmd env ...`: show, list, create and update environments."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated

import typer

from ssmd.cli.common import AsOf, Json, KnownAt, as_of_date, echo_json, fail, state
from ssmd.cli.helpformat import PLAIN_HELP
from ssmd.cli.render import render_environment, table
from ssmd.cli.writing import write
from ssmd.document import Kind
from ssmd.effective import configuration, env_file_line, environment_variables
from ssmd.models import Environment
from ssmd.resolve import today
from ssmd.views import environment_view
from ssmd.workspace import Workspace
from ssmd.write.environments import Placement, create_environment, update_environment

app = typer.Typer(
    help="Environments: a feed, a schema, keys, transport, storage.",
    no_args_is_help=True,
    **PLAIN_HELP,
)


def named_environment(workspace: Workspace, name: str) -> Environment:
    """The environment called `name`, or exit with the names there are."""
    environment = workspace.environment(name)
    if environment is None:
        names = ", ".join(workspace.names(Kind.ENVIRONMENT))
        fail(f"no environment named '{name}' (environments: {names})")
    return environment


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
    environment = named_environment(workspace, name)
    view = environment_view(workspace, environment, as_of_date(as_of))
    if as_json:
        echo_json(view.model_dump_json(indent=2, by_alias=True))
    else:
        typer.echo(render_environment(view))


class ResolveFormat(StrEnum):
    JSON = "json"
    ENV = "env"


@app.command("resolve")
def resolve(
    ctx: typer.Context,
    name: str,
    as_of: AsOf = None,
    output_format: Annotated[
        ResolveFormat,
        typer.Option("--format", "-f", help="json, or env: KEY=value lines (EnvironmentFile=)."),
    ] = ResolveFormat.JSON,
    known_at: KnownAt = None,
) -> None:
    """Print the effective configuration of an environment on a date, for non-Python tools.

    `--format env` prints SSMD_* lines a shell (`set -a; . FILE`) or systemd's
    EnvironmentFile= loads; key variable names only, never secret values.
    Example: ssmd env resolve kalshi-prod --as-of 2025-12-01 --format env > kalshi.env
    """
    workspace = state(ctx).workspace(known_at)
    environment = named_environment(workspace, name)
    effective = configuration(workspace, environment, as_of_date(as_of))
    if output_format is ResolveFormat.JSON:
        echo_json(json.dumps(effective.to_json(), indent=2))
        return
    for key, value in environment_variables(effective, workspace.root):
        typer.echo(env_file_line(key, value))


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


def _placement(
    transport_url: str | None,
    no_transport: bool,
    storage_path: str | None,
    s3_raw_bucket: str | None,
    s3_normalized_bucket: str | None,
    s3_prefix: str | None,
    s3_region: str | None,
    s3_endpoint_url: str | None,
) -> Placement:
    return Placement(
        transport_url,
        no_transport,
        storage_path,
        s3_raw_bucket,
        s3_normalized_bucket,
        s3_prefix,
        s3_region,
        s3_endpoint_url,
    )


TransportUrl = Annotated[
    str | None, typer.Option("--transport-url", help="NATS URL (sets transport type nats).")
]
NoTransport = Annotated[
    bool, typer.Option("--no-transport", help="Set transport type none (no broker).")
]
StoragePath = Annotated[
    str | None,
    typer.Option("--storage-path", help="Local storage folder (relative: against the root)."),
]
S3Raw = Annotated[str | None, typer.Option("--s3-raw-bucket", help="S3 bucket of raw data.")]
S3Normalized = Annotated[
    str | None, typer.Option("--s3-normalized-bucket", help="S3 bucket of normalized data.")
]
S3Prefix = Annotated[str | None, typer.Option("--s3-prefix", help="Key prefix in the buckets.")]
S3Region = Annotated[str | None, typer.Option("--s3-region", help="AWS region.")]
Keys = Annotated[
    list[str] | None,
    typer.Option(
        "--key",
        help="A credential read from environment variables, NAME:TYPE:FIELD[,FIELD...] "
        "(e.g. kalshi:api_key:api_key,api_secret -> KALSHI_API_KEY, KALSHI_API_SECRET); "
        "repeatable. Secrets themselves are never stored.",
    ),
]
S3Endpoint = Annotated[
    str | None, typer.Option("--s3-endpoint-url", help="Endpoint of an S3-compatible store.")
]


@app.command("create")
def create(
    ctx: typer.Context,
    name: str,
    feed: Annotated[str, typer.Option("--feed", help="The feed this environment runs.")],
    schema: Annotated[
        str, typer.Option("--schema", help="NAME:VERSION (pinned) or NAME (as of the day).")
    ],
    key: Keys = None,
    transport_url: TransportUrl = None,
    no_transport: NoTransport = False,
    storage_path: StoragePath = None,
    s3_raw_bucket: S3Raw = None,
    s3_normalized_bucket: S3Normalized = None,
    s3_prefix: S3Prefix = None,
    s3_region: S3Region = None,
    s3_endpoint_url: S3Endpoint = None,
) -> None:
    """Create exchanges/environments/NAME.yaml; an unknown feed or schema, or a draft, is refused.

    Example: ssmd env create kalshi-dev --feed kalshi --schema trade:v1
    """
    placement = _placement(
        transport_url,
        no_transport,
        storage_path,
        s3_raw_bucket,
        s3_normalized_bucket,
        s3_prefix,
        s3_region,
        s3_endpoint_url,
    )
    write(
        state(ctx),
        lambda ws: create_environment(ws, name, feed, schema, placement, key),
    )


@app.command("update")
def update(
    ctx: typer.Context,
    name: str,
    feed: Annotated[str | None, typer.Option("--feed", help="Another feed.")] = None,
    schema: Annotated[
        str | None, typer.Option("--schema", help="NAME:VERSION (pinned) or NAME.")
    ] = None,
    key: Keys = None,
    transport_url: TransportUrl = None,
    no_transport: NoTransport = False,
    storage_path: StoragePath = None,
    s3_raw_bucket: S3Raw = None,
    s3_normalized_bucket: S3Normalized = None,
    s3_prefix: S3Prefix = None,
    s3_region: S3Region = None,
    s3_endpoint_url: S3Endpoint = None,
) -> None:
    """Change what is given and keep the rest; validated before anything is written.

    Example: ssmd env update kalshi-dev --schema trade:v2
    """
    placement = _placement(
        transport_url,
        no_transport,
        storage_path,
        s3_raw_bucket,
        s3_normalized_bucket,
        s3_prefix,
        s3_region,
        s3_endpoint_url,
    )
    write(
        state(ctx),
        lambda ws: update_environment(ws, name, placement, feed, schema, key),
    )
