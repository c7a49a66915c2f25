"""`ssmd data ...`: inventory, gaps and quality of a feed's stored data."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated

import typer

from ssmd.cli.common import ExitCode, Json, echo_json, fail, state
from ssmd.cli.data_render import render_gaps, render_inventory, render_quality
from ssmd.data.day_report import gaps_report, quality_report
from ssmd.data.fetch import DEFAULT_WORKERS, Progress
from ssmd.data.inventory import build_inventory, date_range
from ssmd.data.selection import ENV_VARIABLE, Selection, select_environment
from ssmd.data.storage import DataError, StorageBackend, open_storage
from ssmd.resolve import parse_date
from ssmd.workspace import Workspace

app = typer.Typer(
    help="Stored data: which days exist, their gaps and quality (read from manifests).",
    no_args_is_help=True,
)

PROGRESS_MIN_DAYS = 31
"""Shorter ranges finish before a bar would be worth drawing."""

FeedName = Annotated[str, typer.Option("--feed", help="The feed whose data to report.")]
EnvName = Annotated[
    str | None,
    typer.Option(
        "--env",
        help=f"Environment whose storage to read. Default: ${ENV_VARIABLE}, else the only "
        "environment using the feed.",
    ),
]
Day = Annotated[str, typer.Option("--date", help="The venue's local date, YYYY-MM-DD.")]
Jobs = Annotated[
    int, typer.Option("--jobs", min=1, max=64, help="Manifests read in parallel (default 16).")
]


@dataclass
class Opened:
    workspace: Workspace
    selection: Selection
    backend: StorageBackend


def _date(value: str, option: str) -> dt.date:
    try:
        return parse_date(value)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint=option) from None


@contextmanager
def _opened(ctx: typer.Context, feed: str, env: str | None, jobs: int) -> Iterator[Opened]:
    """The workspace, the chosen environment and its store; any DataError becomes one sentence."""
    workspace = state(ctx).workspace()
    try:
        selection = select_environment(workspace, feed, env, os.environ.get(ENV_VARIABLE))
        backend = open_storage(selection.environment, workspace.root, selection.path, jobs)
        try:
            yield Opened(workspace, selection, backend)
        finally:
            backend.close()
    except DataError as error:
        fail(str(error))


@contextmanager
def _progress(days: int) -> Iterator[Progress | None]:
    """A bar on stderr when a person watches a long range; nothing in a pipe or a log."""
    if days < PROGRESS_MIN_DAYS or not sys.stdout.isatty() or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress as Bar

    with Bar(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("reading manifests", total=days * 2)
        yield lambda count: bar.advance(task, count)


@app.command("inventory")
def inventory(
    ctx: typer.Context,
    feed: FeedName,
    start: Annotated[str, typer.Option("--from", help="First day, YYYY-MM-DD (venue's date).")],
    end: Annotated[str, typer.Option("--to", help="Last day, YYYY-MM-DD (inclusive).")],
    env: EnvName = None,
    as_json: Json = False,
    jobs: Jobs = DEFAULT_WORKERS,
) -> None:
    """One row per day: raw and normalized size, status, quality, gap count.

    A day without manifests is `missing`, or `closed` when the feed's calendar
    says the venue did not trade (weekend, holiday); an unreadable manifest is
    `invalid` with its reason.
    Example: ssmd data inventory --feed kalshi --from 2025-12-01 --to 2025-12-28 --env kalshi-dev
    """
    first, last = _date(start, "--from"), _date(end, "--to")
    try:
        days = len(date_range(first, last))
    except DataError as error:
        fail(str(error), ExitCode.USAGE)
    with _opened(ctx, feed, env, jobs) as opened, _progress(days) as progress:
        report = build_inventory(
            opened.backend,
            opened.selection.feed,
            opened.selection.environment.name,
            first,
            last,
            jobs,
            progress,
        )
    if as_json:
        echo_json(report.model_dump_json(indent=2))
    else:
        typer.echo(render_inventory(report))


@app.command("gaps")
def gaps(
    ctx: typer.Context, feed: FeedName, date: Day, env: EnvName = None, as_json: Json = False
) -> None:
    """Each gap of one day with start, end, duration and reason, raw and normalized.

    Example: ssmd data gaps --feed kalshi --date 2025-12-03 --env kalshi-dev
    """
    day = _date(date, "--date")
    with _opened(ctx, feed, env, 2) as opened:
        report = gaps_report(
            opened.backend, opened.selection.feed, opened.selection.environment, day
        )
    if as_json:
        echo_json(report.model_dump_json(indent=2))
    else:
        typer.echo(render_gaps(report))


@app.command("quality")
def quality(
    ctx: typer.Context, feed: FeedName, date: Day, env: EnvName = None, as_json: Json = False
) -> None:
    """Counts, bytes, time span, coverage and score of one day; schema and record checks.

    The schema check compares the manifest's schema version with what the
    environment's schema reference resolves to on that day.
    Example: ssmd data quality --feed kalshi --date 2025-12-17 --env kalshi-dev
    """
    day = _date(date, "--date")
    with _opened(ctx, feed, env, 2) as opened:
        report = quality_report(
            opened.workspace,
            opened.backend,
            opened.selection.feed,
            opened.selection.environment,
            day,
        )
    if as_json:
        echo_json(report.model_dump_json(indent=2))
    else:
        typer.echo(render_quality(report))
