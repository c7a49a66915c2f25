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


def _registries(ctx: typer.Context, paths: list[Path]) -> list[tuple[Path, list[Path]]]:
    """Each registry to format with the paths given in it (none: all of its files).

    `--root` (or $SSMD_ROOT) names the one registry, and every path must be in it; else
    paths mean their registries as for `ssmd validate` (pre-commit passes file names from
    a monorepo's top), and no path means the registry here, else every one below."""
    if state(ctx).root_named:
        return [(state(ctx).root(), paths)]
    chosen = []
    for root in sorted(state(ctx).roots(paths)):
        whole = not paths or any(root.is_relative_to(p.resolve()) for p in paths)
        chosen.append(
            (root, [] if whole else [p for p in paths if p.resolve().is_relative_to(root)])
        )
    return chosen


def _formatted(root: Path, path: str, shown: str) -> tuple[str, str] | None:
    """(original, canonical) texts of the root-relative `path` when they differ; None when it
    is canonical or cannot be formatted (said on stderr)."""
    try:
        original = (root / path).read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        typer.echo(f"{shown}: cannot read it ({error}); left as it is", err=True)
        return None
    result = format_text(path, original)
    if result.refused is not None:
        typer.echo(f"{result.refused}; left as it is", err=True)
        return None
    return None if result.text == original else (original, result.text)


def _patch(original: str, text: str, shown: str) -> str:
    lines = original.splitlines(keepends=True), text.splitlines(keepends=True)
    return "".join(difflib.unified_diff(*lines, f"a/{shown}", f"b/{shown}"))


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
        from ssmd.report import prefix_between  # here: `ssmd fmt --help` stays light

        changed: dict[Path, bytes] = {}
        shown: dict[Path, str] = {}
        for root, given in _registries(ctx, paths or []):
            prefix = prefix_between(Path.cwd().resolve(), root)
            for path in _targets(root, given):
                target = root / path
                shown[target] = prefix + path
                texts = _formatted(root, path, shown[target])
                if texts is None:
                    continue
                changed[target] = texts[1].encode("utf-8")
                if diff:
                    typer.echo(_patch(*texts, shown[target]), nl=False)
                elif check:
                    typer.echo(f"would reformat {shown[target]}")
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
            typer.echo(f"reformatted {shown[target]}")
        typer.echo(f"{len(changed)} file{'' if len(changed) == 1 else 's'} reformatted", err=True)
