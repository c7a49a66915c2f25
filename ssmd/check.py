"""The rule engine: run the registered rules over documents, resolve positions.

`check` is what the CLI's `validate`, every write command and the language
server call; they differ only in which paths they ask about.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from ssmd.document import Document, Kind
from ssmd.history import RepositoryHistory
from ssmd.resolve import today
from ssmd.rules import RULES, Context, Edit, Finding, Severity
from ssmd.span import Span
from ssmd.workspace import Workspace


@dataclass(frozen=True, slots=True)
class TextEdit:
    file: str
    span: Span
    new_text: str


@dataclass(frozen=True, slots=True)
class QuickFix:
    title: str
    edits: tuple[TextEdit, ...]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    severity: Severity
    message: str
    file: str
    span: Span
    fix: QuickFix | None = None

    @property
    def rule_name(self) -> str:
        return RULES[self.code].name

    def sort_key(self) -> tuple[str, Span, str]:
        return (self.file, self.span, self.code)


def check(
    workspace: Workspace,
    paths: Iterable[str] | None = None,
    as_of: dt.date | None = None,
    base: str | None = None,
) -> dict[str, list[Diagnostic]]:
    """Diagnostics for `paths` (default: every document), each list sorted by position.

    Every requested path gets an entry, empty when clean, so a caller can clear
    what it showed before. `base` is a commit to compare with for the rules that
    judge a change (SSMD401); without it they report nothing.
    """
    wanted = sorted(workspace.documents if paths is None else paths)
    documents = [workspace.documents[p] for p in wanted if p in workspace.documents]
    _compile_upfront(workspace, documents)
    compared = RepositoryHistory(workspace.root, head=base) if base else None
    context = Context(workspace, as_of or today(), compared)
    results: dict[str, list[Diagnostic]] = {path: [] for path in wanted}
    by_kind = {kind: [r for r in RULES.values() if kind in r.kinds] for kind in Kind}
    for document in documents:
        found = results[document.path]
        for rule in by_kind[document.kind]:
            for finding in rule.check(document, context):
                severity = finding.severity or rule.severity
                found.append(_diagnostic(rule.code, severity, document, finding))
        found.sort(key=Diagnostic.sort_key)
    return results


def _compile_upfront(workspace: Workspace, documents: list[Document]) -> None:
    """Compile every `.capnp` the documents need in one child run, not one run per rule."""
    needed: set[str] = set()
    for document in documents:
        if document.kind is Kind.CAPNP:
            needed.add(document.path)
        elif document.kind is Kind.SCHEMA and document.model is not None:
            needed |= workspace.schema_files(document.model)  # type: ignore[arg-type]
    workspace.compiled(sorted(needed))


def _diagnostic(code: str, severity: Severity, document: Document, finding: Finding) -> Diagnostic:
    span = finding.span or document.span(finding.path, finding.part)
    fix = None
    if finding.fix is not None:
        edits = tuple(_text_edit(document, edit) for edit in finding.fix.edits)
        fix = QuickFix(finding.fix.title, edits)
    return Diagnostic(code, severity, finding.message, document.path, span, fix)


def _text_edit(document: Document, edit: Edit) -> TextEdit:
    span = edit.span or document.full_span(edit.path, edit.part)
    return TextEdit(edit.file or document.path, span, edit.new_text)


def count(results: dict[str, list[Diagnostic]], severity: Severity) -> int:
    return sum(1 for found in results.values() for d in found if d.severity is severity)
