"""Every lsprotocol object the server sends is built here, from the library's types.

Positions: the library counts code points; the client counts in the position
encoding agreed at initialize (UTF-16 unless it offered another). The one
conversion each way is `to_client` / `from_client`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from lsprotocol import types as lsp
from lsprotocol.converters import get_converter

from ssmd.check import Diagnostic, QuickFix
from ssmd.ide.completion import Candidate, Completions
from ssmd.ide.navigation import DocumentLink, InlayHint, Location, OutlineItem, WorkspaceSymbol
from ssmd.rules import Severity
from ssmd.span import Position, RelatedLocation, Span, editor_lines

_CONVERTER = get_converter()
SOURCE = "ssmd"

_SEVERITY = {
    Severity.ERROR: lsp.DiagnosticSeverity.Error,
    Severity.WARNING: lsp.DiagnosticSeverity.Warning,
    Severity.INFO: lsp.DiagnosticSeverity.Information,
}
_COMPLETION_KIND = {
    "key": lsp.CompletionItemKind.Property,
    "value": lsp.CompletionItemKind.EnumMember,
    "feed": lsp.CompletionItemKind.Module,
    "schema": lsp.CompletionItemKind.Struct,
    "version": lsp.CompletionItemKind.Value,
    "zone": lsp.CompletionItemKind.Constant,
    "file": lsp.CompletionItemKind.File,
}
_SYMBOL_KIND = {
    "key": lsp.SymbolKind.Property,
    "version": lsp.SymbolKind.EnumMember,
    "feed": lsp.SymbolKind.Module,
    "schema": lsp.SymbolKind.Struct,
    "environment": lsp.SymbolKind.Namespace,
    "capnp": lsp.SymbolKind.File,
}


class Lines:
    """A document's lines, split once, for position conversion."""

    def __init__(self, text: str) -> None:
        self.lines = editor_lines(text)

    def line(self, number: int) -> str:
        return self.lines[number] if 0 <= number < len(self.lines) else ""


