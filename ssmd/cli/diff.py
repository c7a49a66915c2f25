"""`ssmd diff`: validate, then show the change against HEAD in words and as a patch."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ssmd.check import check
from ssmd.cli.common import Color, ExitCode, fail, state
from ssmd.cli.writing import diagnostic_line
from ssmd.git import GitError, is_repository
from ssmd.registry_diff import registry_changes, registry_patch
from ssmd.rules import Severity


def register(app: typer.Typer) -> None:
    @app.command("diff")
    def diff(
        ctx: typer.Context,
        color: Annotated[
            Color,
            typer.Option(
                "--color",
                help="Color the patch: auto (on a terminal, unless $NO_COLOR), always, never.",
            ),
        ] = Color.AUTO,
    ) -> None:
        """Validate the registry, summarize what changed since HEAD, then print the git diff.

        Exit 1 when the registry has errors (the summary and diff still print).
        Example: ssmd diff --color never | less
        """
        root = state(ctx).root()
        workspace = state(ctx).workspace()
        results = check(workspace)
        found = [d for path in sorted(results) for d in results[path]]
        errors = sum(1 for d in found if d.severity is Severity.ERROR)
        try:
            if not is_repository(root):
                fail(f"{root} is not inside a git repository; run `git init` there first")
            changes = registry_changes(root)
            use_color = state(ctx).use_color(sys.stdout, override=color)
            patch = registry_patch(root, use_color)
        except GitError as error:
            fail(str(error))
        if found:
            typer.echo(f"Validation: {errors} error(s), {len(found) - errors} warning(s)")
            for diagnostic in found:
                typer.echo(diagnostic_line(diagnostic, root))
        else:
            typer.echo("Validation: all checks passed")
        typer.echo("")
        typer.echo("Changes against HEAD:" if changes else "No changes in exchanges/ against HEAD.")
        for line in changes:
            typer.echo(f"  {line}")
        if patch:
            typer.echo("")
            typer.echo(patch, nl=False, color=use_color)  # click strips ANSI off a tty otherwise
        raise typer.Exit(int(ExitCode.FINDINGS if errors else ExitCode.OK))
