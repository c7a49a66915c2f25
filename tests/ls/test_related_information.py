"""A finding at an `*alias` carries the anchor as LSP `relatedInformation`, when the client
says it shows it (both client profiles: VS Code pushed, Neovim pulled)."""

from __future__ import annotations

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient, client_capabilities

from tests.ls.conftest import root_of
from tests.ls.lsp_helpers import change_document, codes, open_document, start, until, uri

FEED = "exchanges/feeds/kalshi.yaml"
ALIASED = """\
name: kalshi
display_name: Kalshi Exchange
type: websocket
status: active
versions:
  - version: v1
    effective_from: 2024-06-01
    protocol: &p carrier
    endpoint: wss://trading-api.kalshi.com/trade-api/ws/v2
  - version: v2
    effective_from: 2025-01-01
    protocol: *p
    endpoint: wss://api.kalshi.com/trade-api/ws/v2
"""
"""`carrier` is no protocol: SSMD005 at the anchor's value (line 7) and at the alias (line 11)."""


async def test_an_alias_finding_points_at_its_anchor(client: LanguageClient) -> None:
    root = root_of(client)
    await start(client, root, client.name)  # type: ignore[attr-defined]
    target = uri(root, FEED)
    text = (root / FEED).read_text()
    open_document(client, target, text)
    await until(client, target, lambda found: codes(found) == [])
    change_document(client, target, ALIASED, 2)
    found = await until(client, target, lambda found: codes(found) == ["SSMD005", "SSMD005"])
    at_anchor, at_alias = sorted(found, key=lambda d: d.range.start.line)
    assert at_alias.range == lsp.Range(lsp.Position(11, 14), lsp.Position(11, 16))
    assert list(at_alias.related_information or ()) == [
        lsp.DiagnosticRelatedInformation(
            location=lsp.Location(
                uri=target, range=lsp.Range(lsp.Position(7, 14), lsp.Position(7, 24))
            ),
            message="defined here, at the anchor &p (the alias *p repeats it)",
        )
    ]
    assert at_anchor.range.start == lsp.Position(7, 14)
    assert at_anchor.related_information is None


async def test_a_client_that_does_not_show_it_gets_none(client: LanguageClient) -> None:
    root = root_of(client)
    capabilities = client_capabilities(client.name)  # type: ignore[attr-defined]
    assert capabilities.text_document is not None
    assert capabilities.text_document.publish_diagnostics is not None
    capabilities.text_document.publish_diagnostics.related_information = False
    await client.initialize_session(
        lsp.InitializeParams(
            capabilities=capabilities,
            root_uri=root.as_uri(),
            workspace_folders=[lsp.WorkspaceFolder(uri=root.as_uri(), name="registry")],
        )
    )
    target = uri(root, FEED)
    open_document(client, target, ALIASED)
    found = await until(client, target, lambda found: codes(found) == ["SSMD005", "SSMD005"])
    assert [d.related_information for d in found] == [None, None]
