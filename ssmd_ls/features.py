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
from ssmd_ls.prologue import Here, on_document
from ssmd_ls.server import SsmdServer, server

SHOW_ENVIRONMENTS = "ssmd.showEnvironments"


@on_document(lsp.TEXT_DOCUMENT_FORMATTING)
def on_formatting(here: Here, params: lsp.DocumentFormattingParams) -> list[lsp.TextEdit] | None:
    document = here.document
    result = format_text(here.path, document.text)
    if result.refused is not None:
        here.ls.tell(f"ssmd: not formatted: {result.refused}", lsp.MessageType.Info)
        return None
    if result.text == document.text:
        return []
    last = document.lines.count - 1
    whole = Span.of(0, 0, last, document.lines.length(last))
    return [lsp.TextEdit(here.range(whole), result.text)]


@on_document(lsp.TEXT_DOCUMENT_CODE_LENS, lsp.CodeLensOptions(resolve_provider=False))
def on_code_lens(here: Here, params: lsp.CodeLensParams) -> list[lsp.CodeLens] | None:
    return [
        lsp.CodeLens(
            range=here.range(lens.span),
            command=lsp.Command(
                title=lens.title,
                command=SHOW_ENVIRONMENTS if lens.environments else "",
                arguments=[lens.title, list(lens.environments)] if lens.environments else None,
            ),
        )
        for lens in code_lenses(here.workspace, here.document, here.as_of)
    ]


@server.command(SHOW_ENVIRONMENTS)
def show_environments(ls: SsmdServer, *args: Any) -> list[str]:
    """Clicking "used by N environments": name them (any client can show a message)."""
    values = args[0] if len(args) == 1 and isinstance(args[0], list) else list(args)
    title = str(values[0]) if values else "environments"
    names = [str(n) for n in values[1]] if len(values) > 1 and isinstance(values[1], list) else []
    ls.tell(f"{title}: {', '.join(names) or 'none'}", lsp.MessageType.Info)
    return names


@on_document(lsp.TEXT_DOCUMENT_FOLDING_RANGE)
def on_folding_range(here: Here, params: lsp.FoldingRangeParams) -> list[lsp.FoldingRange] | None:
    return [
        lsp.FoldingRange(start_line=start, end_line=end)
        for start, end in folding_ranges(here.document)
    ]


@on_document(lsp.TEXT_DOCUMENT_SELECTION_RANGE)
def on_selection_range(
    here: Here, params: lsp.SelectionRangeParams
) -> list[lsp.SelectionRange] | None:
    answers = []
    for position in params.positions:
        chain: lsp.SelectionRange | None = None
        for span in reversed(selection_ranges(here.document, here.position(position))):
            chain = lsp.SelectionRange(here.range(span), chain)  # outermost first
        empty = lsp.Range(position, position)
        answers.append(chain or lsp.SelectionRange(empty))
    return answers


@on_document(lsp.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT)
def on_document_highlight(
    here: Here, params: lsp.DocumentHighlightParams
) -> list[lsp.DocumentHighlight] | None:
    at = here.position(params.position)
    return [
        lsp.DocumentHighlight(here.range(span), lsp.DocumentHighlightKind.Text)
        for span in highlights(here.workspace, here.document, at)
    ]
