"""End to end: diagnostics, hover and completion through a real LSP client (pytest-lsp)."""

from __future__ import annotations

import asyncio

from lsprotocol import types as lsp

from tests.ls.conftest import Session
from tests.ls.lsp_helpers import codes

ENV = "exchanges/environments/kalshi-dev.yaml"
TRADE = "exchanges/schemas/trade.yaml"


async def test_typo_in_feed_name_is_flagged_live_and_cleared(session: Session) -> None:
    target, text = session.open(ENV)
    await session.until(target, lambda found: codes(found) == [])
    session.change(target, text.replace("feed: kalshi", "feed: kalshy"), 2)
    found = await session.until(target, lambda found: "SSMD301" in codes(found))
    diagnostic = next(d for d in found if d.code == "SSMD301")
    assert diagnostic.range.start == lsp.Position(1, 6)
    assert diagnostic.source == "ssmd"
    assert diagnostic.severity == lsp.DiagnosticSeverity.Error
    assert "did you mean 'kalshi'" in diagnostic.message
    assert diagnostic.code_description is not None
    assert diagnostic.code_description.href.endswith("#ssmd301")
    session.change(target, text, 3)
    await session.until(target, lambda found: codes(found) == [])


async def test_workspace_checked_at_start_and_feed_rename_on_disk_clears_error(
    unstarted: Session,
) -> None:
    root, client = unstarted.root, unstarted.client
    env = root / "exchanges/environments/coin-dev.yaml"
    env.write_text("name: coin-dev\nfeed: coinbase-pro\nschema: trade:v1\n")
    session = await unstarted.start()
    env_uri = session.uri("exchanges/environments/coin-dev.yaml")
    await session.until(env_uri, lambda found: codes(found) == ["SSMD301"])
    old = root / "exchanges/feeds/coinbase.yaml"
    new = root / "exchanges/feeds/coinbase-pro.yaml"
    new.write_text(old.read_text().replace("name: coinbase", "name: coinbase-pro"))
    old.unlink()
    client.workspace_did_rename_files(
        lsp.RenameFilesParams(files=[lsp.FileRename(old_uri=old.as_uri(), new_uri=new.as_uri())])
    )
    session.on_disk(
        [(old.as_uri(), lsp.FileChangeType.Deleted), (new.as_uri(), lsp.FileChangeType.Created)]
    )
    found = await session.until(env_uri, lambda found: "SSMD301" not in codes(found))
    assert codes(found) == ["SSMD307", "SSMD308"]  # the deprecated feed it now resolves to


async def test_capnp_edited_on_disk_turns_hash_error_on_and_off(session: Session) -> None:
    trade_uri = session.uri(TRADE)
    capnp = session.root / "exchanges/schemas/trade.capnp"
    original = capnp.read_bytes()
    await session.until(trade_uri, lambda found: codes(found) == [])
    capnp.write_bytes(original + b"\n# a comment changes the bytes\n")
    session.on_disk([(capnp.as_uri(), lsp.FileChangeType.Changed)])
    found = await session.until(trade_uri, lambda found: "SSMD202" in codes(found))
    assert next(d for d in found if d.code == "SSMD202").range.start.line == 8
    capnp.write_bytes(original)
    session.on_disk([(capnp.as_uri(), lsp.FileChangeType.Changed)])
    await session.until(trade_uri, lambda found: codes(found) == [])


async def test_draft_reference_flagged_and_fixed_by_code_action(unstarted: Session) -> None:
    session = await unstarted.start({"asOf": "2026-03-01"})
    text = (session.root / ENV).read_text().replace("schema: trade:v1", "schema: trade:v2")
    target, _ = session.open(ENV, text)
    found = await session.until(target, lambda found: "SSMD304" in codes(found))
    draft = next(d for d in found if d.code == "SSMD304")
    action = next(a for a in await session.actions(target, draft) if "trade:v1" in a.title)
    fixed = apply_edit(text, target, action.edit)
    assert "schema: trade:v1" in fixed
    session.change(target, fixed, 2)
    await session.until(target, lambda found: "SSMD304" not in codes(found))


def apply_edit(text: str, target: str, edit: lsp.WorkspaceEdit | None) -> str:
    """Apply a one-file WorkspaceEdit's single-line replacements to `text`."""
    assert edit is not None
    edits: list[lsp.TextEdit] = []
    if edit.document_changes:
        for change in edit.document_changes:
            if isinstance(change, lsp.TextDocumentEdit) and change.text_document.uri == target:
                edits.extend(e for e in change.edits if isinstance(e, lsp.TextEdit))
    elif edit.changes:
        edits.extend(edit.changes.get(target, []))
    lines = text.split("\n")
    for text_edit in sorted(edits, key=lambda e: e.range.start.character, reverse=True):
        start, end = text_edit.range.start, text_edit.range.end
        assert start.line == end.line
        line = lines[start.line]
        lines[start.line] = line[: start.character] + text_edit.new_text + line[end.character :]
    return "\n".join(lines)


async def test_hover_shows_version_in_effect_and_timeline(unstarted: Session) -> None:
    session = await unstarted.start({"asOf": "2024-07-01"})
    client = session.client
    target, _ = session.open(ENV)
    hover = await session.hover(target, 1, 8)
    assert hover is not None and isinstance(hover.contents, lsp.MarkupContent)
    assert "As of 2024-07-01: **v1**" in hover.contents.value
    assert "| v2 | 2025-01-01 |" in hover.contents.value
    result = await client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command="ssmd.setAsOf", arguments=["2025-06-01"])
    )
    assert result == "2025-06-01"
    hover = await session.hover(target, 1, 8)
    assert hover is not None and isinstance(hover.contents, lsp.MarkupContent)
    assert "As of 2025-06-01: **v2**" in hover.contents.value

    # The editor's settings change (VS Code style: the notification carries nothing,
    # the server asks workspace/configuration again).
    client.set_configuration({"asOf": "2024-08-01"}, section="ssmd")
    client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings=None))
    deadline = asyncio.get_running_loop().time() + 10
    while True:
        hover = await session.hover(target, 1, 8)
        assert hover is not None and isinstance(hover.contents, lsp.MarkupContent)
        if "As of 2024-08-01: **v1**" in hover.contents.value:
            break
        assert asyncio.get_running_loop().time() < deadline, hover.contents.value
        await asyncio.sleep(0.05)


async def test_completion_of_feeds_schema_refs_and_keys(session: Session) -> None:
    text = "name: new-env\nfeed: \nschema: \n"
    target, _ = session.open("exchanges/environments/new-env.yaml", text)

    async def labels(line: int, character: int) -> list[str]:
        answer = await session.client.text_document_completion_async(
            lsp.CompletionParams(
                text_document=lsp.TextDocumentIdentifier(uri=target),
                position=lsp.Position(line, character),
            )
        )
        assert isinstance(answer, lsp.CompletionList)
        items = sorted(answer.items, key=lambda i: i.sort_text or i.label)
        return [i.label for i in items]

    assert await labels(1, 6) == ["coinbase", "kalshi", "polymarket"]
    schema_labels = await labels(2, 8)
    assert schema_labels[-1] == "trade:v2"  # the draft sorts last
    assert {"trade", "trade:v1", "orderbook:v1"} <= set(schema_labels)
    session.change(target, text + "stor", 2)
    assert await labels(3, 4) == ["storage"]
