"""The rule engine: run the registered rules over documents, resolve positions.

`check` is what the CLI's `validate`, every write command and the language
server call; they differ only in which paths they ask about.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from ssmd import codes
from ssmd.document import Document, Kind
from ssmd.history import RepositoryHistory
from ssmd.lintconfig import CONFIG_FILE, PROTECTED_CODES, LintConfig, config_of
from ssmd.resolve import today
from ssmd.rules import RULES, Context, Edit, Finding, Fix, NewFile, Rule, Severity
from ssmd.rules.lint import ENGINE_CODES
from ssmd.span import RelatedLocation, Span
from ssmd.suppression import Suppression, malformed, suppressions
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
    creates: tuple[NewFile, ...] = ()
    """Files to create (never overwriting one) before the edits apply."""


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    severity: Severity
    message: str
    file: str
    span: Span
    fix: QuickFix | None = None
    suppressed: str | None = None
    """The reason of the `# ssmd: ignore[...]` comment that hides this finding, if one does."""
    more_fixes: tuple[QuickFix, ...] = ()
    """Other fixes, offered after `fix` and never preferred (e.g. create a missing file)."""

    @property
    def rule(self) -> Rule:
        return RULES[self.code]

    related: tuple[RelatedLocation, ...] = ()
    """Second places the finding is about, e.g. the anchor of the `*alias` it is located at."""

    @property
    def rule_name(self) -> str:
        return self.rule.name

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
    judge a change (SSMD401); without it they report nothing. Findings that
    `ssmd.yaml` switches off or an in-place suppression hides are not in it
    (`check_report` has the hidden ones).
    """
    return check_report(workspace, paths, as_of, base).results


@dataclass(slots=True)
class CheckReport:
    results: dict[str, list[Diagnostic]]
    """What to show and what decides the exit code."""
    suppressed: dict[str, list[Diagnostic]] = field(default_factory=dict)
    """Hidden by `# ssmd: ignore[...]`, each with its reason (`Diagnostic.suppressed`)."""
    config: LintConfig = field(default_factory=LintConfig)


def check_report(
    workspace: Workspace,
    paths: Iterable[str] | None = None,
    as_of: dt.date | None = None,
    base: str | None = None,
) -> CheckReport:
    """`check`, with the suppressed findings and the configuration that applied.

    The configuration (`ssmd.yaml`) is applied here, the one place the CLI and
    the language server both go through. The config file's own findings are
    under the key `ssmd.yaml` when the file exists and every path (or it) is asked for.
    """
    config = config_of(workspace)
    wanted = sorted(workspace.documents if paths is None else paths)
    documents = [workspace.documents[p] for p in wanted if p in workspace.documents]
    _compile_upfront(workspace, documents)
    compared = RepositoryHistory(workspace.root, head=base) if base else None
    context = Context(workspace, as_of or today(), compared)
    report = CheckReport({path: [] for path in wanted if path != CONFIG_FILE}, config=config)
    by_kind = {kind: [r for r in RULES.values() if kind in r.kinds] for kind in Kind}
    for document in documents:
        found: list[Diagnostic] = []
        for rule in by_kind[document.kind]:
            for finding in rule.check(document, context):
                severity = _severity(config, document, rule.code, finding.severity or rule.severity)
                if severity is not None:
                    found.append(_diagnostic(rule.code, severity, document, finding))
        shown, hidden = _apply_suppressions(config, document, found)
        shown.sort(key=Diagnostic.sort_key)
        report.results[document.path] = shown
        if hidden:
            report.suppressed[document.path] = hidden
    if config.present and (paths is None or CONFIG_FILE in wanted):
        report.results[CONFIG_FILE] = [
            Diagnostic(
                codes.INVALID_CONFIG, Severity.ERROR, problem.message, CONFIG_FILE, problem.span
            )
            for problem in config.problems
        ]
    return report


def suppression_fix(workspace: Workspace, diagnostic: Diagnostic) -> QuickFix | None:
    """ "Suppress CODE here": a `# ssmd: ignore[CODE] ` line above the finding's line.

    The reason is left for the user to write: until they do, SSMD011 says so and the
    finding stays. None where a suppression is not allowed (a protected environment's
    reference error, the findings about suppressions and the configuration themselves).
    """
    document = workspace.documents.get(diagnostic.file)
    if document is None or diagnostic.code in ENGINE_CODES:
        return None
    if _protected(config_of(workspace), document, diagnostic.code):
        return None
    line = diagnostic.span.start.line
    start = document.lines.offset(line)
    text = document.text[start : start + document.lines.length(line)]
    indent = text[: len(text) - len(text.lstrip())]
    comment = f"{indent}# ssmd: ignore[{diagnostic.code}] \n"
    edit = TextEdit(document.path, Span.point(line, 0), comment)
    return QuickFix(f"Suppress {diagnostic.code} here (then write the reason)", (edit,))


