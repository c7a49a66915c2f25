"""Help as plain text: Click's own formatter, not Typer's rich panels.

Every Typer app here is made with `rich_markup_mode=None` (`PLAIN_HELP`), which makes Typer print
Click's plain help and plain usage errors. Why: `typer.rich_utils` imports rich's markdown,
syntax, traceback and pretty modules, about 110 ms, so `ssmd --help` cost ~7x `python -c pass`
and plain help costs ~3x (benchmarks/cli_start.py). Plain help is also what ruff, yamllint and
git print: greppable, no box drawing, the same on a terminal and in a pipe. Help texts are
plain sentences, so no markup is lost (docs/design.md, "Help is plain text").

Three touches on top of Click's layout, applied to every command by `prepare_commands`:

- a command list shows each command's whole first paragraph, wrapped, as rich did (Click
  cuts it at the column width with "...");
- a paragraph's closing `Example: ...` / `Examples: a; b` goes on lines of its own, never
  wrapped, so it can be copied as it stands;
- words are wrapped at spaces only, never at a hyphen (`--known-at`, `cherry-pick`).
"""

from __future__ import annotations

import inspect
import re
from typing import Any

import typer

PLAIN_HELP: dict[str, Any] = {"rich_markup_mode": None}
"""Keyword arguments for every `typer.Typer(...)` of the CLI: plain help (see above)."""

_HYPHEN = "-"
_KEEP = "\u2011"  # a non-breaking hyphen stands in while Click wraps (same width)
_EXAMPLE = re.compile(r"(?:^|(?<=\s))(Examples?): (\S.*)$", re.DOTALL)
_NO_REWRAP = "\b"  # Click: a paragraph opened by this line is printed as it is


def first_paragraph(text: str | None) -> str:
    """A command's one-line description: its help's first paragraph, as one line."""
    if not text:
        return ""
    cleaned = inspect.cleandoc(text).partition("\f")[0]
    return " ".join(cleaned.split("\n\n", 1)[0].split())


def examples_apart(text: str) -> str:
    """`text` with each paragraph's closing example(s) moved to a paragraph Click keeps as is."""
    paragraphs = []
    for paragraph in text.split("\n\n"):
        found = _EXAMPLE.search(paragraph)
        if found is None:
            paragraphs.append(paragraph)
            continue
        prose = paragraph[: found.start()].rstrip()
        if prose:
            paragraphs.append(prose)
        label, commands = found.group(1), " ".join(found.group(2).split())
        if label == "Example":
            paragraphs.append(f"{_NO_REWRAP}\n{label}: {commands}")
        else:
            lines = "\n".join(f"  {command}" for command in commands.split("; "))
            paragraphs.append(f"{_NO_REWRAP}\n{label}:\n{lines}")
    return "\n\n".join(paragraphs)


def _keep_hyphens(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace(_HYPHEN, _KEEP)
    if isinstance(value, (list, tuple)):
        return type(value)(_keep_hyphens(item) for item in value)
    return value


class PlainHelpFormatter(typer.Context.formatter_class):  # type: ignore[misc,valid-type]
    """Click's formatter, wrapping at spaces only (see the module doc)."""

    def _unbroken(self, write: Any, *args: Any, **kwargs: Any) -> None:
        start = len(self.buffer)
        write(*(_keep_hyphens(arg) for arg in args), **kwargs)
        self.buffer[start:] = [piece.replace(_KEEP, _HYPHEN) for piece in self.buffer[start:]]

    def write_usage(self, *args: Any, **kwargs: Any) -> None:
        self._unbroken(super().write_usage, *args, **kwargs)

    def write_text(self, text: str) -> None:
        self._unbroken(super().write_text, examples_apart(text))

    def write_dl(self, *args: Any, **kwargs: Any) -> None:
        self._unbroken(super().write_dl, *args, **kwargs)


class PlainHelpContext(typer.Context):
    formatter_class = PlainHelpFormatter


def plain_help(command: Any) -> None:
    """Give one Click command (not its sub-commands) the plain help of this module."""
    command.context_class = PlainHelpContext
    if not command.short_help:
        command.short_help = first_paragraph(command.help) or None
