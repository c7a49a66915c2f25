"""End to end: formatting, code lenses, folding/selection ranges, highlights, suppressions."""

from __future__ import annotations

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tests.ls.conftest import root_of
from tests.ls.lsp_helpers import codes, open_document, start, until, uri
from tests.ls.test_server_navigation import doc

KALSHI = "exchanges/feeds/kalshi.yaml"
DEV = "exchanges/environments/kalshi-dev.yaml"
PROD = "exchanges/environments/kalshi-prod.yaml"


async def test_capabilities_lenses_structure_and_formatting(client: LanguageClient) -> None:
    root = root_of(client)
    result = await start(client, root, client.name, {"asOf": "2026-03-01"})  # type: ignore[attr-defined]
    capabilities = result.capabilities
    assert capabilities.document_formatting_provider
    assert capabilities.code_lens_provider is not None
    assert capabilities.folding_range_provider
    assert capabilities.selection_range_provider
    assert capabilities.document_highlight_provider
    assert isinstance(capabilities.rename_provider, lsp.RenameOptions)
    assert capabilities.rename_provider.prepare_provider

    feed, prod = uri(root, KALSHI), uri(root, PROD)
    open_document(client, feed, (root / KALSHI).read_text())
    lenses = await client.text_document_code_lens_async(lsp.CodeLensParams(doc(feed)))
    assert lenses is not None
    titles = [(lens.range.start.line, lens.command.title) for lens in lenses if lens.command]
    assert titles == [
        (6, "superseded"),
        (6, "used by 0 environments"),
        (15, "in effect on 2026-03-01"),
        (15, "used by 2 environments"),
    ]
    clickable = [lens.command for lens in lenses if lens.command and lens.command.command]
    assert [list(c.arguments or []) for c in clickable] == [
        ["used by 2 environments", ["kalshi-dev", "kalshi-prod"]]
    ]
    open_document(client, prod, (root / PROD).read_text())
    env_lenses = await client.text_document_code_lens_async(lsp.CodeLensParams(doc(prod)))
    assert env_lenses is not None and env_lenses[0].command is not None
    assert env_lenses[0].command.title == "resolves to kalshi v2, trade:v1 as of 2026-03-01"

    folds = await client.text_document_folding_range_async(lsp.FoldingRangeParams(doc(feed)))
    assert folds is not None
    assert (5, 23) in [(f.start_line, f.end_line) for f in folds]  # versions:
    assert (6, 14) in [(f.start_line, f.end_line) for f in folds]  # the first version
    selections = await client.text_document_selection_range_async(
        lsp.SelectionRangeParams(doc(feed), [lsp.Position(7, 22)])
    )
    assert selections is not None
    chain, ranges = selections[0], []
    while chain is not None:
        ranges.append((chain.range.start.line, chain.range.start.character, chain.range.end.line))
        chain = chain.parent
    assert ranges[0] == (7, 20, 7)  # the date
    assert ranges[1] == (7, 4, 7)  # effective_from: 2024-06-01
    assert ranges[-1][0] == 0  # the whole document
    marks = await client.text_document_document_highlight_async(
        lsp.DocumentHighlightParams(doc(prod), lsp.Position(1, 8))
    )
    assert marks is not None and [(m.range.start.line, m.range.start.character) for m in marks] == [
        (1, 6)
    ]

    messy = "type: websocket\nname: 'kalshi'\nversions:\n    - version: v1\n"
    open_document(client, feed, messy, version=2)
    edits = await client.text_document_formatting_async(
        lsp.DocumentFormattingParams(doc(feed), lsp.FormattingOptions(2, True))
    )
    assert edits is not None and len(edits) == 1
    assert edits[0].new_text == "name: kalshi\ntype: websocket\nversions:\n  - version: v1\n"
    open_document(client, feed, (root / KALSHI).read_text(), version=3)
    unchanged = await client.text_document_formatting_async(
        lsp.DocumentFormattingParams(doc(feed), lsp.FormattingOptions(2, True))
    )
    assert unchanged is not None and list(unchanged) == []


async def test_suppressions_config_and_rule_hovers(client: LanguageClient) -> None:
    root = root_of(client)
    (root / "ssmd.yaml").write_text("rulez: {}\n")
    await start(client, root, client.name, {"asOf": "2026-03-01"})  # type: ignore[attr-defined]
    config = await until(client, uri(root, "ssmd.yaml"), lambda found: bool(found))
    assert codes(config) == ["SSMD010"] and "did you mean rules?" in config[0].message

    dev = uri(root, DEV)
    text = (root / DEV).read_text().replace("schema: trade:v1", "schema: trade:v2")
    open_document(client, dev, text)
    found = await until(client, dev, lambda found: "SSMD304" in codes(found))
    (draft,) = [d for d in found if d.code == "SSMD304"]
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(doc(dev), draft.range, lsp.CodeActionContext([draft]))
    )
    assert actions is not None
    (suppress,) = [a for a in actions if isinstance(a, lsp.CodeAction) and "Suppress" in a.title]
    assert suppress.title == "Suppress SSMD304 here (then write the reason)"

    line = draft.range.start.line
    lines = text.split("\n")
    lines.insert(line, "# ssmd: ignore[SSMD304] trying v2 before it is promoted")
    open_document(client, dev, "\n".join(lines), version=2)
    hinted = await until(
        client, dev, lambda found: any(d.severity == lsp.DiagnosticSeverity.Hint for d in found)
    )
    (hint,) = hinted
    assert hint.code == "SSMD304" and "(suppressed: trying v2" in hint.message

    on_code = await client.text_document_hover_async(
        lsp.HoverParams(doc(dev), lsp.Position(line, 18))
    )
    assert on_code is not None and isinstance(on_code.contents, lsp.MarkupContent)
    assert on_code.contents.value.startswith("**SSMD304** draft-schema")
    open_document(client, uri(root, KALSHI), (root / KALSHI).read_text())
    values = await client.text_document_hover_async(
        lsp.HoverParams(doc(uri(root, KALSHI)), lsp.Position(1, 8))
    )
    assert values is not None and isinstance(values.contents, lsp.MarkupContent)
    assert "- `supports_orderbook`: true" in values.contents.value  # YAML, not Python's True
    assert "True" not in values.contents.value
