"""End to end: navigation, edits and the server's housekeeping through a real LSP client."""

from __future__ import annotations

import asyncio
import time

import pytest
from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tests.ls.conftest import Session, root_of
from tests.ls.lsp_helpers import (
    codes,
    open_document,
    pulls,
    start,
    until,
    uri,
)

DEV = "exchanges/environments/kalshi-dev.yaml"
PROD = "exchanges/environments/kalshi-prod.yaml"
TRADE = "exchanges/schemas/trade.yaml"


def doc(target: str) -> lsp.TextDocumentIdentifier:
    return lsp.TextDocumentIdentifier(uri=target)


async def test_definition_references_and_rename(client: LanguageClient) -> None:
    root = root_of(client)
    await start(client, root, client.name, {"asOf": "2026-03-01"})  # type: ignore[attr-defined]
    dev, prod = uri(root, DEV), uri(root, PROD)
    open_document(client, prod, (root / PROD).read_text())

    feed = await client.text_document_definition_async(
        lsp.DefinitionParams(text_document=doc(prod), position=lsp.Position(1, 8))
    )
    assert isinstance(feed, lsp.Location)
    assert feed.uri == uri(root, "exchanges/feeds/kalshi.yaml")
    schema = await client.text_document_definition_async(
        lsp.DefinitionParams(text_document=doc(prod), position=lsp.Position(2, 9))
    )
    assert isinstance(schema, lsp.Location) and schema.uri == uri(root, TRADE)
    assert schema.range.start.line == 5  # trade:v1, in effect (v2 is a draft)
    capnp = await client.text_document_definition_async(
        lsp.DefinitionParams(text_document=doc(uri(root, TRADE)), position=lsp.Position(3, 15))
    )
    assert isinstance(capnp, lsp.Location)
    assert capnp.uri == uri(root, "exchanges/schemas/trade.capnp")

    found = await client.text_document_references_async(
        lsp.ReferenceParams(
            text_document=doc(prod),
            position=lsp.Position(1, 8),
            context=lsp.ReferenceContext(include_declaration=True),
        )
    )
    assert found is not None
    assert sorted(r.uri for r in found) == sorted(
        [uri(root, "exchanges/feeds/kalshi.yaml"), dev, prod]
    )

    prepared = await client.text_document_prepare_rename_async(
        lsp.PrepareRenameParams(text_document=doc(prod), position=lsp.Position(2, 9))
    )
    assert isinstance(prepared, lsp.PrepareRenamePlaceholder)
    assert prepared.placeholder == "trade"
    edit = await client.text_document_rename_async(
        lsp.RenameParams(text_document=doc(prod), position=lsp.Position(2, 9), new_name="trades")
    )
    assert edit is not None
    if edit.document_changes:
        text_edits = [c for c in edit.document_changes if isinstance(c, lsp.TextDocumentEdit)]
        renames = [c for c in edit.document_changes if isinstance(c, lsp.RenameFile)]
        assert {c.text_document.uri for c in text_edits} == {uri(root, TRADE), dev, prod}
        assert [(r.old_uri, r.new_uri) for r in renames] == [
            (uri(root, TRADE), uri(root, "exchanges/schemas/trades.yaml"))
        ]
    else:  # a client without documentChanges gets the text edits only
        assert edit.changes is not None
        assert set(edit.changes) == {uri(root, TRADE), dev, prod}


async def test_symbols_hints_and_links(client: LanguageClient) -> None:
    root = root_of(client)
    await start(client, root, client.name, {"asOf": "2026-03-01"})  # type: ignore[attr-defined]
    trade, prod = uri(root, TRADE), uri(root, PROD)
    outline = await client.text_document_document_symbol_async(
        lsp.DocumentSymbolParams(text_document=doc(trade))
    )
    assert outline is not None
    versions = next(s for s in outline if s.name == "versions")
    assert isinstance(versions, lsp.DocumentSymbol) and versions.children is not None
    assert [c.name for c in versions.children] == ["v1", "v2"]

    symbols = await client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query="kalshi"))
    assert symbols is not None
    assert {"kalshi", "kalshi:v1", "kalshi:v2", "kalshi-dev", "kalshi-prod"} <= {
        s.name for s in symbols
    }

    hints = await client.text_document_inlay_hint_async(
        lsp.InlayHintParams(
            text_document=doc(prod),
            range=lsp.Range(lsp.Position(0, 0), lsp.Position(20, 0)),
        )
    )
    assert hints is not None
    assert [(h.position.line, h.label) for h in hints] == [(1, " → v2"), (2, " → v1")]

    links = await client.text_document_document_link_async(
        lsp.DocumentLinkParams(text_document=doc(trade))
    )
    assert links is not None
    assert [link.target for link in links] == [
        uri(root, "exchanges/schemas/trade.capnp"),
        uri(root, "exchanges/schemas/trade.v2.capnp"),
    ]


async def actions_for(
    client: LanguageClient, target: str, diagnostic: lsp.Diagnostic
) -> list[lsp.CodeAction]:
    return await Session(client, root_of(client)).actions(target, diagnostic)


