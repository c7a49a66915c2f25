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
from ssmd.ide.completion import complete
from ssmd.ide.hover import hover_with_rules
from ssmd.ide.navigation import (
    RenameRefused,
    Symbol,
    definition,
    document_links,
    inlay_hints,
    outline,
    plan_rename,
    references,
    symbol_at,
    workspace_symbols,
)
from ssmd_ls import convert
from ssmd_ls.checker import Checker
from ssmd_ls.prologue import Here, on_document
from ssmd_ls.server import SsmdServer, feature, texts_of

# -- pull diagnostics -------------------------------------------------------------------


async def _wait_idle(ls: SsmdServer) -> None:
    ls.schedule()
    task = ls._flush_task
    if task is not None:
        await asyncio.shield(task)


@feature(
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


@feature(lsp.WORKSPACE_DIAGNOSTIC)
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


@on_document(lsp.TEXT_DOCUMENT_HOVER)
def on_hover(here: Here, params: lsp.HoverParams) -> lsp.Hover | None:
    findings = here.checker.results.get(here.path, [])
    position = here.position(params.position)
    answer = hover_with_rules(here.workspace, here.document, position, here.as_of, findings)
    if answer is None:
        return None
    return convert.hover(answer.markdown, answer.span, here.lines, here.encoding)


@on_document(
    lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=[":", " ", "[", ","])
)
def on_completion(here: Here, params: lsp.CompletionParams) -> lsp.CompletionList | None:
    document = here.document
    found = complete(here.workspace, document.kind, document.text, here.position(params.position))
    return convert.completion_list(found, here.lines, here.encoding) if found else None


@on_document(lsp.TEXT_DOCUMENT_DEFINITION)
def on_definition(here: Here, params: lsp.DefinitionParams) -> lsp.Location | None:
    position = here.position(params.position)
    target = definition(here.workspace, here.document, position, here.as_of)
    return here.locations([target])[0] if target is not None else None


@on_document(lsp.TEXT_DOCUMENT_REFERENCES)
def on_references(here: Here, params: lsp.ReferenceParams) -> list[lsp.Location] | None:
    symbol = symbol_at(here.workspace, here.document, here.position(params.position))
    if symbol is None:
        return None
    return here.locations(references(here.workspace, symbol, params.context.include_declaration))


def _symbol_under_cursor(here: Here, position: lsp.Position) -> Symbol | None:
    return symbol_at(here.workspace, here.document, here.position(position))


@on_document(lsp.TEXT_DOCUMENT_PREPARE_RENAME)
def on_prepare_rename(
    here: Here, params: lsp.PrepareRenameParams
) -> lsp.PrepareRenamePlaceholder | None:
    symbol = _symbol_under_cursor(here, params.position)
    if symbol is None:
        return None
    places = references(here.workspace, symbol)
    span = next((p.span for p in places if p.file == here.path), None)
    if span is None:
        return None
    return lsp.PrepareRenamePlaceholder(range=here.range(span), placeholder=symbol.name)


@on_document(lsp.TEXT_DOCUMENT_RENAME)
def on_rename(here: Here, params: lsp.RenameParams) -> lsp.WorkspaceEdit | None:
    symbol = _symbol_under_cursor(here, params.position)
    if symbol is None:
        return None
    try:
        plan = plan_rename(here.workspace, symbol, params.new_name)
    except RenameRefused as error:
        raise ValueError(str(error)) from None
    builder = here.edit_builder()
    for place, new_text in plan.edits:
        builder.replace(place.file, place.span, new_text)
    if plan.rename_file and builder.document_changes:
        builder.rename(*plan.rename_file)
    return builder.build()


@on_document(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def on_document_symbol(
    here: Here, params: lsp.DocumentSymbolParams
) -> list[lsp.DocumentSymbol] | None:
    return convert.document_symbols(outline(here.document), here.lines, here.encoding)


@feature(lsp.WORKSPACE_SYMBOL)
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


@on_document(lsp.TEXT_DOCUMENT_INLAY_HINT)
def on_inlay_hint(here: Here, params: lsp.InlayHintParams) -> list[lsp.InlayHint] | None:
    hints = inlay_hints(here.workspace, here.document, here.as_of)
    return [convert.inlay_hint(h, here.lines, here.encoding) for h in hints]


@on_document(lsp.TEXT_DOCUMENT_DOCUMENT_LINK)
def on_document_link(here: Here, params: lsp.DocumentLinkParams) -> list[lsp.DocumentLink] | None:
    text_document = here.ls.client_capabilities.text_document
    link = text_document.document_link if text_document else None
    tooltips = bool(link and link.tooltip_support)
    root, lines, encoding = here.checker.root, here.lines, here.encoding
    links = document_links(here.workspace, here.document)
    return [convert.document_link(root, x, lines, encoding, tooltips) for x in links]


@on_document(
    lsp.TEXT_DOCUMENT_CODE_ACTION,
    lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]),
)
def on_code_action(here: Here, params: lsp.CodeActionParams) -> list[lsp.CodeAction] | None:
    """Each finding's fixes (the preferred one, then the others, then "Suppress")."""
    wanted, wanted_end = here.position(params.range.start), here.position(params.range.end)
    related = here.checker.root if here.ls.shows_related_information else None
    actions: list[lsp.CodeAction] = []
    for diagnostic in here.checker.results.get(here.path, []):
        if diagnostic.span.end < wanted or wanted_end < diagnostic.span.start:
            continue
        shown = convert.diagnostic(diagnostic, here.lines, here.encoding, related)
        if diagnostic.fix is not None:
            actions.append(convert.quick_fix(diagnostic.fix, shown, here.edit_builder()))
        for other in diagnostic.more_fixes:
            actions.append(convert.quick_fix(other, shown, here.edit_builder(), False))
        suppress = suppression_fix(here.workspace, diagnostic)
        if suppress is not None:
            actions.append(convert.quick_fix(suppress, shown, here.edit_builder(), False))
    return actions
