"""`ssmd schema ...`: show, list, verify, register schemas and move their status."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ssmd.cli.common import (
    AsOf,
    ExitCode,
    Json,
    KnownAt,
    as_of_date,
    echo_json,
    fail,
    optional_date,
    state,
)
from ssmd.cli.helpformat import PLAIN_HELP
from ssmd.cli.render import render_comparison, render_schema, table
from ssmd.cli.writing import write
from ssmd.document import Kind
from ssmd.evolution_report import render_sarif
from ssmd.git import work_tree_top
from ssmd.models import CompatibilityLevel, SchemaStatus
from ssmd.report import prefix_between
from ssmd.resolve import SchemaRef
from ssmd.schema_diff import compare_versions
from ssmd.schema_text import version_text
from ssmd.views import resolve_schema_ref, schema_view, version_hash
from ssmd.write.schemas import register_schema, set_schema_status

app = typer.Typer(
    help="Cap'n Proto schemas and their versions.", no_args_is_help=True, **PLAIN_HELP
)

IncludeDrafts = Annotated[
    bool, typer.Option("--include-drafts", help="Let drafts resolve, to preview a promotion.")
]


@app.command("show")
def show(
    ctx: typer.Context,
    reference: Annotated[str, typer.Argument(metavar="NAME[:VERSION]")],
    as_of: AsOf = None,
    include_drafts: IncludeDrafts = False,
    as_json: Json = False,
    known_at: KnownAt = None,
) -> None:
    """Show a schema's metadata and the .capnp text of one version.

    NAME alone shows the version in effect on the date; NAME:VERSION that version.
    An older version sharing a file is read from git history, byte for byte.
    Example: ssmd schema show trade:v1
    """
    workspace = state(ctx).workspace(known_at)
    try:
        ref = SchemaRef.parse(reference)
    except ValueError as error:
        fail(str(error), ExitCode.USAGE)
    schema = workspace.schema(ref.name)
    if schema is None:
        fail(f"no schema named '{ref.name}' (schemas: {', '.join(workspace.names(Kind.SCHEMA))})")
    date = as_of_date(as_of)
    view = schema_view(workspace, schema, date, include_drafts)
    version = resolve_schema_ref(workspace, ref, date, include_drafts)
    if version is None:
        what = f"version {ref.version}" if ref.pinned else f"version in effect on {date}"
        fail(f"schema {ref.name} has no {what}")
    text = version_text(workspace, schema, version)
    if as_json:
        payload = json.loads(view.model_dump_json())
        payload["shown_version"] = version.version
        payload["text"] = text.text
        payload["text_source"] = text.source
        payload["text_commit"] = text.commit
        echo_json(json.dumps(payload, indent=2))
        return
    typer.echo(render_schema(view))
    typer.echo(f"\n--- {schema.name}:{version.version} ({text.source}) ---")
    if text.content is None:
        typer.echo(f"({text.problem})")
        return
    sys.stdout.flush()
    sys.stdout.buffer.write(text.content)  # the exact bytes the hash covers
    if not text.content.endswith(b"\n"):
        sys.stdout.buffer.write(b"\n")
    sys.stdout.buffer.flush()


class DiffFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"


@app.command("diff")
def diff(
    ctx: typer.Context,
    old: Annotated[str, typer.Argument(metavar="OLD", help="NAME:VERSION, e.g. trade:v1")],
    new: Annotated[str, typer.Argument(metavar="NEW", help="NAME:VERSION, e.g. trade:v2")],
    output_format: Annotated[
        DiffFormat, typer.Option("--format", "-f", help="text, json or sarif.")
    ] = DiffFormat.TEXT,
    level: Annotated[
        CompatibilityLevel | None,
        typer.Option(
            "--level",
            help="wire, wire+text or source (default: the schema's `compatibility`, else wire).",
        ),
    ] = None,
    as_of: AsOf = None,
    known_at: KnownAt = None,
) -> None:
    """Compare two schema versions structurally (old -> new); exit 1 on a break at the level.

    Texts come from the work tree or, for older versions, git history. Rule ids
    (FIELD_SAME_TYPE, ...) and their levels are listed in docs/evolution.md;
    findings the schema's `compatibility_ignore` accepts are shown as suppressed.
    Example: ssmd schema diff trade:v1 trade:v2 --level wire+text --format json
    """
    workspace = state(ctx).workspace(known_at)
    date = as_of_date(as_of)
    sides = []
    for reference in (old, new):
        try:
            ref = SchemaRef.parse(reference)
        except ValueError as error:
            fail(str(error), ExitCode.USAGE)
        schema = workspace.schema(ref.name)
        version = resolve_schema_ref(workspace, ref, date)
        if schema is None:
            names = ", ".join(workspace.names(Kind.SCHEMA))
            fail(f"no schema named '{ref.name}' (schemas: {names})")
        if version is None:
            ids = ", ".join(v.version for v in schema.versions)
            what = f"version {ref.version}" if ref.pinned else f"version in effect on {date}"
            fail(f"schema {ref.name} has no {what} (versions: {ids})")
        sides.append((schema, version))
    comparison = compare_versions(workspace, sides[0], sides[1], level)
    if output_format is DiffFormat.JSON:
        echo_json(json.dumps(comparison.to_json(), indent=2))
    elif output_format is DiffFormat.SARIF:
        root = workspace.root.resolve()
        top = work_tree_top(root) or root
        echo_json(render_sarif(comparison, prefix_between(top, root), top))
    else:
        prefix = prefix_between(Path.cwd().resolve(), workspace.root.resolve())
        typer.echo(render_comparison(comparison, prefix))
    if comparison.problem is not None or comparison.breaking:
        raise typer.Exit(int(ExitCode.FINDINGS))


@app.command("list")
def list_schemas(ctx: typer.Context, as_json: Json = False, known_at: KnownAt = None) -> None:
    """List schemas with their versions and statuses.

    Example: ssmd schema list --json
    """
    workspace = state(ctx).workspace(known_at)
    schemas = [s for n in workspace.names(Kind.SCHEMA) if (s := workspace.schema(n)) is not None]
    if as_json:
        echo_json(json.dumps([s.model_dump(mode="json") for s in schemas], indent=2))
        return
    rows = [
        [
            s.name,
            s.schema_file,
            ", ".join(f"{v.version} ({v.status.value})" for v in s.versions),
        ]
        for s in schemas
    ]
    typer.echo(table(["NAME", "FILE", "VERSIONS"], rows))


@app.command("hash")
def hash_command(ctx: typer.Context, name: str) -> None:
    """Compute each version's file hash and compare it with the recorded one; exit 1 on mismatch.

    Example: ssmd schema hash trade
    """
    workspace = state(ctx).workspace()
    schema = workspace.schema(name)
    if schema is None:
        fail(f"no schema named '{name}'")
    mismatch = False
    rows = []
    for version in schema.versions:
        checked = version_hash(workspace, schema, version)
        mismatch |= checked.state.mismatch
        actual = checked.actual or "-"
        rows.append([version.version, checked.file, version.hash, actual, checked.state.value])
    typer.echo(table(["VERSION", "FILE", "RECORDED", "FILE HASH", "STATE"], rows))
    if mismatch:
        typer.echo(
            "\nA recorded hash differs from its file: if the change is intended, record the new "
            "hash (the language server's quick fix, or edit the YAML); otherwise restore the file.",
            err=True,
        )
        raise typer.Exit(int(ExitCode.FINDINGS))


@app.command("register")
def register(
    ctx: typer.Context,
    name: str,
    file: Annotated[Path, typer.Option("--file", help="The .capnp file to register.")],
    effective_from: Annotated[
        str | None,
        typer.Option("--effective-from", help="First day in effect, YYYY-MM-DD (default: today)."),
    ] = None,
) -> None:
    """Compile a .capnp file, copy it into exchanges/schemas/ and record it as a draft version.

    A new schema gets NAME.yaml with v1; an existing one the next version. Content a
    version already records is not registered twice.
    Example: ssmd schema register trade --file trade.capnp --effective-from 2026-07-01
    """
    date = optional_date(effective_from)
    write(state(ctx), lambda ws: register_schema(ws, name, file, date))


@app.command("set-status")
def set_status(
    ctx: typer.Context,
    reference: Annotated[str, typer.Argument(metavar="NAME:VERSION")],
    status: Annotated[SchemaStatus, typer.Argument(help="draft, active or deprecated.")],
) -> None:
    """Move a version forward in its lifecycle: draft -> active -> deprecated (never back).

    Example: ssmd schema set-status trade:v2 active
    """
    write(state(ctx), lambda ws: set_schema_status(ws, reference, status))