async def test_code_actions_fix_key_typo_hash_and_create_feed(client: LanguageClient) -> None:
    root = root_of(client)
    await start(client, root, client.name)  # type: ignore[attr-defined]
    target = uri(root, "exchanges/environments/new-env.yaml")
    open_document(client, target, "name: new-env\nfeed: venue-x\nschema: trade:v1\ntransprt:\n")
    found = await until(client, target, lambda f: {"SSMD003", "SSMD301"} <= set(codes(f)))

    typo = next(d for d in found if d.code == "SSMD003")
    [change, suppress] = await actions_for(client, target, typo)
    assert change.title == "Change to 'transport'"
    assert suppress.title == "Suppress SSMD003 here (then write the reason)"

    unknown = next(d for d in found if d.code == "SSMD301")
    create = next(a for a in await actions_for(client, target, unknown) if "Create" in a.title)
    assert create.edit is not None
    if create.edit.document_changes:
        [created] = [c for c in create.edit.document_changes if isinstance(c, lsp.CreateFile)]
        assert created.uri == uri(root, "exchanges/feeds/venue-x.yaml")

    capnp = root / "exchanges/schemas/trade.capnp"
    capnp.write_bytes(capnp.read_bytes() + b"\n# changed\n")
    client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams(
            changes=[lsp.FileEvent(uri=capnp.as_uri(), type=lsp.FileChangeType.Changed)]
        )
    )
    trade = uri(root, TRADE)
    found = await until(client, trade, lambda f: "SSMD202" in codes(f))
    mismatch = next(d for d in found if d.code == "SSMD202")
    [update, _] = await actions_for(client, trade, mismatch)
    assert update.title == "Update hash to the file's current content"


async def test_startup_registers_watchers_reports_progress_and_reads_settings(
    client: LanguageClient,
) -> None:
    root = root_of(client)
    result = await start(client, root, client.name, {"asOf": "not a date"})  # type: ignore[attr-defined]
    capabilities = result.capabilities
    assert capabilities.diagnostic_provider is not None
    deadline = time.monotonic() + 20
    while not any(r.kind == "end" for reports in client.progress_reports.values() for r in reports):
        assert time.monotonic() < deadline, "indexing never reported its end"
        await asyncio.sleep(0.05)
    registered = client.registered  # type: ignore[attr-defined]
    if client.name == "visual-studio-code":  # type: ignore[attr-defined]
        [watchers] = [r for r in registered if r.method == "workspace/didChangeWatchedFiles"]
        globs = [w["globPattern"] for w in watchers.register_options["watchers"]]
        assert globs == ["**/exchanges/**/*.yaml", "**/*.capnp", "**/ssmd.yaml"]
    else:  # Neovim 0.11 does not offer dynamic watcher registration
        assert registered == []
    [reports] = list(client.progress_reports.values())
    kinds = [r.kind for r in reports]
    assert kinds[0] == "begin" and kinds[-1] == "end"
    assert any("ignored invalid ssmd settings" in m.message for m in client.messages)


async def test_pull_clients_get_workspace_diagnostics(client: LanguageClient) -> None:
    root = root_of(client)
    (root / "exchanges/environments/bad.yaml").write_text("name: bad\nfeed: nope\nschema: trade\n")
    await start(client, root, client.name)  # type: ignore[attr-defined]
    bad = uri(root, "exchanges/environments/bad.yaml")
    await until(client, bad, lambda found: "SSMD301" in codes(found))
    report = await client.workspace_diagnostic_async(
        lsp.WorkspaceDiagnosticParams(previous_result_ids=[])
    )
    by_uri = {
        item.uri: item
        for item in report.items
        if isinstance(item, lsp.WorkspaceFullDocumentDiagnosticReport)
    }
    assert codes(by_uri[bad].items) == ["SSMD301"]
    if pulls(client):  # an unchanged document answers "unchanged" to its result id
        first = await client.text_document_diagnostic_async(
            lsp.DocumentDiagnosticParams(text_document=doc(bad))
        )
        assert isinstance(first, lsp.RelatedFullDocumentDiagnosticReport)
        again = await client.text_document_diagnostic_async(
            lsp.DocumentDiagnosticParams(text_document=doc(bad), previous_result_id=first.result_id)
        )
        assert isinstance(again, lsp.RelatedUnchangedDocumentDiagnosticReport)


async def test_cancelled_request_is_not_computed(client: LanguageClient) -> None:
    root = root_of(client)
    await start(client, root, client.name)  # type: ignore[attr-defined]
    target = uri(root, DEV)
    flood = "".join(f"x{i}: {i}\n" for i in range(30_000))
    open_document(client, target, (root / DEV).read_text() + flood)  # seconds of work
    pending = asyncio.ensure_future(  # pytest-lsp sends a request only once it is awaited
        client.protocol.send_request_async(
            lsp.TEXT_DOCUMENT_HOVER,
            lsp.HoverParams(text_document=doc(target), position=lsp.Position(1, 8)),
            msg_id="to-cancel",
        )
    )
    await asyncio.sleep(0.2)
    client.protocol.notify(lsp.CANCEL_REQUEST, lsp.CancelParams(id="to-cancel"))
    with pytest.raises(Exception, match=r"(?i)cancel"):
        await pending
    hover = await client.text_document_hover_async(
        lsp.HoverParams(text_document=doc(target), position=lsp.Position(1, 8))
    )
    assert hover is not None  # the server still answers the next one
