"""`ssmd commit`: validate the registry, then commit exchanges/ (and nothing else)."""

from __future__ import annotations

from typing import Annotated

import typer

from ssmd.cli.common import ExitCode, state
from ssmd.cli.plan import AllowRetroactive
from ssmd.cli.writing import diagnostic_line, notice, shown_path
from ssmd.write.commit import CommitRefused, commit_registry


def register(app: typer.Typer) -> None:
    @app.command("commit")
    def commit(
        ctx: typer.Context,
        message: Annotated[str, typer.Option("--message", "-m", help="The commit message.")],
        strict: Annotated[bool, typer.Option("--strict", help="Refuse on warnings too.")] = False,
        allow_retroactive: AllowRetroactive = False,
        allow_detached: Annotated[
            bool,
            typer.Option("--allow-detached", help="Commit even when HEAD is not on a branch."),
        ] = False,
    ) -> None:
        """Validate the whole registry; refuse on errors, else stage exchanges/ and commit it.

        Other staged files are left staged and out of the commit. On refusal the git
        index is left exactly as it was. Refused during a merge, rebase, cherry-pick,
        revert or bisect, with unmerged paths in exchanges/, and on a detached HEAD.
        Example: ssmd commit -m "kalshi: v3 endpoint from 2026-07-01"
        """
        root = state(ctx).root()
        try:
            done = commit_registry(
                root,
                message,
                strict,
                allow_retroactive,
                allow_detached=allow_detached,
                notify=notice,
            )
        except CommitRefused as refusal:
            typer.echo(f"error: {refusal.message}", err=True)
            for diagnostic in refusal.diagnostics:
                typer.echo(diagnostic_line(diagnostic, root), err=True)
            raise typer.Exit(int(ExitCode.FINDINGS)) from None
        for warning in done.warnings:
            typer.echo(diagnostic_line(warning, root), err=True)
        typer.echo(f"Committed {done.commit}: {message.splitlines()[0]}")
        for path in done.files:
            typer.echo(f"  {shown_path(path, root)}")