def to_client(position: Position, lines: Lines, encoding: str) -> lsp.Position:
    """Code-point column -> the client's encoding (the one place this turn is made)."""
    text = lines.line(position.line)
    prefix = text[: position.character]
    if encoding == lsp.PositionEncodingKind.Utf32 or prefix.isascii():
        return lsp.Position(position.line, position.character)
    if encoding == lsp.PositionEncodingKind.Utf8:
        return lsp.Position(position.line, len(prefix.encode("utf-8")))
    return lsp.Position(position.line, len(prefix.encode("utf-16-le")) // 2)


def from_client(position: lsp.Position, lines: Lines, encoding: str) -> Position:
    """The client's column -> code points."""
    text = lines.line(position.line)
    if encoding == lsp.PositionEncodingKind.Utf32 or text.isascii():
        return Position(position.line, min(position.character, len(text)))
    unit = "utf-8" if encoding == lsp.PositionEncodingKind.Utf8 else "utf-16-le"
    width = 1 if unit == "utf-8" else 2
    encoded = text.encode(unit)[: position.character * width]
    return Position(position.line, len(encoded.decode(unit, "ignore")))


def to_range(span: Span, lines: Lines, encoding: str) -> lsp.Range:
    return lsp.Range(to_client(span.start, lines, encoding), to_client(span.end, lines, encoding))


@functools.lru_cache(maxsize=65536)
def path_to_uri(root: Path, path: str) -> str:
    """Cached: every publish names its file, and pathlib's as_uri costs ~20 µs."""
    return (root / path).as_uri()


def uri_to_file(uri: str) -> Path:
    return Path(unquote(urlparse(uri).path))


def uri_to_path(root: Path, uri: str) -> str | None:
    """Root-relative posix path of a `file:` URI, None outside the root."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    absolute = Path(unquote(parsed.path))
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        try:
            return absolute.resolve().relative_to(root).as_posix()
        except (ValueError, OSError):
            return None


def diagnostic(
    found: Diagnostic, lines: Lines, encoding: str, related_root: Path | None = None
) -> lsp.Diagnostic:
    """`related_root`: the registry root, when the client shows `relatedInformation`."""
    related = None
    if related_root is not None and found.related:
        related = [
            lsp.DiagnosticRelatedInformation(
                lsp.Location(path_to_uri(related_root, r.file), to_range(r.span, lines, encoding)),
                r.message,
            )
            for r in _same_file(found)
        ] or None
    return lsp.Diagnostic(
        range=to_range(found.span, lines, encoding),
        message=found.message if found.suppressed is None else _suppressed_message(found),
        severity=_severity(found),
        code=found.code,
        code_description=lsp.CodeDescription(href=found.rule.url),
        source=SOURCE,
        related_information=related,
        data={"rule": found.rule_name},
    )


def _same_file(found: Diagnostic) -> list[RelatedLocation]:
    """Related places in the finding's own file: converted with its lines (every related
    place the library makes today is in the same file: an anchor, a first occurrence)."""
    return [r for r in found.related if r.file == found.file]


def _severity(found: Diagnostic) -> lsp.DiagnosticSeverity:
    """A suppressed finding is a hint: visible, greyed, never in the Problems count."""
    return (
        lsp.DiagnosticSeverity.Hint if found.suppressed is not None else _SEVERITY[found.severity]
    )


def _suppressed_message(found: Diagnostic) -> str:
    return f"{found.message} (suppressed: {found.suppressed})"


WireDiagnostic = dict[str, Any]
"""A diagnostic in its JSON form, exactly what `diagnostic` unstructures to."""


def wire_diagnostics(
    found: Iterable[Diagnostic], text: str, encoding: str, related_root: Path | None = None
) -> list[WireDiagnostic]:
    """`diagnostic` for many at once, built straight in JSON form.

    Why: a feed edit republishes hundreds of environments, and unstructuring
    lsprotocol objects through cattrs costs ~0.13 ms per list; building the
    dicts directly costs a tenth of that (a unit test keeps the two identical).
    """
    lines = Lines(text)
    wire = []
    for d in found:
        start, end = (
            to_client(d.span.start, lines, encoding),
            to_client(d.span.end, lines, encoding),
        )
        item: WireDiagnostic = {
            "range": {
                "start": {"line": start.line, "character": start.character},
                "end": {"line": end.line, "character": end.character},
            },
            "message": d.message if d.suppressed is None else _suppressed_message(d),
            "severity": _severity(d).value,
            "code": d.code,
            "codeDescription": {"href": d.rule.url},
            "source": SOURCE,
        }
        if related_root is not None and d.related:
            related = [_wire_related(related_root, r, lines, encoding) for r in _same_file(d)]
            if related:
                item["relatedInformation"] = related
        item["data"] = {"rule": d.rule_name}
        wire.append(item)
    return wire


def _wire_related(root: Path, related: RelatedLocation, lines: Lines, encoding: str) -> Any:
    start = to_client(related.span.start, lines, encoding)
    end = to_client(related.span.end, lines, encoding)
    return {
        "location": {
            "uri": path_to_uri(root, related.file),
            "range": {
                "start": {"line": start.line, "character": start.character},
                "end": {"line": end.line, "character": end.character},
            },
        },
        "message": related.message,
    }


def from_wire(items: Iterable[WireDiagnostic]) -> list[lsp.Diagnostic]:
    """lsprotocol objects again, for the (rarer) pull reports."""
    return [_CONVERTER.structure(item, lsp.Diagnostic) for item in items]


def publish_message(uri: str, items: list[WireDiagnostic], version: int | None) -> dict[str, Any]:
    """A whole `textDocument/publishDiagnostics` notification, ready for json.dumps."""
    params: dict[str, Any] = {"uri": uri, "diagnostics": items}
    if version is not None:
        params["version"] = version
    return {"jsonrpc": "2.0", "method": lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS, "params": params}


def hover(markdown: str, span: Span, lines: Lines, encoding: str) -> lsp.Hover:
    return lsp.Hover(
        contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=markdown),
        range=to_range(span, lines, encoding),
    )


def completion_list(found: Completions, lines: Lines, encoding: str) -> lsp.CompletionList:
    replace = to_range(found.replace, lines, encoding)
    return lsp.CompletionList(
        is_incomplete=False, items=[_completion_item(c, replace) for c in found.candidates]
    )


def _completion_item(candidate: Candidate, replace: lsp.Range) -> lsp.CompletionItem:
    documentation = (
        lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=candidate.documentation)
        if candidate.documentation
        else None
    )
    return lsp.CompletionItem(
        label=candidate.label,
        kind=_COMPLETION_KIND.get(candidate.kind, lsp.CompletionItemKind.Text),
        detail=candidate.detail or None,
        documentation=documentation,
        sort_text=candidate.sort_text,
        filter_text=candidate.label,
        text_edit=lsp.TextEdit(range=replace, new_text=candidate.insert_text or candidate.label),
        tags=[lsp.CompletionItemTag.Deprecated] if candidate.deprecated else None,
    )


class EditBuilder:
    """Collects edits over several files into one WorkspaceEdit."""

    def __init__(
        self,
        root: Path,
        texts: Mapping[str, str],
        versions: Mapping[str, int],
        encoding: str,
        document_changes: bool,
    ) -> None:
        self.root, self.texts, self.versions = root, texts, versions
        self.encoding, self.document_changes = encoding, document_changes
        self.edits: dict[str, list[lsp.TextEdit]] = {}
        self.operations: list[lsp.CreateFile | lsp.RenameFile] = []
        self.created: dict[str, str] = {}

    def replace(self, file: str, span: Span, new_text: str) -> None:
        lines = Lines(self.texts.get(file, ""))
        edit = lsp.TextEdit(range=to_range(span, lines, self.encoding), new_text=new_text)
        self.edits.setdefault(file, []).append(edit)

    def create(self, file: str, text: str) -> None:
        self.operations.append(
            lsp.CreateFile(
                uri=path_to_uri(self.root, file),
                options=lsp.CreateFileOptions(overwrite=False, ignore_if_exists=True),
            )
        )
        self.created[file] = text

    def rename(self, old: str, new: str) -> None:
        self.operations.append(
            lsp.RenameFile(old_uri=path_to_uri(self.root, old), new_uri=path_to_uri(self.root, new))
        )

    def build(self) -> lsp.WorkspaceEdit:
        if not self.document_changes:
            changes = {path_to_uri(self.root, f): e for f, e in self.edits.items()}
            for file, text in self.created.items():
                start = lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0))
                changes[path_to_uri(self.root, file)] = [lsp.TextEdit(start, text)]
            return lsp.WorkspaceEdit(changes=changes)
        changes_list: list[lsp.TextDocumentEdit | lsp.CreateFile | lsp.RenameFile | lsp.DeleteFile]
        changes_list = [
            lsp.TextDocumentEdit(
                text_document=lsp.OptionalVersionedTextDocumentIdentifier(
                    uri=path_to_uri(self.root, file), version=self.versions.get(file)
                ),
                edits=list(edits),
            )
            for file, edits in self.edits.items()
        ]
        for operation in self.operations:  # renames after the edits made at the old paths
            changes_list.append(operation)
            if isinstance(operation, lsp.CreateFile):
                file = next(f for f in self.created if path_to_uri(self.root, f) == operation.uri)
                start = lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0))
                changes_list.append(
                    lsp.TextDocumentEdit(
                        text_document=lsp.OptionalVersionedTextDocumentIdentifier(
                            uri=operation.uri, version=None
                        ),
                        edits=[lsp.TextEdit(start, self.created[file])],
                    )
                )
        return lsp.WorkspaceEdit(document_changes=changes_list)


def quick_fix(
    fix: QuickFix, found: lsp.Diagnostic, builder: EditBuilder, preferred: bool = True
) -> lsp.CodeAction:
    for new in fix.creates:
        builder.create(new.file, new.text)
    for edit in fix.edits:
        builder.replace(edit.file, edit.span, edit.new_text)
    return lsp.CodeAction(
        title=fix.title,
        kind=lsp.CodeActionKind.QuickFix,
        diagnostics=[found],
        is_preferred=preferred,
        edit=builder.build(),
    )


def location(root: Path, found: Location, texts: Mapping[str, str], encoding: str) -> lsp.Location:
    lines = Lines(texts.get(found.file, ""))
    return lsp.Location(
        uri=path_to_uri(root, found.file), range=to_range(found.span, lines, encoding)
    )


def document_symbols(
    items: Sequence[OutlineItem], lines: Lines, encoding: str
) -> list[lsp.DocumentSymbol]:
    return [
        lsp.DocumentSymbol(
            name=item.name,
            detail=item.detail or None,
            kind=_SYMBOL_KIND.get(item.kind, lsp.SymbolKind.Property),
            range=to_range(item.span, lines, encoding),
            selection_range=to_range(item.selection, lines, encoding),
            children=document_symbols(item.children, lines, encoding) or None,
        )
        for item in items
    ]


def workspace_symbol(
    root: Path, found: WorkspaceSymbol, texts: Mapping[str, str], encoding: str
) -> lsp.WorkspaceSymbol:
    return lsp.WorkspaceSymbol(
        name=found.name,
        kind=_SYMBOL_KIND.get(found.kind.value, lsp.SymbolKind.Object),
        container_name=found.container,
        location=location(root, found.location, texts, encoding),
    )


def inlay_hint(found: InlayHint, lines: Lines, encoding: str) -> lsp.InlayHint:
    return lsp.InlayHint(
        position=to_client(found.position, lines, encoding),
        label=found.label,
        kind=lsp.InlayHintKind.Type,
        tooltip=found.tooltip,
        padding_left=False,
    )


def document_link(
    root: Path, found: DocumentLink, lines: Lines, encoding: str, tooltips: bool
) -> lsp.DocumentLink:
    return lsp.DocumentLink(
        range=to_range(found.span, lines, encoding),
        target=path_to_uri(root, found.target),
        tooltip=f"Open {found.target}" if tooltips else None,
    )
