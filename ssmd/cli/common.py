"""What every command shares: exit codes, the root, dates, output streams.

`--root` on every command, before or after the sub-command (read before adding a command)
-----------------------------------------------------------------------------------------
`ssmd --root X feed list` and `ssmd feed list --root X` mean the same. One mechanism does it:
`prepare_commands(command)` walks the Click tree Typer builds from `ssmd.cli.app` and appends
`root_option()` (a `--root` that is not passed to the function; its callback stores the value
on the `State`) to every command that has no `--root` of its own. `ssmd.cli.main` calls it once,
so a command registered on `app` (directly, or in a sub-app added with `add_typer`) gets
`--root` for free and reads it, as before, with `state(ctx).root()` or `state(ctx).workspace()`.
Nothing to add per command. A test driving `app` with Typer's CliRunner should invoke
`ssmd.cli.command()` (the Click command with the option installed) instead.
"""

from __future__ import annotations

import functools
import os
import sys
from enum import IntEnum, StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TextIO, get_args

import typer
import typer.main

from ssmd.cli.helpformat import PLAIN_HELP, plain_help

if TYPE_CHECKING:
    import datetime as dt

    from ssmd.workspace import Workspace

# The library (pydantic models, YAML) is imported inside the functions that use it, so
# `ssmd --version` and `ssmd --help` never pay for it (benchmarks/cli_start.py).


class ExitCode(IntEnum):
    OK = 0
    FINDINGS = 1
    """Errors found (or warnings with --strict), or a write refused."""
    USAGE = 2


class Color(StrEnum):
    AUTO = "auto"
    ALWAYS = "always"
    NEVER = "never"


COLOR_HELP = "Color: auto (on a terminal, unless $NO_COLOR is set), always, never."


class State:
    """Global options, kept on the Typer context."""

    def __init__(self, root: Path | None, color: Color = Color.AUTO) -> None:
        self.root_option = root
        self.color = color

    def use_color(self, stream: TextIO | None = None, override: Color | None = None) -> bool:
        """Whether to color `stream` (stdout): `--color`, else $NO_COLOR, else a terminal."""
        chosen = Color(override if override not in (None, Color.AUTO) else self.color)
        if chosen == Color.ALWAYS:
            return True
        if chosen == Color.NEVER or os.environ.get("NO_COLOR"):
            return False
        return (stream or sys.stdout).isatty()

    @property
    def root_named(self) -> bool:
        """Whether the user named the one registry (`--root` or $SSMD_ROOT): then no other is
        looked for."""
        return bool(self.root_option or os.environ.get("SSMD_ROOT"))

    def root(self) -> Path:
        from ssmd.locate import RootNotFound, find_root

        try:
            root = find_root(self.root_option)
        except RootNotFound as error:
            fail(str(error), ExitCode.USAGE)
        return _recovered(root)

    def roots(self, paths: list[Path]) -> list[Path]:
        """The registries PATH arguments mean (see ssmd.locate); none given: `--root`,
        $SSMD_ROOT, the registry above the working directory, else every one below it."""
        from ssmd.locate import NoRegistry, RootNotFound, find_root, registries_for

        try:
            if paths:
                found = registries_for(paths, Path.cwd())
            else:
                try:
                    found = [find_root(self.root_option)]
                except RootNotFound:
                    if self.root_named:
                        raise
                    found = registries_for([], Path.cwd())
        except (RootNotFound, NoRegistry) as error:
            fail(str(error), ExitCode.USAGE)
        return [_recovered(root) for root in found]

    def workspace(self, known_at: str | None = None, root: Path | None = None) -> Workspace:
        """The registry in the work tree, or as committed at `--known-at` (date or commit)."""
        from ssmd.workspace import Workspace

        root = root or self.root()
        if known_at is None:
            return Workspace.load(root)
        from ssmd.git import GitError, commit_summary
        from ssmd.registry import open_workspace  # with the rules: only for --known-at

        try:
            workspace = open_workspace(root, known_at)
            short, date = commit_summary(root, workspace.commit or "HEAD")
        except GitError as error:
            fail(str(error), ExitCode.USAGE)
        typer.echo(f"known at {known_at}: the registry as committed in {short} ({date})", err=True)
        return workspace


ROOT_HELP = (
    "Registry root (the folder holding exchanges/). Default: $SSMD_ROOT, "
    "else the nearest such folder above the working directory."
)


def _store_root(ctx: typer.Context, value: Path | None) -> None:
    if value is not None:
        found = ctx.find_root()
        if not isinstance(found.obj, State):
            found.obj = State(None)
        found.obj.root_option = value


@functools.cache
def root_option() -> Any:
    """`--root` for a sub-command: same meaning as the top-level one (see the module doc).

    Built by Typer itself from a one-parameter donor command (Typer 0.29 vendors its own
    Click, so its Option class is private); the value is stored, never passed.
    """
    donor = typer.Typer(**PLAIN_HELP)

    @donor.command()
    def _donor(
        root: Annotated[
            Path | None,
            typer.Option("--root", help=ROOT_HELP, callback=_store_root, expose_value=False),
        ] = None,
    ) -> None:
        pass

    return typer.main.get_command(donor).params[0]


def _quiet_flag(param: Any) -> Any:
    if param is not None and getattr(param, "is_flag", False) and param.metavar is None:
        param.metavar = ""
    return param


def _one_value_label(param: Any) -> None:
    """Show a list parameter's item type (`<path>`, `<str>`), not Typer's `<list[Path]>`: a
    repeatable option, or each of several arguments, takes one value at a time."""
    described = getattr(param, "type_descriptor", None)
    if described is None or not described.is_list or described.is_choice:
        return
    (item,) = get_args(described.annotation)
    label = "path" if item is Path else getattr(item, "__name__", str(item))
    param.display_type = lambda ctx: f"<{label}>"


def prepare_commands(command: Any) -> Any:
    """Give every command below `command` (a Click group) a `--root`, unless it has one,
    plain help (ssmd.cli.helpformat), and drop Typer's `<bool>` type label from flags in help
    (a flag takes no value) and its `list[...]` from list parameters."""
    plain_help(command)
    for param in command.params:
        _quiet_flag(param)
        _one_value_label(param)
    help_option = command.get_help_option
    command.get_help_option = lambda ctx: _quiet_flag(help_option(ctx))
    for sub in getattr(command, "commands", {}).values():
        if not any("--root" in getattr(p, "opts", ()) for p in sub.params):
            sub.params.append(root_option())
        prepare_commands(sub)
    return command


def _recovered(root: Path) -> Path:
    """`root`, after finishing or undoing a several-file write a dead process left half done."""
    from ssmd.write.journal import JournalUnreadable, recover_pending

    try:
        recover_pending(root, lambda message: typer.echo(f"note: {message}", err=True))
    except JournalUnreadable as error:
        fail(str(error))
    return root


def state(ctx: typer.Context) -> State:
    found = ctx.find_root().obj
    assert isinstance(found, State)
    return found


def fail(message: str, code: ExitCode = ExitCode.FINDINGS) -> NoReturn:
    """Print an error sentence to stderr and exit."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(int(code))


def as_of_date(value: str | None) -> dt.date:
    from ssmd.resolve import parse_date, today

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
