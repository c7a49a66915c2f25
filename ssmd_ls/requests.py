"""Requests: pull diagnostics, hover, completion, navigation, edits. Each asks the library.

Every handler's work runs on the checker's worker thread (after pending text is
applied), so it sees what the user typed and never races an edit; a request
cancelled while it waits there is never computed.
"""

from __future__ import annotations

import asyncio
import uuid
from functools import partial

from lsprotocol import types as lsp

from ssmd.check import suppression_fix
from ssmd.completion import complete
from ssmd.document import Document, kind_of
from ssmd.hover import hover_with_rules
from ssmd.navigation import (
    RenameRefused,
    Symbol,
    definition,
    document_links,
    feed_stub,
    inlay_hints,
    outline,
    plan_rename,
    references,
    symbol_at,
    workspace_symbols,
)
from ssmd_ls import convert
from ssmd_ls.checker import Checker
from ssmd_ls.server import SsmdServer, server, texts_of

# -- pull diagnostics -------------------------------------------------------------------


async def _wait_idle(ls: SsmdServer) -> None:
    ls.schedule()
    task = ls._flush_task
    if task is not None:
        await asyncio.shield(task)


@server.feature(
    lsp.TEXT_DOCUMENT_DIAGNOSTIC,
    lsp.DiagnosticOptions(
        identifier="ssmd", inter_file_dependencies=True, workspace_diagnostics=True
    ),
)
async def document_diagnostic(
    ls: SsmdServer, params: lsp.DocumentDiagnosticParams
) -> lsp.DocumentDiagnosticReport:
    await _wait_idle(ls)
    uri = params.text_document.uri
    if ls.path_of(uri) is not None:
        uri = convert.path_to_uri(ls.root, ls.path_of(uri) or "")
    result_id = ls.result_ids.setdefault(uri, uuid.uuid4().hex)
    if params.previous_result_id == result_id:
        return lsp.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
    return lsp.RelatedFullDocumentDiagnosticReport(
        items=convert.from_wire(ls.published.get(uri, [])), result_id=result_id
    )


@server.feature(lsp.WORKSPACE_DIAGNOSTIC)
async def workspace_diagnostic(
    ls: SsmdServer, params: lsp.WorkspaceDiagnosticParams
) -> lsp.WorkspaceDiagnosticReport:
    await _wait_idle(ls)
    previous = {p.uri: p.value for p in params.previous_result_ids}
    items: list[lsp.WorkspaceDocumentDiagnosticReport] = []
    for uri, diagnostics in sorted(ls.published.items()):
        result_id = ls.result_ids.setdefault(uri, uuid.uuid4().hex)
        if previous.get(uri) == result_id:
            items.append(
                lsp.WorkspaceUnchangedDocumentDiagnosticReport(
                    uri=uri, version=None, result_id=result_id
                )
            )
        else:
            items.append(
                lsp.WorkspaceFullDocumentDiagnosticReport(
                    uri=uri, version=None, items=convert.from_wire(diagnostics), result_id=result_id
                )
            )
    return lsp.WorkspaceDiagnosticReport(items=items)


# -- requests ----------------------------------------------------------------------------


def _document(ls: SsmdServer, uri: str) -> tuple[str, Document] | None:
    """On the worker: the loaded document behind `uri`."""
    path = ls.path_of(uri)
    if path is None or ls.checker is None:
        return None
    document = ls.checker.workspace.documents.get(path)
    return (path, document) if document is not None else None


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
async def on_hover(ls: SsmdServer, params: lsp.HoverParams) -> lsp.Hover | None:
    def work() -> lsp.Hover | None:
        found = _document(ls, params.text_document.uri)
        if found is None or ls.checker is None:
            return None
        lines = convert.Lines(found[1].text)
        position = convert.from_client(params.position, lines, ls.encoding)
        findings = ls.checker.results.get(found[0], [])
        as_of = ls.settings.effective_as_of()
        answer = hover_with_rules(ls.checker.workspace, found[1], position, as_of, findings)
        return convert.hover(answer.markdown, answer.span, lines, ls.encoding) if answer else None

    return await ls.on_worker(work)


