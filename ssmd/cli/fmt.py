"""`ssmd fmt`: rewrite registry YAML files in their canonical layout (ssmd.fmt decides it)."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Annotated

import typer

from ssmd.cli.common import ExitCode, fail, state
from ssmd.document import Kind, kind_of
from ssmd.fmt import format_text
from ssmd.locate import discover
from ssmd.write.atomic import WriteFailed, write_atomically


def _targets(root: Path, paths: list[Path]) -> list[str]:
    """Root-relative registry YAML paths named by `paths` (files or folders), or all of them."""
    if not paths:
        return [p for p in discover(root) if kind_of(p) not in (None, Kind.CAPNP)]
    chosen: set[str] = set()
    for given in paths:
        full = given.resolve()
        try:
            relative = full.relative_to(root)
        except ValueError:
            fail(f"{given} is outside the registry at {root}; pass files under it", ExitCode.USAGE)
        if full.is_dir():
            prefix = "" if relative == Path(".") else f"{relative.as_posix()}/"
            chosen |= {
                p
                for p in discover(root)
                if p.startswith(prefix) and kind_of(p) not in (None, Kind.CAPNP)
            }
        elif kind_of(relative.as_posix()) not in (None, Kind.CAPNP):
            chosen.add(relative.as_posix())
        elif not full.exists():
            fail(f"{given} does not exist", ExitCode.USAGE)
        # other files (a .capnp, a README) are not formatted: pre-commit may pass any file
    return sorted(chosen)


def register(app: typer.Typer) -> None:
    @app.command("fmt")
    def fmt(
        ctx: typer.Context,
        paths: Annotated[
            list[Path] | None, typer.Argument(help="Files or folders (default: the registry).")
        ] = None,
        check: Annotated[
            bool, typer.Option("--check", help="Write nothing; exit 1 if a file would change.")
        ] = False,
        diff: Annotated[
            bool, typer.Option("--diff", help="Print the changes as a diff; write nothing.")
        ] = False,
    ) -> None:
        """Rewrite feed, schema and environment files in the canonical layout.

        Canonical: SPEC key order, versions by effective_from, two-space indentation,
        quotes only where needed, comments kept with their lines. Example: ssmd fmt --check
        """
        root = state(ctx).root()
        changed: dict[Path, bytes] = {}
        for path in _targets(root, paths or []):
            target = root / path
            try:
                original = target.read_bytes().decode("utf-8")
            except (OSError, UnicodeDecodeError) as error:
                typer.echo(f"{path}: cannot read it ({error}); left as it is", err=True)
                continue
            result = format_text(path, original)
            if result.refused is not None:
                typer.echo(f"{result.refused}; left as it is", err=True)
                continue
            if result.text == original:
                continue
            changed[target] = result.text.encode("utf-8")
            if diff:
                typer.echo(
                    "".join(
                        difflib.unified_diff(
                            original.splitlines(keepends=True),
                            result.text.splitlines(keepends=True),
                            f"a/{path}",
                            f"b/{path}",
                        )
                    ),
                    nl=False,
                )
            elif check:
                typer.echo(f"would reformat {path}")
        if check or diff:
            count = len(changed)
            typer.echo(f"{count} file{'' if count == 1 else 's'} would be reformatted", err=True)
            raise typer.Exit(int(ExitCode.FINDINGS if changed else ExitCode.OK))
        if changed:
            try:
                write_atomically(changed)
            except WriteFailed as error:
                fail(str(error))
        for target in changed:
            typer.echo(f"reformatted {target.relative_to(root).as_posix()}")
        typer.echo(f"{len(changed)} file{'' if len(changed) == 1 else 's'} reformatted", err=True)
