"""`ssmd validate [PATH...]`: every rule over each registry meant; the exit code is the verdict."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ssmd.check import check_report
from ssmd.cli.common import AsOf, ExitCode, KnownAt, as_of_date, fail, state
from ssmd.cli.plan import AllowRetroactive
from ssmd.git import GitError, resolve_ref, work_tree_top
from ssmd.lintconfig import config_of, render_config
from ssmd.report import (
    RENDERERS,
    USES_REPOSITORY_TOP,
    Checked,
    Format,
    RenderOptions,
    prefix_between,
)
from ssmd.rules import Severity
from ssmd.rules.retroactive import refused_retroactive


def verdict(checked: list[Checked], strict: bool) -> ExitCode:
    """1 on any error (and on warnings with --strict), else 0."""
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    found = any(d.severity in failing for c in checked for ds in c.results.values() for d in ds)
    return ExitCode.FINDINGS if found else ExitCode.OK


def repository_top(root: Path, fallback: Path) -> Path:
    """The git work tree's top holding `root`, else `fallback` (outside git)."""
    return work_tree_top(root) or fallback


def _base_commit(root: Path, revision: str) -> str:
    """`--base REF` as a commit id, or a usage error saying why not (the core's sentence)."""
    try:
        return resolve_ref(root, revision)
    except GitError as error:
        fail(str(error), ExitCode.USAGE)


def register(app: typer.Typer) -> None:
    @app.command("validate")
    def validate(
        ctx: typer.Context,
        paths: Annotated[
            list[Path] | None,
            typer.Argument(
                metavar="PATH",
                help="Registry folders, or files or folders inside registries (each whole "
                "registry is checked); a folder with no registry above it means every one "
                "below it. Default: the registry here, else those below.",
                show_default=False,
            ),
        ] = None,
        output_format: Annotated[
            Format, typer.Option("--format", "-f", help="text, json, sarif, github or gitlab.")
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

        Examples: ssmd validate; ssmd validate infra/registry; ssmd validate -f sarif > ssmd.sarif
        """
        cwd = Path.cwd()
        checked = []
        for root in state(ctx).roots(paths or []):
            workspace = state(ctx).workspace(known_at, root)
            if show_config:
                config = config_of(workspace)
                typer.echo(render_config(config, output_format))
                raise typer.Exit(int(ExitCode.FINDINGS if config.problems else ExitCode.OK))
            compared = None if base is None else _base_commit(workspace.root, base)
            report = check_report(workspace, as_of=as_of_date(as_of), base=compared)
            top = repository_top(root, root) if output_format in USES_REPOSITORY_TOP else cwd
            checked.append(
                Checked(
                    workspace,
                    report.results,
                    shown=prefix_between(cwd, root),
                    from_top=prefix_between(top, root),
                    top=top,
                    suppressed=report.suppressed,
                )
            )
        typer.echo(RENDERERS[output_format](checked, RenderOptions(show_suppressed)))
        code = verdict(checked, strict)
        retroactive = (d for c in checked for ds in c.results.values() for d in ds)
        if any(refused_retroactive(d, allow_retroactive) for d in retroactive):
            code = ExitCode.FINDINGS
        raise typer.Exit(int(code))