@server.feature(
    lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=[":", " ", "[", ","])
)
async def on_completion(ls: SsmdServer, params: lsp.CompletionParams) -> lsp.CompletionList | None:
    path = ls.path_of(params.text_document.uri)
    kind = kind_of(path) if path else None
    if path is None or kind is None:
        return None
    text = ls.workspace.get_text_document(params.text_document.uri).source

    def work() -> lsp.CompletionList | None:
        assert ls.checker is not None
        lines = convert.Lines(text)
        position = convert.from_client(params.position, lines, ls.encoding)
        found = complete(ls.checker.workspace, kind, text, position)
        return convert.completion_list(found, lines, ls.encoding) if found else None

    return await ls.on_worker(work)


@server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
async def on_definition(ls: SsmdServer, params: lsp.DefinitionParams) -> lsp.Location | None:
    def work() -> lsp.Location | None:
        found = _document(ls, params.text_document.uri)
        if found is None or ls.checker is None:
            return None
        position = convert.from_client(params.position, convert.Lines(found[1].text), ls.encoding)
        target = definition(ls.checker.workspace, found[1], position, ls.settings.effective_as_of())
        if target is None:
            return None
        return convert.location(ls.root, target, texts_of(ls.checker), ls.encoding)

    return await ls.on_worker(work)


@server.feature(lsp.TEXT_DOCUMENT_REFERENCES)
async def on_references(ls: SsmdServer, params: lsp.ReferenceParams) -> list[lsp.Location] | None:
    def work() -> list[lsp.Location] | None:
        found = _document(ls, params.text_document.uri)
        if found is None or ls.checker is None:
            return None
        position = convert.from_client(params.position, convert.Lines(found[1].text), ls.encoding)
        symbol = symbol_at(ls.checker.workspace, found[1], position)
        if symbol is None:
            return None
        texts = texts_of(ls.checker)
        places = references(ls.checker.workspace, symbol, params.context.include_declaration)
        return [convert.location(ls.root, place, texts, ls.encoding) for place in places]

    return await ls.on_worker(work)


def _symbol_under_cursor(
    ls: SsmdServer, uri: str, position: lsp.Position
) -> tuple[Symbol, Document] | None:
    found = _document(ls, uri)
    if found is None or ls.checker is None:
        return None
    at = convert.from_client(position, convert.Lines(found[1].text), ls.encoding)
    symbol = symbol_at(ls.checker.workspace, found[1], at)
    return (symbol, found[1]) if symbol is not None else None


@server.feature(lsp.TEXT_DOCUMENT_PREPARE_RENAME)
async def on_prepare_rename(
    ls: SsmdServer, params: lsp.PrepareRenameParams
) -> lsp.PrepareRenamePlaceholder | None:
    def work() -> lsp.PrepareRenamePlaceholder | None:
        found = _symbol_under_cursor(ls, params.text_document.uri, params.position)
        if found is None or ls.checker is None:
            return None
        symbol, document = found
        places = references(ls.checker.workspace, symbol)
        here = next((p.span for p in places if p.file == document.path), None)
        if here is None:
            return None
        lines = convert.Lines(document.text)
        return lsp.PrepareRenamePlaceholder(
            range=convert.to_range(here, lines, ls.encoding), placeholder=symbol.name
        )

    return await ls.on_worker(work)


@server.feature(lsp.TEXT_DOCUMENT_RENAME)
async def on_rename(ls: SsmdServer, params: lsp.RenameParams) -> lsp.WorkspaceEdit | None:
    def work() -> lsp.WorkspaceEdit | None:
        found = _symbol_under_cursor(ls, params.text_document.uri, params.position)
        if found is None or ls.checker is None:
            return None
        try:
            plan = plan_rename(ls.checker.workspace, found[0], params.new_name)
        except RenameRefused as error:
            raise ValueError(str(error)) from None
        builder = _edit_builder(ls)
        for place, new_text in plan.edits:
            builder.replace(place.file, place.span, new_text)
        if plan.rename_file and builder.document_changes:
            builder.rename(*plan.rename_file)
        return builder.build()

    return await ls.on_worker(work)


def _edit_builder(ls: SsmdServer) -> convert.EditBuilder:
    assert ls.checker is not None
    workspace = ls.client_capabilities.workspace
    edit = workspace.workspace_edit if workspace else None
    return convert.EditBuilder(
        ls.root,
        texts_of(ls.checker),
        ls.checker.versions,
        ls.encoding,
        bool(edit and edit.document_changes),
    )


