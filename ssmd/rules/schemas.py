"""Rules about schemas and their Cap'n Proto files (SSMD201-207)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import PurePosixPath

from ssmd import codes
from ssmd.capnp.imports import scan_imports
from ssmd.confine import escapes_schemas_dir, import_escapes, schema_file_path
from ssmd.document import Document, Kind
from ssmd.models import Schema, SchemaVersion, excerpt
from ssmd.rules.context import Context
from ssmd.rules.registry import Edit, Finding, Fix, Severity, rule
from ssmd.span import Span
from ssmd.yamlsource import ModelPath


def version_file(schema: Schema, version: SchemaVersion) -> str:
    """The `schema_file` value that covers a version: its own, else the schema's."""
    return version.schema_file or schema.schema_file


def _file_references(schema: Schema) -> Iterator[tuple[str, ModelPath]]:
    yield schema.schema_file, ("schema_file",)
    for index, version in enumerate(schema.versions):
        if version.schema_file:
            yield version.schema_file, ("versions", index, "schema_file")


def versions_by_file(schema: Schema) -> dict[str, list[tuple[int, SchemaVersion]]]:
    """Root-relative file path -> (index, version) of the versions it covers, oldest first."""
    grouped: dict[str, list[tuple[int, SchemaVersion]]] = defaultdict(list)
    for index, version in enumerate(schema.versions):
        file = version_file(schema, version)
        if not escapes_schemas_dir(file):
            grouped[schema_file_path(file)].append((index, version))
    for members in grouped.values():
        members.sort(key=lambda item: item[1].effective_from)
    return grouped


@rule(codes.SCHEMA_FILE_MISSING, "schema-file-missing", Severity.ERROR, Kind.SCHEMA)
def schema_file_exists(document: Document, context: Context) -> Iterator[Finding]:
    """The `.capnp` file a schema (or one of its versions) names does not exist."""
    if not isinstance(document.model, Schema):
        return
    for file, path in _file_references(document.model):
        if escapes_schemas_dir(file):
            continue
        if schema_file_path(file) not in context.workspace.capnp_bytes:
            yield Finding(
                f"schema file '{excerpt(file)}' not found in exchanges/schemas/; "
                "add it or correct the name",
                path,
            )


@rule(codes.HASH_MISMATCH, "hash-mismatch", Severity.ERROR, Kind.SCHEMA)
def hash_matches_file(document: Document, context: Context) -> Iterator[Finding]:
    """A version's `hash` does not match the schema file's bytes.

    Where several versions share one file, the newest of them (by
    `effective_from`) must match the file in the work tree; older ones are
    looked up in git history instead (SSMD206). The quick fix writes the
    file's current hash.
    """
    if not isinstance(document.model, Schema):
        return
    for file, members in versions_by_file(document.model).items():
        actual = context.workspace.file_hash(file)
        if actual is None:
            continue
        index, newest = members[-1]
        if newest.hash != actual:
            path = ("versions", index, "hash")
            yield Finding(
                f"{newest.version}'s hash does not match {PurePosixPath(file).name} "
                f"(file is {actual[:19]}...); if the change is intended, record the file's hash "
                f"(the quick fix, or copy it from `ssmd schema hash {document.model.name}`)",
                path,
                fix=Fix("Update hash to the file's current content", (Edit(actual, path),)),
            )


_PARSE_HINT = " (often a missing ';' or brace just before this point)"


