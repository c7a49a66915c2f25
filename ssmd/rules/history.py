"""Rules that read git history or compare schema structures (SSMD206, SSMD208, SSMD209).

They reach git only through `context.history`, created on first use, so a
workspace that never runs them never starts git.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from itertools import pairwise

from ssmd import codes
from ssmd.document import Document, Kind, load_document
from ssmd.models import Schema, SchemaVersion
from ssmd.resolve import in_date_order
from ssmd.rules.context import Context
from ssmd.rules.registry import Finding, Severity, rule
from ssmd.rules.schemas import versions_by_file
from ssmd.schema_diff import (
    Comparison,
    compare_structures,
    compare_versions,
    compile_history_texts,
    structure_of,
    version_structure,
)
from ssmd.span import Span


@rule(
    codes.OLDER_VERSION_NOT_IN_HISTORY,
    "older-version-not-in-history",
    Severity.WARNING,
    Kind.SCHEMA,
)
def older_version_in_history(document: Document, context: Context) -> Iterator[Finding]:
    """An older version's hash is found neither in the work tree nor in the file's git history.

    Where several versions share one `.capnp` file, only the newest matches the
    work tree; every older one must match a committed revision of that file,
    so its exact text can still be shown (`ssmd schema show NAME:VERSION`).
    When the registry is not in a git repository (or has no commit), history
    cannot be searched: the rule says so once, on the first older version,
    rather than passing silently.
    """
    if not isinstance(document.model, Schema):
        return
    history = context.history
    for file, members in versions_by_file(document.model).items():
        current = context.workspace.file_hash(file)
        if current is None:
            continue  # SSMD201 reports the missing file
        for index, version in members[:-1]:
            if version.hash == current:
                continue
            path = ("versions", index, "hash")
            if not history.available:
                yield Finding(
                    f"{version.version}'s text cannot be looked up: {history.problem}", path
                )
                return
            if history.find(file, version.hash) is None:
                yield Finding(
                    f"{version.version}'s hash matches neither {file} nor any committed "
                    f"revision of it, so its text is lost; restore the file from a backup and "
                    "commit it, or correct the hash",
                    path,
                )


@rule(codes.STATUS_WENT_BACKWARDS, "status-went-backwards", Severity.ERROR, Kind.SCHEMA)
def status_moves_forward(document: Document, context: Context) -> Iterator[Finding]:
    """A version's status went backwards relative to the file committed at HEAD.

    The lifecycle is `draft -> active -> deprecated`, forward only: once
    committed as active, a version may not become a draft again (environments
    may already run it). Outside git, or for a file not yet committed, there
    is nothing to compare with.
    """
    if not isinstance(document.model, Schema):
        return
    history = context.history
    if not history.available:
        return
    # Ask for every schema file at once: one git process per HEAD, not one per schema.
    every_schema = [d.path for d in context.workspace.of_kind(Kind.SCHEMA)]
    committed = history.committed([document.path, *every_schema]).get(document.path)
    if committed is None:
        return
    before = load_document(document.path, committed.decode("utf-8", "replace")).model
    if not isinstance(before, Schema):
        return
    previous = {v.version: v.status for v in reversed(before.versions)}
    short = (history.head or "")[:7]
    for index, version in enumerate(document.model.versions):
        old = previous.get(version.version)
        if old is not None and version.status.rank < old.rank:
            yield Finding(
                f"{version.version} was {old.value} in the committed file (HEAD {short}) and "
                f"is now {version.status.value}; the lifecycle only moves forward "
                "(draft -> active -> deprecated): restore the status or add a new version",
                ("versions", index, "status"),
            )


@rule(
    codes.COMPATIBILITY_CONTRADICTED,
    "compatibility-contradicted",
    Severity.ERROR,
    Kind.SCHEMA,
    Kind.CAPNP,
)
def compatibility_holds(document: Document, context: Context) -> Iterator[Finding]:
    """`compatible_with` claims a compatibility that the Cap'n Proto structures contradict.

    The structural checker compares the two versions' compiled schemas (older
    by `effective_from` -> newer) with the rules of Cap'n Proto's "Evolving
    your protocol"; a change that breaks the schema's `compatibility` level
    (`wire` unless the schema says `wire+text` or `source`; rule ids and
    levels in docs/evolution.md) makes the `compatible_with` entry an error,
    unless the schema's `compatibility_ignore` accepts it with a reason. A version that breaks
    the version before it without claiming compatibility, and whose
    `breaking_changes` is empty, gets a warning under the same code: say what
    breaks, in words, for the people running the old version.

    In a `.capnp` file whose text is not yet any version's recorded hash (an
    edit in progress, such as an unsaved editor buffer), the text is taken as
    the newest version on that file and compared with every version it claims
    `compatible_with` and every version claiming `compatible_with` it (older
    -> newer); each break is reported on the line of the field, enumerant or
    method it concerns, with its evolution rule id.
    """
    if document.kind is Kind.CAPNP:
        yield from _edited_text_breaks(document, context)
        return
    schema = document.model
    if not isinstance(schema, Schema):
        return
    by_id = {v.version: v for v in reversed(schema.versions)}
    claims = [
        (index, position, by_id[other_id], version)
        for index, version in enumerate(schema.versions)
        for position, other_id in enumerate(version.compatible_with)
        if other_id in by_id and by_id[other_id] is not version  # else SSMD205
    ]
    undocumented = [
        (previous, version)
        for previous, version in pairwise(in_date_order(schema.versions))
        if previous.version not in version.compatible_with
        and not (version.breaking_changes or "").strip()
    ]
    if claims or undocumented:
        compile_history_texts(context.workspace, schema)
    for index, position, other, version in claims:
        comparison = _compare(context, schema, other, version)
        if comparison.breaking:
            yield Finding(
                f"{version.version} claims compatibility with {other.version}, but "
                f"{_summary(comparison)}; remove the claim or restore compatibility",
                ("versions", index, "compatible_with", position),
            )
    for previous, version in undocumented:
        comparison = _compare(context, schema, previous, version)
        if comparison.breaking:
            index = schema.versions.index(version)
            key = "breaking_changes" if version.breaking_changes is not None else "version"
            yield Finding(
                f"{version.version} breaks {previous.version} ({_summary(comparison)}) but its "
                "breaking_changes says nothing; describe the break for readers of the old data",
                ("versions", index, key),
                severity=Severity.WARNING,
            )


def _compare(
    context: Context, schema: Schema, one: SchemaVersion, other: SchemaVersion
) -> Comparison:
    old, new = (one, other) if one.effective_from <= other.effective_from else (other, one)
    return compare_versions(context.workspace, (schema, old), (schema, new))


def _summary(comparison: Comparison) -> str:
    first, *rest = comparison.breaking
    more = f" (and {len(rest)} more: `ssmd schema diff {comparison.old} {comparison.new}`)"
    level = f" at level {comparison.level.value}" if first.level != "wire" else ""
    where = ""
    if first.new_location is not None and comparison.new_path:
        line, column = first.new_location
        where = f" ({comparison.new_path.rsplit('/', 1)[-1]}:{line + 1}:{column + 1})"
    return f"{first.rule}{level}: {first.message}{where}" + (more if rest else "")


def _edited_text_breaks(document: Document, context: Context) -> Iterator[Finding]:
    workspace = context.workspace
    content = workspace.capnp_bytes.get(document.path)
    users = sorted(workspace.schemas_using(document.path))
    if content is None or not users:
        return
    current = "sha256:" + hashlib.sha256(content).hexdigest()
    edited = None
    for schema_path in users:
        schema_document = workspace.documents.get(schema_path)
        schema = schema_document.model if schema_document is not None else None
        if not isinstance(schema, Schema):
            continue
        members = versions_by_file(schema).get(document.path)
        if not members or any(v.hash == current for _, v in members):
            continue  # no version on this file, or the text is recorded: the YAML says it
        _, newest = members[-1]
        by_id = {v.version: v for v in reversed(schema.versions)}
        # Versions it claims, and versions claiming it: compared older -> newer by date.
        related = [by_id[o] for o in newest.compatible_with if o in by_id]
        related += [v for v in schema.versions if newest.version in v.compatible_with]
        label = f"{schema.name}:{newest.version}"
        unique = {v.version: v for v in related if v is not newest}
        for other in unique.values():
            known = version_structure(workspace, schema, other)
            if known.structure is None:
                continue
            if edited is None:
                edited = structure_of(workspace, label, document.path, content, "this text")
            if edited.structure is None:
                return  # SSMD203 reports why it does not compile
            other_label = f"{schema.name}:{other.version}"
            edited_is_new = other.effective_from <= newest.effective_from
            claim = (
                f"{label} claims compatible_with {other.version}"
                if other.version in newest.compatible_with
                else f"{other_label} claims compatible_with {newest.version}"
            )
            if edited_is_new:
                comparison = compare_structures(
                    other_label, label, known, edited, schema.compatibility, schema
                )
            else:
                comparison = compare_structures(
                    label, other_label, edited, known, schema.compatibility, schema
                )
            for change in comparison.breaking:
                at, element = (
                    (change.new_location, change.element)
                    if edited_is_new
                    else (change.old_location, change.old_element)
                )
                yield Finding(
                    f"{change.rule}: {change.message}; {claim}, but {change.consequence}",
                    span=_name_span(document, at, element),
                )


def _name_span(document: Document, at: tuple[int, int] | None, element: str) -> Span:
    if at is None:
        return Span.whole_line(document.text, 0)
    lines = document.text.split("\n")
    line = lines[at[0]] if at[0] < len(lines) else ""
    word = _WORD.match(line, at[1])
    end = word.end() if word else at[1] + 1
    return document.lines.clamp_span(Span.of(at[0], at[1], at[0], end))


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
