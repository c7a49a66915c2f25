"""How every write command reports: what it did, or why it refused (exit 1, nothing written)."""

from __future__ import annotations

import signal
from collections.abc import Callable
from pathlib import Path

import typer

from ssmd.check import Diagnostic
from ssmd.cli.common import ExitCode, State, fail
from ssmd.report import finding_line, prefix_between
from ssmd.workspace import Workspace
from ssmd.write.atomic import Interrupted, WriteFailed
from ssmd.write.journal import JournalUnreadable
from ssmd.write.lock import LockHeld
from ssmd.write.proposal import Proposal, WriteRefused
from ssmd.write.transaction import transact


def diagnostic_line(diagnostic: Diagnostic, root: Path) -> str:
    """`path:line:col: severity CODE message` at column 0, the path from the working
    directory (as `ssmd validate` prints it: editors and compilation modes jump to it)."""
    return finding_line(diagnostic, prefix_between(Path.cwd(), root.resolve()))


def shown_path(path: str, root: Path) -> str:
    """A root-relative `path` as the user can open or `git add` it from the working directory."""
    return prefix_between(Path.cwd(), root.resolve()) + path


def notice(message: str) -> None:
    typer.echo(f"note: {message}", err=True)


def write(where: State, build: Callable[[Workspace], Proposal]) -> None:
    """Build the change, validate it in memory, write it atomically, and say what happened.

    The write runs as a transaction (ssmd.write.transaction): serialised by the
    registry lock, planned on what is on disk under the lock, compare-and-swapped.
    """
    root = where.root()
    try:
        written = transact(root, build, notify=notice)
        change, outcome = written.change, written.outcome
    except LockHeld as held:
        fail(f"{held}; nothing was written")
    except JournalUnreadable as error:
        fail(str(error))
    except WriteRefused as refusal:
        typer.echo(f"error: {refusal.message}", err=True)
        for diagnostic in refusal.diagnostics:
            typer.echo(diagnostic_line(diagnostic, root), err=True)
        raise typer.Exit(int(ExitCode.FINDINGS)) from None
    except WriteFailed as error:
        fail(str(error))
    except Interrupted as stop:  # SIGTERM/SIGHUP mid-write: a sentence, not a traceback
        name = signal.Signals(stop.signum).name
        outcome_text = (
            "the write was rolled back and no file was changed"
            if stop.rolled_back
            else "the write had completed; review it with `ssmd diff`"
        )
        typer.echo(f"error: stopped by {name}; {outcome_text}.", err=True)
        raise typer.Exit(128 + stop.signum) from None
    for path in written.replanned:
        notice(
            f"{shown_path(path, root)} changed on disk after it was read; "
            "the change was planned on it anew"
        )
    for line in change.summary:
        typer.echo(line)
    for path in outcome.written:
        typer.echo(f"  wrote {shown_path(path, root)}")
    for warning in outcome.warnings:
        typer.echo(diagnostic_line(warning, root), err=True)
    if outcome.written:
        typer.echo("Review with `ssmd diff`, then record it with `ssmd commit -m MESSAGE`.")
