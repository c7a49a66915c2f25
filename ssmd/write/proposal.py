"""A proposed write, validated in memory before a byte reaches the disk.

Every write command builds a `Proposal` (root-relative path -> new bytes) and
hands it to `apply_proposal`, which lays the new content over the workspace,
runs the same rules as `ssmd validate`, and writes atomically only when the
result is clean.

Refusal policy: a change is refused when, after it, any file it touches *or
any file that depends on one it touches* (the environments of a feed or
schema, the schemas of a `.capnp` file) has an error. Errors in unrelated
files do not block, so one broken file elsewhere never freezes the registry;
`ssmd validate` and `ssmd commit` still report them. Warnings never block.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ssmd.check import Diagnostic, check
from ssmd.document import Document, Kind
from ssmd.models import NAME_PATTERN
from ssmd.resolve import today
from ssmd.rules import Severity
from ssmd.workspace import Workspace
from ssmd.write.atomic import write_atomically
from ssmd.write.textedit import NotEditable, TextDocument


class WriteRefused(Exception):
    """A write that will not happen: a sentence saying why, and the findings behind it."""

    def __init__(self, message: str, diagnostics: Sequence[Diagnostic] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.diagnostics = list(diagnostics)


@dataclass(slots=True)
class Proposal:
    """What a command wants written, and what it did in words (one line per entry)."""

    files: dict[str, bytes] = field(default_factory=dict)
    summary: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.files


@dataclass(frozen=True, slots=True)
class Outcome:
    written: list[str]
    warnings: list[Diagnostic]


def apply_proposal(
    workspace: Workspace,
    change: Proposal,
    as_of: dt.date | None = None,
    *,
    expected: Mapping[Path, str | None] | None = None,
    journal_root: Path | None = None,
) -> Outcome:
    """Validate `change` over `workspace` (which it updates in memory), then write it.

    Raises WriteRefused (nothing written) when the touched files or their dependents
    have errors afterwards, or WriteFailed when the disk refuses. `expected` and
    `journal_root` go to `write_atomically` (compare-and-swap, journal); the locked,
    re-planning caller is `ssmd.write.transaction.transact`.
    """
    if change.empty:
        return Outcome([], [])
    affected: set[str] = set()
    for path, content in change.files.items():
        # set_text, not set_bytes: the content is not on disk yet, so it must not be
        # compiled in place (commands only produce UTF-8; register checks its input).
        affected |= workspace.set_text(path, content.decode("utf-8"))
    results = check(workspace, sorted(affected), as_of=as_of or today())
    found = [d for path in sorted(results) for d in results[path]]
    errors = [d for d in found if d.severity is Severity.ERROR]
    if errors:
        raise WriteRefused(
            f"refused: the change would leave {len(errors)} error"
            f"{'' if len(errors) == 1 else 's'} (nothing was written)",
            errors,
        )
    write_atomically(
        {workspace.root / path: content for path, content in change.files.items()},
        expected,
        journal_root,
    )
    return Outcome(sorted(change.files), [d for d in found if d.severity is Severity.WARNING])


def require_name(kind: Kind, name: str) -> None:
    if not NAME_PATTERN.match(name):
        raise WriteRefused(
            f"'{name}' is not a valid {kind} name: use lowercase letters, digits, '-' and '_', "
            "starting with a letter (at most 63 characters), e.g. kalshi-dev"
        )


def require_new(workspace: Workspace, kind: Kind, name: str, path: str) -> None:
    """Refuse to create what exists (as a file, or as a name another file declares)."""
    taken = sorted(workspace.paths_named(kind, name) | ({path} & set(workspace.documents)))
    if taken or (workspace.root / path).exists():
        where = ", ".join(taken) or path
        article = "an" if str(kind)[0] in "aeiou" else "a"
        raise WriteRefused(
            f"{article} {kind} named '{name}' already exists ({where}); edit it instead"
        )


def existing(workspace: Workspace, kind: Kind, name: str, hint: str) -> Document:
    """The loaded document of `name`, or a refusal listing the names there are."""
    document = workspace.named(kind, name)
    if document is None:
        known = workspace.names(kind)
        close = difflib.get_close_matches(name, known, n=1)
        guess = f"did you mean '{close[0]}'? " if close else ""
        names = ", ".join(known) or "none yet"
        raise WriteRefused(f"no {kind} named '{name}' ({kind}s: {names}); {guess}{hint}")
    if document.model is None or document.problems:
        raise WriteRefused(
            f"{document.path} has errors already ({_first_problem(document)}); "
            "fix them first (`ssmd validate` lists them)"
        )
    if document.declared_name != document.stem:
        raise WriteRefused(
            f"{document.path} declares name '{document.declared_name}', which does not match "
            f"its file name; rename the file or the name first"
        )
    return document


def _first_problem(document: Document) -> str:
    if not document.problems:
        return "it does not load"
    problem = document.problems[0]
    line, column = problem.span.one_based()
    return f"line {line}:{column}: {problem.code} {problem.message}"


def editable(document: Document) -> TextDocument:
    try:
        return TextDocument.parse(document.text, document.path)
    except NotEditable as error:
        raise WriteRefused(str(error)) from None


def encode(document: TextDocument) -> bytes:
    return document.text().encode("utf-8")


def next_version_id(ids: Sequence[str]) -> str:
    numbers = [int(v[1:]) for v in ids if v[1:].isdigit()]
    return f"v{max(numbers, default=0) + 1}"


def date_position(items: Sequence[Any], effective_from: dt.date) -> int:
    """Where a version effective on `effective_from` goes: before the first later one."""
    for index, item in enumerate(items):
        value = item.get("effective_from") if hasattr(item, "get") else None
        if isinstance(value, str):  # the reader keeps dates as text
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                continue
        if isinstance(value, dt.date) and value > effective_from:
            return index
    return len(items)
