"""`ssmd plan` and `ssmd log`: review what a change does, and what the history did."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated

import typer

from ssmd.cli.common import ExitCode, fail, optional_date, state
from ssmd.cli.plan_render import RENDERERS, PlanFormat
from ssmd.document import Kind
from ssmd.git import GitError, is_repository
from ssmd.plan import WORKTREE, PlanError, plan
from ssmd.registry_log import RegistryLog, registry_log


class LogFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


class Target(StrEnum):
    FEED = "feed"
    SCHEMA = "schema"
    ENV = "env"


AllowRetroactive = Annotated[
    bool,
    typer.Option(
        "--allow-retroactive",
        help="Accept changes whose effect starts before today (SSMD401): rewriting history "
        "on purpose, e.g. correcting a wrong date.",
    ),
]

TARGET_KINDS = {Target.FEED: Kind.FEED, Target.SCHEMA: Kind.SCHEMA, Target.ENV: Kind.ENVIRONMENT}


def render_log(log: RegistryLog) -> str:
    lines = [f"note: {note}" for note in log.notes]
    if not log.entries:
        lines.append(f"No commits changed the {log.target}.")
    for entry in log.entries:
        lines.append(f"{entry.commit[:7]} {entry.date[:10]} {entry.author}: {entry.subject}")
        lines += [f"    {change}" for change in entry.changes]
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    @app.command("plan")
    def plan_command(
        ctx: typer.Context,
        base: Annotated[
            str | None,
            typer.Option(
                "--base",
                metavar="REF",
                help="Compare against this commit (default: the merge base with the upstream "
                "branch, else HEAD).",
            ),
        ] = None,
        head: Annotated[
            str,
            typer.Option("--head", metavar="REF|worktree", help="The side to review."),
        ] = WORKTREE,
        output_format: Annotated[
            PlanFormat, typer.Option("--format", "-f", help="text, markdown (PR comment) or json.")
        ] = PlanFormat.TEXT,
    ) -> None:
        """Show what every environment will do differently, and from which date.

        Changes that start before today rewrite history (SSMD401) and are shown first.
        Example: ssmd plan --base origin/main --format markdown >> "$GITHUB_STEP_SUMMARY"
        """
        root = state(ctx).root()
        if not is_repository(root):
            fail(f"{root} is not inside a git repository; ssmd plan compares with a commit")
        try:
            result = plan(root, base, head)
        except (PlanError, GitError) as error:
            fail(str(error), ExitCode.USAGE)
        typer.echo(RENDERERS[output_format](result))

    @app.command("log")
    def log_command(
        ctx: typer.Context,
        kind: Annotated[Target | None, typer.Argument(help="feed, schema or env.")] = None,
        name: Annotated[str | None, typer.Argument(help="Its name.")] = None,
        since: Annotated[
            str | None, typer.Option("--since", help="Only commits since YYYY-MM-DD (UTC).")
        ] = None,
        output_format: Annotated[
            LogFormat, typer.Option("--format", "-f", help="text or json.")
        ] = LogFormat.TEXT,
    ) -> None:
        """The registry's history, one commit at a time, with what changed in words.

        `ssmd log env kalshi-prod` includes commits that only changed its feed or schema.
        Example: ssmd log feed kalshi --since 2025-01-01
        """
        if (kind is None) != (name is None):
            fail("give both a kind and a name, e.g. `ssmd log feed kalshi`", ExitCode.USAGE)
        root = state(ctx).root()
        if not is_repository(root):
            fail(f"{root} is not inside a git repository; ssmd log reads git history")
        try:
            log = registry_log(
                root, TARGET_KINDS[kind] if kind else None, name, optional_date(since)
            )
        except GitError as error:
            fail(str(error), ExitCode.USAGE)
        if output_format is LogFormat.JSON:
            typer.echo(json.dumps(log.to_json(), indent=2))
        else:
            typer.echo(render_log(log))
