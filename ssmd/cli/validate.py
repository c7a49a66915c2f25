"""`ssmd validate`: every rule over the whole registry; the exit code is the verdict."""

from __future__ import annotations

from typing import Annotated

import typer

from ssmd.check import check_report
from ssmd.cli.common import AsOf, ExitCode, KnownAt, as_of_date, state
from ssmd.lintconfig import config_of, render_config
from ssmd.report import RENDERERS, Format, Results, render_text
from ssmd.rules import Severity


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
        show_config: Annotated[
            bool,
            typer.Option(
                "--show-config", help="Print the effective rule configuration (ssmd.yaml) and exit."
            ),
        ] = False,
        show_suppressed: Annotated[
            bool,
            typer.Option(
                "--show-suppressed", help="List the findings hidden by `# ssmd: ignore[...]`."
            ),
        ] = False,
    ) -> None:
        """Check every feed, schema and environment; exit 1 when anything is wrong.

        Example: ssmd validate --format sarif > ssmd.sarif
        """
        workspace = state(ctx).workspace(known_at)
        if show_config:
            config = config_of(workspace)
            typer.echo(render_config(config, output_format))
            raise typer.Exit(int(ExitCode.FINDINGS if config.problems else ExitCode.OK))
        report = check_report(workspace, as_of=as_of_date(as_of))
        results = report.results
        if output_format is Format.TEXT:
            text = render_text(workspace, results, report.suppressed, show_suppressed)
        else:
            text = RENDERERS[output_format](workspace, results, report.suppressed)
        typer.echo(text)
        raise typer.Exit(int(verdict(results, strict)))