def _protected(config: LintConfig, document: Document, code: str) -> bool:
    """SSMD301-304 in an environment the configuration protects: never lowered or hidden."""
    return (
        code in PROTECTED_CODES
        and document.kind is Kind.ENVIRONMENT
        and config.is_protected(document.declared_name or document.stem)
    )


def _severity(
    config: LintConfig, document: Document, code: str, default: Severity
) -> Severity | None:
    """The severity `ssmd.yaml` gives this finding; None when the rule is off for the file."""
    if default is Severity.ERROR and _protected(config, document, code):
        return default
    level = config.level(code, document.path)
    return default if level is None else level.severity


def _apply_suppressions(
    config: LintConfig, document: Document, found: list[Diagnostic]
) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """Split `found` into shown and suppressed; add SSMD011/012 about the comments."""
    comments = suppressions(document.text)
    if not comments:
        return found, []
    usable: dict[int, list[Suppression]] = {}
    extra: list[Diagnostic] = []
    for comment in comments:
        problem = malformed(comment, RULES.keys())
        if problem is None:
            refused = [c for c in comment.codes if _protected(config, document, c)]
            if refused:
                name = document.declared_name or document.stem
                problem = (
                    f"{', '.join(refused)} cannot be suppressed in {name}: ssmd.yaml protects "
                    "it (protected_environments); fix the reference instead"
                )
        if problem is None:
            usable.setdefault(comment.covers, []).append(comment)
        else:
            extra.extend(_meta(config, document, codes.INVALID_SUPPRESSION, problem, comment.span))
    shown: list[Diagnostic] = []
    hidden: list[Diagnostic] = []
    used: set[Span] = set()
    for diagnostic in found:
        line = diagnostic.span.start.line
        match = next((c for c in usable.get(line, []) if diagnostic.code in c.codes), None)
        if match is None:
            shown.append(diagnostic)
        else:
            used.add(match.span)
            hidden.append(replace(diagnostic, suppressed=match.reason))
    for group in usable.values():
        for comment in group:
            if comment.span not in used:
                message = (
                    f"nothing to suppress: no {', '.join(comment.codes)} finding on line "
                    f"{comment.covers + 1}; delete the comment"
                )
                extra.extend(
                    _meta(config, document, codes.UNUSED_SUPPRESSION, message, comment.span)
                )
    return shown + extra, hidden


def _meta(
    config: LintConfig, document: Document, code: str, message: str, span: Span
) -> list[Diagnostic]:
    severity = _severity(config, document, code, RULES[code].severity)
    if severity is None:
        return []
    fix = None
    if code == codes.UNUSED_SUPPRESSION:
        fix = QuickFix("Delete the unused suppression", (_deletion(document, span),))
    return [Diagnostic(code, severity, message, document.path, span, fix)]


def _deletion(document: Document, comment: Span) -> TextEdit:
    """Remove a comment: its whole line when alone on it, else it and the blanks before it."""
    line = comment.start.line
    start = document.lines.offset(line)
    before = document.text[start : start + comment.start.character]
    if not before.strip():
        return TextEdit(document.path, Span.of(line, 0, line + 1, 0), "")
    kept = len(before.rstrip())
    return TextEdit(document.path, Span.of(line, kept, line, comment.end.character), "")


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
    fix = _quick_fix(document, finding.fix) if finding.fix is not None else None
    more = tuple(_quick_fix(document, other) for other in finding.more_fixes)
    related = finding.related
    if not related and finding.span is None:
        related = document.related_to(finding.path, finding.part)
    return Diagnostic(
        code, severity, finding.message, document.path, span, fix, more_fixes=more, related=related
    )


def _quick_fix(document: Document, fix: Fix) -> QuickFix:
    edits = tuple(_text_edit(document, edit) for edit in fix.edits)
    return QuickFix(fix.title, edits, fix.creates)


def _text_edit(document: Document, edit: Edit) -> TextEdit:
    span = edit.span or document.full_span(edit.path, edit.part)
    return TextEdit(edit.file or document.path, span, edit.new_text)
