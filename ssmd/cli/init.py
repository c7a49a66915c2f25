"""`ssmd init [DIR]`: a starter registry (and on request CI and editor files); never overwrites."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ssmd.cli.common import ExitCode, fail, state
from ssmd.locate import registry_enclosing
from ssmd.resolve import today
from ssmd.write.scaffold import scaffold


def register(app: typer.Typer) -> None:
    @app.command("init")
    def init(
        ctx: typer.Context,
        directory: Annotated[
            Path | None,
            typer.Argument(
                help="Folder to create the registry in (default: --root if given, else here).",
                show_default=False,
            ),
        ] = None,
        pre_commit: Annotated[
            bool,
            typer.Option(
                "--pre-commit",
                help="Also write .pre-commit-config.yaml (at the git repository's top, if any).",
            ),
        ] = False,
        github: Annotated[
            bool,
            typer.Option(
                "--github",
                help="Also write .github/workflows/ssmd.yml (the action; at the git top too).",
            ),
        ] = False,
        vscode: Annotated[
            bool,
            typer.Option("--vscode", help="Also write .vscode/extensions.json (the extension)."),
        ] = False,
        everything: Annotated[
            bool, typer.Option("--all", help="All of --pre-commit, --github and --vscode.")
        ] = False,
    ) -> None:
        """Create exchanges/ with one example feed, schema and environment that validate clean.

        Existing files are never overwritten (they are listed as kept).
        Example: ssmd init my-registry --all && cd my-registry && ssmd validate
        """
        directory = directory or state(ctx).root_option or Path(".")
        if directory.exists() and not directory.is_dir():
            fail(f"{directory} is a file; pass a folder to create the registry in", ExitCode.USAGE)
        enclosing = registry_enclosing(directory)
        if enclosing is not None:
            fail(
                f"{directory.absolute()} is inside the registry {enclosing} (in its exchanges/ "
                "folder); run ssmd init there to add what is missing, or in a folder outside it",
                ExitCode.USAGE,
            )
        chosen = [
            name
            for name, wanted in (("pre-commit", pre_commit), ("github", github), ("vscode", vscode))
            if wanted or everything
        ]
        try:
            outcome = scaffold(directory, chosen, today())
        except OSError as error:
            fail(f"could not write the registry in {directory}: {error.strerror or error}")
        for path in outcome.written:
            typer.echo(f"wrote {path.as_posix()}")
        for path in outcome.kept:
            typer.echo(f"kept {path.as_posix()} (it exists; not overwritten)")
        for advice in outcome.advice:
            typer.echo(advice)
        if not outcome.written:
            typer.echo("Nothing written: every file exists already.")
            return
        where = "" if directory == Path(".") else f"cd {directory} && "
        typer.echo(f"Next: {where}ssmd validate")
