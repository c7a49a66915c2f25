"""Rules about a file as text and as a named thing (SSMD001-007)."""

from __future__ import annotations

from collections.abc import Iterator

from ssmd import codes
from ssmd.document import Document, Kind
from ssmd.models import excerpt
from ssmd.rules.context import Context
from ssmd.rules.registry import Edit, Finding, Fix, Severity, rule

YAML_KINDS = (Kind.FEED, Kind.SCHEMA, Kind.ENVIRONMENT)


def _problems(document: Document, code: str) -> Iterator[Finding]:
    for problem in document.problems:
        if problem.code != code:
            continue
        fix = None
        if problem.replacement is not None:
            edit = Edit(problem.replacement, span=problem.span)
            fix = Fix(f"Change to '{problem.replacement}'", (edit,))
        yield Finding(problem.message, span=problem.span, fix=fix, related=problem.related)


@rule(codes.YAML_SYNTAX, "yaml-syntax", Severity.ERROR, *YAML_KINDS)
def yaml_syntax(document: Document, context: Context) -> Iterator[Finding]:
    """The file is not valid YAML.

    The position is where the parser gave up (for an unclosed quote or
    bracket: where it opens); the mistake is often on that line or just
    before it, such as a key indented differently from its neighbours or a
    tab used for indentation. The message ends with a hint for the common
    cases.
    """
    return _problems(document, codes.YAML_SYNTAX)


@rule(codes.DUPLICATE_KEY, "duplicate-key", Severity.ERROR, *YAML_KINDS)
def duplicate_key(document: Document, context: Context) -> Iterator[Finding]:
    """A key appears twice in one mapping.

    YAML loaders disagree on which value wins, so ssmd refuses the file; the
    first occurrence is the one ssmd keeps meanwhile.
    """
    return _problems(document, codes.DUPLICATE_KEY)


@rule(codes.UNKNOWN_KEY, "unknown-key", Severity.ERROR, *YAML_KINDS)
def unknown_key(document: Document, context: Context) -> Iterator[Finding]:
    """A key that this kind of file does not have: usually a typo.

    The message suggests the closest known key, and a quick fix applies it.
    """
    return _problems(document, codes.UNKNOWN_KEY)


@rule(codes.MISSING_KEY, "missing-key", Severity.ERROR, *YAML_KINDS)
def missing_key(document: Document, context: Context) -> Iterator[Finding]:
    """A required key is missing (for example a version without `endpoint`)."""
    return _problems(document, codes.MISSING_KEY)


@rule(codes.INVALID_VALUE, "invalid-value", Severity.ERROR, *YAML_KINDS)
def invalid_value(document: Document, context: Context) -> Iterator[Finding]:
    """A value has the wrong type, format, enum member or range.

    Examples: `type: websockets`, `effective_from: 2025-13-01`,
    `rate_limit_per_second: 0`, a name with capitals.
    """
    return _problems(document, codes.INVALID_VALUE)


@rule(codes.NAME_MISMATCH, "name-mismatch", Severity.ERROR, *YAML_KINDS)
def name_matches_file(document: Document, context: Context) -> Iterator[Finding]:
    """A file's `name` must equal its file name without `.yaml`.

    Tools find a feed, schema or environment by its file name, so the two may
    never disagree.
    """
    name = document.declared_name
    if name is not None and name != document.stem:
        fix = Fix(f"Set name to '{document.stem}'", (Edit(document.stem, ("name",)),))
        yield Finding(
            f"name '{excerpt(name)}' differs from the file name '{document.stem}.yaml'; "
            "rename one of them",
            ("name",),
            fix=fix,
        )


@rule(codes.DUPLICATE_NAME, "duplicate-name", Severity.ERROR, *YAML_KINDS)
def unique_name(document: Document, context: Context) -> Iterator[Finding]:
    """Two files of the same kind define the same name."""
    name = document.declared_name
    if name is None:
        return
    others = sorted(context.workspace.paths_named(document.kind, name) - {document.path})
    if others:
        yield Finding(
            f"{document.kind} '{excerpt(name)}' is also defined in {', '.join(others)}; "
            "names must be unique: rename or remove one",
            ("name",),
        )