@rule(codes.SCHEMA_COMPILE_ERROR, "schema-compile-error", Severity.ERROR, Kind.CAPNP)
def schema_compiles(document: Document, context: Context) -> Iterator[Finding]:
    """The `.capnp` file does not compile.

    Compiled by Cap'n Proto in a child process, so a broken file can never
    take the CLI or the language server down. A file whose import does not
    compile is flagged at the import.
    """
    for problem in document.problems:
        if problem.code == codes.SCHEMA_COMPILE_ERROR:  # not even read: too large
            yield Finding(problem.message, span=problem.span)
    result = context.compiled(document.path)
    if result is None or result.ok:
        return
    imports = scan_imports(document.text)
    reported_imports: set[str] = set()
    for error in result.errors:
        if error.file in reported_imports:
            continue  # one finding per broken import; that file's own findings list them all
        if error.file == document.path:
            line = error.line
            if error.column is None:
                span = Span.whole_line(document.text, line)
            else:
                end = error.end_column if error.end_column is not None else error.column + 1
                span = Span.of(line, error.column, line, max(end, error.column + 1))
                span = document.lines.clamp_span(span)  # the compiler counts lines its own way
            hint = _PARSE_HINT if error.message.strip() == "Parse error." else ""
            yield Finding(f"does not compile: {error.message}{hint}", span=span)
            continue
        reported_imports.add(error.file)
        imported = next((i for i in imports if i.resolve(document.path) == error.file), None)
        span = imported.span if imported else Span.whole_line(document.text, 0)
        yield Finding(
            f"imports {PurePosixPath(error.file).name}, which does not compile "
            f"(line {error.line + 1}: {error.message})",
            span=span,
        )


@rule(codes.SCHEMA_FILE_ESCAPES, "schema-file-escapes", Severity.ERROR, *Kind)
def schema_file_confined(document: Document, context: Context) -> Iterator[Finding]:
    """`schema_file` must name a file inside `exchanges/schemas/` (no `..`, no absolute path).

    The same confinement holds for a `.capnp` file's imports, and for every
    registry file itself: a symbolic link that resolves outside the registry
    is reported here and never read (nor compiled), so a registry cannot make
    ssmd read, hash or print a file from elsewhere on the machine.
    """
    for problem in document.problems:
        if problem.code == codes.SCHEMA_FILE_ESCAPES:
            yield Finding(problem.message, span=problem.span)
    if document.kind is Kind.CAPNP:
        for imported in scan_imports(document.text):
            if import_escapes(imported):
                yield Finding(
                    f'import "{excerpt(imported.target)}" reaches outside exchanges/schemas/; '
                    "the file is not compiled: import files from this folder only",
                    span=imported.span,
                )
        return
    if not isinstance(document.model, Schema):
        return
    for file, path in _file_references(document.model):
        if escapes_schemas_dir(file):
            yield Finding(
                f"schema file '{excerpt(file)}' points outside exchanges/schemas/; "
                "put the file in that folder and name it relative to it",
                path,
            )


@rule(codes.UNKNOWN_COMPATIBLE_VERSION, "unknown-compatible-version", Severity.ERROR, Kind.SCHEMA)
def compatible_with_known(document: Document, context: Context) -> Iterator[Finding]:
    """`compatible_with` may only name other versions of the same schema."""
    if not isinstance(document.model, Schema):
        return
    ids = [v.version for v in document.model.versions]
    for index, version in enumerate(document.model.versions):
        for position, other in enumerate(version.compatible_with):
            if other == version.version:
                message = f"{version.version} lists itself in compatible_with; remove it"
            elif other not in ids:
                message = (
                    f"compatible_with names '{other}', which is not a version of "
                    f"{document.model.name} (versions: {', '.join(ids)})"
                )
            else:
                continue
            yield Finding(message, ("versions", index, "compatible_with", position))


@rule(codes.CIRCULAR_IMPORT, "circular-import", Severity.ERROR, Kind.CAPNP)
def no_import_cycle(document: Document, context: Context) -> Iterator[Finding]:
    """Schema files import each other in a circle; break the cycle."""
    cyclic = context.workspace.cyclic_files()
    if document.path not in cyclic:
        return
    for imported in scan_imports(document.text):
        target = imported.resolve(document.path)
        if target in cyclic:
            yield Finding(
                f"importing {imported.target} closes an import cycle; "
                "move the shared declarations into a file both can import",
                span=imported.span,
            )
