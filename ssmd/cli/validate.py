"""`ssmd validate`: every rule over the whole registry; the exit code is the verdict."""

from __future__ import annotations

from typing import Annotated

import typer

from ssmd.check import check
from ssmd.cli.common import AsOf, ExitCode, KnownAt, as_of_date, state
from ssmd.cli.plan import AllowRetroactive, base_commit
from ssmd.report import RENDERERS, Format, Results
from ssmd.rules import Severity
from ssmd.rules.retroactive import refused_retroactive


def verdict(results: Results, strict: bool) -> ExitCode:
    """1 on any error (and on warnings with --strict), else 0."""
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    found = any(d.severity in failing for ds in results.values() for d in ds)
    return ExitCode.FINDINGS if found else ExitCode.OK


def register(app: typer.Typer) -> None:
    @app.command("validate")
    def validate(
        ctx: typer.Context,
        output_format: Annotated[
            Format, typer.Option("--format", "-f", help="text, json, sarif or github.")
        ] = Format.TEXT,
        strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings too.")] = False,
        as_of: AsOf = None,
        known_at: KnownAt = None,
        base: Annotated[
            str | None,
            typer.Option(
                "--base",
                metavar="REF",
                help="Compare with this commit too: changes that rewrite history (SSMD401) "
                "fail unless --allow-retroactive.",
            ),
        ] = None,
        allow_retroactive: AllowRetroactive = False,
    ) -> None:
        """Check every feed, schema and environment; exit 1 when anything is wrong.

        Example: ssmd validate --format sarif > ssmd.sarif
        """
        workspace = state(ctx).workspace(known_at)
        compared = None if base is None else base_commit(workspace.root, base)
        results = check(workspace, as_of=as_of_date(as_of), base=compared)
        typer.echo(RENDERERS[output_format](workspace, results))
        code = verdict(results, strict)
        if any(refused_retroactive(d, allow_retroactive) for ds in results.values() for d in ds):
            code = ExitCode.FINDINGS
        raise typer.Exit(int(code))
