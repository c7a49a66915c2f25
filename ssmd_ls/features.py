"""Formatting, code lenses, folding and selection ranges, document highlights (issue 19).

Registered on the same `server` as `ssmd_ls.requests`; each handler asks the
library (`ssmd.fmt`, `ssmd.ide.lenses`) on the worker thread and converts the answer.

Semantic tokens are deliberately not offered: every token an ssmd file has
(keys, scalars, comments) is already coloured by the editor's YAML grammar,
and the distinctions ssmd could add (a feed name vs a schema name, a draft
version) are shown better by hovers, inlay hints, code lenses and the
deprecated-tag on completions. Tokens would cost a full pass per edit for no
new information.
"""

from __future__ import annotations

from typing import Any

from lsprotocol import types as lsp

from ssmd.fmt import format_text
from ssmd.ide.lenses import code_lenses, folding_ranges, highlights, selection_ranges
from ssmd.span import Span
from ssmd_ls import convert
from ssmd_ls.requests import _document
from ssmd_ls.server import SsmdServer, server

SHOW_ENVIRONMENTS = "ssmd.showEnvironments"


@server.feature(lsp.TEXT_DOCUMENT_FORMATTING)
async def on_formatting(
    ls: SsmdServer, params: lsp.DocumentFormattingParams
) -> list[lsp.TextEdit] | None:
    def work() -> list[lsp.TextEdit] | None:
        found = _document(ls, params.text_document.uri)
        if found is None:
            return None
        path, document = found
        result = format_text(path, document.text)
        if result.refused is not None:
            ls.tell(f"ssmd: not formatted: {result.refused}", lsp.MessageType.Info)
            return None
        if result.text == document.text:
            return []
        lines = convert.Lines(document.text)
        last = document.lines.count - 1
        whole = Span.of(0, 0, last, document.lines.length(last))
        return [lsp.TextEdit(convert.to_range(whole, lines, ls.encoding), result.text)]

    return await ls.on_worker(work)


@server.feature(lsp.TEXT_DOCUMENT_CODE_LENS, lsp.CodeLensOptions(resolve_provider=False))
async def on_code_lens(ls: SsmdServer, params: lsp.CodeLensParams) -> list[lsp.CodeLens] | None:
    def work() -> list[lsp.CodeLens] | None:
        found = _document(ls, params.text_document.uri)
        if found is None or ls.checker is None:
            return None
        document = found[1]
        lines = convert.Lines(document.text)
        as_of = ls.settings.effective_as_of()
        return [
            lsp.CodeLens(
                range=convert.to_range(lens.span, lines, ls.encoding),
                command=lsp.Command(
                    title=lens.title,
                    command=SHOW_ENVIRONMENTS if lens.environments else "",
                    arguments=[lens.title, list(lens.environments)] if lens.environments else None,
                ),
            )
            for lens in code_lenses(ls.checker.workspace, document, as_of)
        ]

    return await ls.on_worker(work)


@server.command(SHOW_ENVIRONMENTS)
def show_environments(ls: SsmdServer, *args: Any) -> list[str]:
    """Clicking "used by N environments": name them (any client can show a message)."""
    values = args[0] if len(args) == 1 and isinstance(args[0], list) else list(args)
    title = str(values[0]) if values else "environments"
    names = [str(n) for n in values[1]] if len(values) > 1 and isinstance(values[1], list) else []
    ls.tell(f"{title}: {', '.join(names) or 'none'}", lsp.MessageType.Info)
    return names


@server.feature(lsp.TEXT_DOCUMENT_FOLDING_RANGE)
async def on_folding_range(
    ls: SsmdServer, params: lsp.FoldingRangeParams
) -> list[lsp.FoldingRange] | None:
    def work() -> list[lsp.FoldingRange] | None:
        found = _document(ls, params.text_document.uri)
        if found is None:
            return None
        return [
            lsp.FoldingRange(start_line=start, end_line=end)
            for start, end in folding_ranges(found[1])
        ]

    return await ls.on_worker(work)


@server.feature(lsp.TEXT_DOCUMENT_SELECTION_RANGE)
async def on_selection_range(
    ls: SsmdServer, params: lsp.SelectionRangeParams
) -> list[lsp.SelectionRange] | None:
    def work() -> list[lsp.SelectionRange] | None:
        found = _document(ls, params.text_document.uri)
        if found is None:
            return None
        document = found[1]
        lines = convert.Lines(document.text)
        answers = []
        for position in params.positions:
            at = convert.from_client(position, lines, ls.encoding)
            chain: lsp.SelectionRange | None = None
            for span in reversed(selection_ranges(document, at)):  # outermost first
                chain = lsp.SelectionRange(convert.to_range(span, lines, ls.encoding), chain)
            empty = lsp.Range(position, position)
            answers.append(chain or lsp.SelectionRange(empty))
        return answers

    return await ls.on_worker(work)


@server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT)
async def on_document_highlight(
    ls: SsmdServer, params: lsp.DocumentHighlightParams
) -> list[lsp.DocumentHighlight] | None:
    def work() -> list[lsp.DocumentHighlight] | None:
        found = _document(ls, params.text_document.uri)
        if found is None or ls.checker is None:
            return None
        document = found[1]
        lines = convert.Lines(document.text)
        at = convert.from_client(params.position, lines, ls.encoding)
        return [
            lsp.DocumentHighlight(
                convert.to_range(span, lines, ls.encoding), lsp.DocumentHighlightKind.Text
            )
            for span in highlights(ls.checker.workspace, document, at)
        ]

    return await ls.on_worker(work)