@server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
async def on_document_symbol(
    ls: SsmdServer, params: lsp.DocumentSymbolParams
) -> list[lsp.DocumentSymbol] | None:
    def work() -> list[lsp.DocumentSymbol] | None:
        found = _document(ls, params.text_document.uri)
        if found is None:
            return None
        lines = convert.Lines(found[1].text)
        return convert.document_symbols(outline(found[1]), lines, ls.encoding)

    return await ls.on_worker(work)


@server.feature(lsp.WORKSPACE_SYMBOL)
async def on_workspace_symbol(
    ls: SsmdServer, params: lsp.WorkspaceSymbolParams
) -> list[lsp.WorkspaceSymbol]:
    def work(checker: Checker) -> list[lsp.WorkspaceSymbol]:
        texts = texts_of(checker)
        found = workspace_symbols(checker.workspace, params.query)
        return [convert.workspace_symbol(checker.root, s, texts, ls.encoding) for s in found]

    if ls.ready is not None:
        await ls.ready.wait()
    symbols: list[lsp.WorkspaceSymbol] = []
    for checker in ls.registries.all():  # every registry's symbols, each from its own index
        symbols += await checker.run(partial(work, checker))
    return symbols


@server.feature(lsp.TEXT_DOCUMENT_INLAY_HINT)
async def on_inlay_hint(ls: SsmdServer, params: lsp.InlayHintParams) -> list[lsp.InlayHint] | None:
    def work() -> list[lsp.InlayHint] | None:
        found = _document(ls, params.text_document.uri)
        if found is None or ls.checker is None:
            return None
        lines = convert.Lines(found[1].text)
        hints = inlay_hints(ls.checker.workspace, found[1], ls.settings.effective_as_of())
        return [convert.inlay_hint(h, lines, ls.encoding) for h in hints]

    return await ls.on_worker(work)


@server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_LINK)
async def on_document_link(
    ls: SsmdServer, params: lsp.DocumentLinkParams
) -> list[lsp.DocumentLink] | None:
    def work() -> list[lsp.DocumentLink] | None:
        found = _document(ls, params.text_document.uri)
        if found is None or ls.checker is None:
            return None
        lines = convert.Lines(found[1].text)
        links = document_links(ls.checker.workspace, found[1])
        text_document = ls.client_capabilities.text_document
        link = text_document.document_link if text_document else None
        tooltips = bool(link and link.tooltip_support)
        return [convert.document_link(ls.root, x, lines, ls.encoding, tooltips) for x in links]

    return await ls.on_worker(work)


@server.feature(
    lsp.TEXT_DOCUMENT_CODE_ACTION,
    lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]),
)
async def on_code_action(
    ls: SsmdServer, params: lsp.CodeActionParams
) -> list[lsp.CodeAction] | None:
    def work() -> list[lsp.CodeAction] | None:
        found = _document(ls, params.text_document.uri)
        if found is None or ls.checker is None:
            return None
        path, document = found
        lines = convert.Lines(document.text)
        wanted = convert.from_client(params.range.start, lines, ls.encoding)
        wanted_end = convert.from_client(params.range.end, lines, ls.encoding)
        actions: list[lsp.CodeAction] = []
        for diagnostic in ls.checker.results.get(path, []):
            if diagnostic.span.end < wanted or wanted_end < diagnostic.span.start:
                continue
            related = ls.checker.root if ls.shows_related_information else None
            shown = convert.diagnostic(diagnostic, lines, ls.encoding, related)
            if diagnostic.fix is not None:
                actions.append(convert.quick_fix(diagnostic.fix, shown, _edit_builder(ls)))
            if diagnostic.code == "SSMD301" and document.model is not None:
                actions.append(_create_feed_action(ls, document, shown))
            suppress = suppression_fix(ls.checker.workspace, diagnostic)
            if suppress is not None:
                actions.append(convert.quick_fix(suppress, shown, _edit_builder(ls), False))
        return actions

    return await ls.on_worker(work)


def _create_feed_action(
    ls: SsmdServer, document: Document, shown: lsp.Diagnostic
) -> lsp.CodeAction:
    name = str(getattr(document.model, "feed", ""))
    path, text = feed_stub(name, ls.settings.effective_as_of())
    builder = _edit_builder(ls)
    builder.create(path, text)
    return lsp.CodeAction(
        title=f"Create feed '{name}' ({path})",
        kind=lsp.CodeActionKind.QuickFix,
        diagnostics=[shown],
        is_preferred=False,
        edit=builder.build(),
    )
