"""What every command shares: exit codes, the root, dates, output streams."""

from __future__ import annotations

import datetime as dt
import sys
from enum import IntEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from ssmd.edit.journal import JournalUnreadable, recover_pending
from ssmd.git import GitError, commit_summary
from ssmd.history import commit_known_at
from ssmd.resolve import parse_date, today
from ssmd.workspace import RootNotFound, Workspace, find_root


class ExitCode(IntEnum):
    OK = 0
    FINDINGS = 1
    """Errors found (or warnings with --strict), or a write refused."""
    USAGE = 2


class State:
    """Global options, kept on the Typer context."""

    def __init__(self, root: Path | None) -> None:
        self.root_option = root

    def root(self) -> Path:
        try:
            root = find_root(self.root_option)
        except RootNotFound as error:
            fail(str(error), ExitCode.USAGE)
        try:  # a write of several files a dead process left half done: finish or undo it
            recover_pending(root, lambda message: typer.echo(f"note: {message}", err=True))
        except JournalUnreadable as error:
            fail(str(error))
        return root

    def workspace(self, known_at: str | None = None) -> Workspace:
        """The registry in the work tree, or as committed at `--known-at` (date or commit)."""
        if known_at is None:
            return Workspace.load(self.root())
        root = self.root()
        try:
            commit = commit_known_at(root, known_at)
            workspace = Workspace.load_at(root, commit)
            short, date = commit_summary(root, commit)
        except GitError as error:
            fail(str(error), ExitCode.USAGE)
        typer.echo(f"known at {known_at}: the registry as committed in {short} ({date})", err=True)
        return workspace


def state(ctx: typer.Context) -> State:
    found = ctx.find_root().obj
    assert isinstance(found, State)
    return found


def fail(message: str, code: ExitCode = ExitCode.FINDINGS) -> NoReturn:
    """Print an error sentence to stderr and exit."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(int(code))


def as_of_date(value: str | None) -> dt.date:
    if value is None:
        return today()
    try:
        return parse_date(value)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None


AsOf = Annotated[
    str | None,
    typer.Option("--as-of", help="Date to resolve versions on, YYYY-MM-DD (default: today, UTC)."),
]
KnownAt = Annotated[
    str | None,
    typer.Option(
        "--known-at",
        metavar="DATE|COMMIT",
        help="Read the registry as git had it: the last commit on or before DATE (UTC), "
        "or a COMMIT. Combines with --as-of.",
    ),
]
Json = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of text.")]


def echo_json(text: str) -> None:
    sys.stdout.write(text + "\n")


def optional_date(value: str | None) -> dt.date | None:
    """A date option's value, or None when it was not given."""
    return None if value is None else as_of_date(value)
