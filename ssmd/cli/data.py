"""`ssmd data ...`: inventory, gaps and quality of a feed's stored data."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TextIO

import typer

from ssmd.cli.common import Color, ExitCode, Json, echo_json, fail, state
from ssmd.cli.data_calendar import render_calendars
from ssmd.cli.data_html import render_html
from ssmd.cli.data_render import (
    json_chunks,
    render_csv,
    render_gaps,
    render_inventories,
    render_inventory,
    render_quality,
)
from ssmd.data.clients import ClientCache
from ssmd.data.combined import combine, failure_summary, only_statuses, parse_statuses
from ssmd.data.day_report import gaps_report, quality_report
from ssmd.data.fetch import DEFAULT_WORKERS, Progress
from ssmd.data.inventory import DayStatus, Inventory, Target, build_inventories, date_range
from ssmd.data.selection import ENV_VARIABLE, Selection, select_environment, select_environments
from ssmd.data.storage import DataError, StorageBackend
from ssmd.data.stores import S3_CLIENT_VARIABLE, S3_CLIENTS, open_storage, s3_client_choice
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
    int,
    typer.Option("--jobs", min=1, max=128, help=f"Requests in flight (default {DEFAULT_WORKERS})."),
]
S3Client = Annotated[
    str | None,
    typer.Option(
        "--s3-client",
        metavar="|".join(S3_CLIENTS),
        help=f"Library for S3 requests. Default: ${S3_CLIENT_VARIABLE}, else boto3; obstore "
        "spends about a fifth of the CPU per request (docs/data.md).",
    ),
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
        client = s3_client_choice(None, os.environ.get(S3_CLIENT_VARIABLE))
        backend = open_storage(
            selection.environment, workspace.root, selection.path, jobs, s3_client=client
        )
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


class Format(StrEnum):
    TEXT = "text"
    JSON = "json"
    CSV = "csv"
    CALENDAR = "calendar"
    HTML = "html"


EnvNames = Annotated[
    list[str] | None,
    typer.Option(
        "--env",
        metavar="NAME",
        help=f"Environment whose storage to read; repeat for several. Default: ${ENV_VARIABLE}, "
        "else the only environment using --feed.",
    ),
]


@contextmanager
def _opened_all(
    ctx: typer.Context,
    feed: str | None,
    envs: list[str],
    every: bool,
    jobs: int,
    s3_client: str | None = None,
) -> Iterator[tuple[Workspace, list[Selection], list[StorageBackend]]]:
    """Every chosen environment and its store (S3 clients shared); a DataError is one sentence."""
    workspace = state(ctx).workspace()
    clients = ClientCache()
    backends: list[StorageBackend] = []
    try:
        selections = select_environments(workspace, feed, envs, every, os.environ.get(ENV_VARIABLE))
        client = s3_client_choice(s3_client, os.environ.get(S3_CLIENT_VARIABLE))
        try:
            for selection in selections:
                backends.append(
                    open_storage(
                        selection.environment, workspace.root, selection.path, jobs, clients, client
                    )
                )
            yield workspace, selections, backends
        finally:
            for backend in backends:
                backend.close()
            clients.close()
    except DataError as error:
        fail(str(error))


@app.command("inventory")
def inventory(
    ctx: typer.Context,
    start: Annotated[str, typer.Option("--from", help="First day, YYYY-MM-DD (venue's date).")],
    end: Annotated[str, typer.Option("--to", help="Last day, YYYY-MM-DD (inclusive).")],
    feed: Annotated[
        str | None,
        typer.Option("--feed", help="The feed whose data to report (or take it from --env)."),
    ] = None,
    env: EnvNames = None,
    every: Annotated[
        bool, typer.Option("--all", help="Every environment with a storage block (of --feed).")
    ] = False,
    as_json: Json = False,
    output_format: Annotated[
        Format, typer.Option("--format", "-f", help="text, json, csv, calendar or html.")
    ] = Format.TEXT,
    out: Annotated[
        Path | None,
        typer.Option("--out", metavar="FILE", help="Write the report to FILE, not stdout."),
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(
            "--status", metavar="S[,S]", help="Only rows with these statuses (table, csv, json)."
        ),
    ] = None,
    fail_on: Annotated[
        str | None,
        typer.Option(
            "--fail-on",
            metavar="S[,S]",
            help="Exit 1, with a one-line summary on stderr, when any day in range has one "
            "of these statuses (e.g. missing,failed,invalid).",
        ),
    ] = None,
    jobs: Jobs = DEFAULT_WORKERS,
    s3_client: S3Client = None,
) -> None:
    """One row per day: raw and normalized size, status, quality, gap count.

    A day without manifests is `missing`, or `closed` when the feed's calendar
    says the venue did not trade (weekend, holiday); an unreadable manifest is
    `invalid` with its reason. Several environments (--env repeated, or --all)
    are read in one pass and reported one after another, then summed.
    Example: ssmd data inventory --all --from 2025-01-01 --to 2025-12-31 --format calendar
    """
    first, last = _date(start, "--from"), _date(end, "--to")
    if as_json:
        output_format = Format.JSON
    try:
        days = len(date_range(first, last))
        shown = parse_statuses(status, "--status")
        failing = parse_statuses(fail_on, "--fail-on")
    except DataError as error:
        fail(str(error), ExitCode.USAGE)
    if shown and output_format in (Format.CALENDAR, Format.HTML):
        fail(
            f"--status filters table rows; the {output_format.value} view shows every day "
            "(use --fail-on to act on statuses)",
            ExitCode.USAGE,
        )
    envs = env or []
    several = every or len(envs) > 1
    with _opened_all(ctx, feed, envs, every, jobs, s3_client) as (_, selections, backends):
        targets = [
            Target(backend, s.feed, s.environment.name)
            for s, backend in zip(selections, backends, strict=True)
        ]
        with _progress(days * len(targets)) as progress:
            reports = build_inventories(targets, first, last, jobs, progress)
    chunks = render_report(reports, several, output_format, shown, _colour(ctx, out))
    if out is None:
        _write(chunks, sys.stdout)
    else:
        try:
            with out.open("w", encoding="utf-8") as stream:
                _write(chunks, stream)
        except OSError as error:
            fail(f"cannot write {out}: {error.strerror or error}; choose another --out")
    summary = failure_summary(reports, failing)
    if summary is not None:
        typer.echo(f"fail-on: {summary}", err=True)
        raise typer.Exit(int(ExitCode.FINDINGS))


def _colour(ctx: typer.Context, out: Path | None) -> bool:
    """`--color`; on `auto`, colours only for a person at a terminal (https://no-color.org).
    A file (`--out`) never gets them."""
    if out is not None:
        return False
    if state(ctx).color is Color.AUTO and os.environ.get("TERM") == "dumb":
        return False
    return state(ctx).use_color(sys.stdout)


def _write(chunks: Iterable[str], stream: TextIO) -> None:
    """The report a piece at a time (ten environments' JSON is megabytes), ending in a newline."""
    last = ""
    for chunk in chunks:
        stream.write(chunk)
        last = chunk or last
    if not last.endswith("\n"):
        stream.write("\n")


def render_report(
    reports: list[Inventory],
    several: bool,
    output_format: Format,
    shown: frozenset[DayStatus],
    colour: bool,
) -> Iterable[str]:
    if output_format is Format.CALENDAR:
        return [render_calendars(reports, colour)]
    if output_format is Format.HTML:
        return [render_html(reports)]
    filtered = [only_statuses(r, shown) for r in reports]
    if output_format is Format.CSV:
        return [render_csv(filtered)]
    if output_format is Format.JSON:
        return (
            json_chunks(combine(filtered)) if several else [filtered[0].model_dump_json(indent=2)]
        )
    if several:
        return [render_inventories(combine(filtered))]
    return [render_inventory(filtered[0])]


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
