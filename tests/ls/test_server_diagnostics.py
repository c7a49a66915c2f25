"""End to end: diagnostics, hover and completion through a real LSP client (pytest-lsp)."""

from __future__ import annotations

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tests.ls.conftest import root_of
from tests.ls.lsp_helpers import (
    change_document,
    codes,
    files_changed_on_disk,
    hover_at,
    open_document,
    start,
    until,
    uri,
)

ENV = "exchanges/environments/kalshi-dev.yaml"
TRADE = "exchanges/schemas/trade.yaml"


async def test_typo_in_feed_name_is_flagged_live_and_cleared(client: LanguageClient) -> None:
    root = root_of(client)
    await start(client, root, client.name)  # type: ignore[attr-defined]
    target = uri(root, ENV)
    text = (root / ENV).read_text()
    open_document(client, target, text)
    await until(client, target, lambda found: codes(found) == [])
    change_document(client, target, text.replace("feed: kalshi", "feed: kalshy"), 2)
    found = await until(client, target, lambda found: "SSMD301" in codes(found))
    diagnostic = next(d for d in found if d.code == "SSMD301")
    assert diagnostic.range.start == lsp.Position(1, 6)
    assert diagnostic.source == "ssmd"
    assert diagnostic.severity == lsp.DiagnosticSeverity.Error
    assert "did you mean 'kalshi'" in diagnostic.message
    assert diagnostic.code_description is not None
    assert diagnostic.code_description.href.endswith("#ssmd301")
    change_document(client, target, text, 3)
    await until(client, target, lambda found: codes(found) == [])


async def test_workspace_checked_at_start_and_feed_rename_on_disk_clears_error(
    client: LanguageClient,
) -> None:
    root = root_of(client)
    env = root / "exchanges/environments/coin-dev.yaml"
    env.write_text("name: coin-dev\nfeed: coinbase-pro\nschema: trade:v1\n")
    await start(client, root, client.name)  # type: ignore[attr-defined]
    env_uri = uri(root, "exchanges/environments/coin-dev.yaml")
    await until(client, env_uri, lambda found: codes(found) == ["SSMD301"])
    old = root / "exchanges/feeds/coinbase.yaml"
    new = root / "exchanges/feeds/coinbase-pro.yaml"
    new.write_text(old.read_text().replace("name: coinbase", "name: coinbase-pro"))
    old.unlink()
    client.workspace_did_rename_files(
        lsp.RenameFilesParams(files=[lsp.FileRename(old_uri=old.as_uri(), new_uri=new.as_uri())])
    )
    files_changed_on_disk(
        client,
        [(old.as_uri(), lsp.FileChangeType.Deleted), (new.as_uri(), lsp.FileChangeType.Created)],
    )
    found = await until(client, env_uri, lambda found: "SSMD301" not in codes(found))
    assert codes(found) == ["SSMD307", "SSMD308"]  # the deprecated feed it now resolves to


async def test_capnp_edited_on_disk_turns_hash_error_on_and_off(client: LanguageClient) -> None:
    root = root_of(client)
    await start(client, root, client.name)  # type: ignore[attr-defined]
    trade_uri = uri(root, TRADE)
    capnp = root / "exchanges/schemas/trade.capnp"
    original = capnp.read_bytes()
    await until(client, trade_uri, lambda found: codes(found) == [])
    capnp.write_bytes(original + b"\n# a comment changes the bytes\n")
    files_changed_on_disk(client, [(capnp.as_uri(), lsp.FileChangeType.Changed)])
    found = await until(client, trade_uri, lambda found: "SSMD202" in codes(found))
    assert next(d for d in found if d.code == "SSMD202").range.start.line == 8
    capnp.write_bytes(original)
    files_changed_on_disk(client, [(capnp.as_uri(), lsp.FileChangeType.Changed)])
    await until(client, trade_uri, lambda found: codes(found) == [])


async def test_draft_reference_flagged_and_fixed_by_code_action(client: LanguageClient) -> None:
    root = root_of(client)
    await start(client, root, client.name, {"asOf": "2026-03-01"})  # type: ignore[attr-defined]
    target = uri(root, ENV)
    text = (root / ENV).read_text().replace("schema: trade:v1", "schema: trade:v2")
    open_document(client, target, text)
    found = await until(client, target, lambda found: "SSMD304" in codes(found))
    draft = next(d for d in found if d.code == "SSMD304")
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=target),
            range=draft.range,
            context=lsp.CodeActionContext(diagnostics=[draft]),
        )
    )
    assert actions
    action = next(a for a in actions if isinstance(a, lsp.CodeAction) and "trade:v1" in a.title)
    fixed = apply_edit(text, target, action.edit)
    assert "schema: trade:v1" in fixed
    change_document(client, target, fixed, 2)
    await until(client, target, lambda found: "SSMD304" not in codes(found))


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


async def test_hover_shows_version_in_effect_and_timeline(client: LanguageClient) -> None:
    root = root_of(client)
    await start(client, root, client.name, {"asOf": "2024-07-01"})  # type: ignore[attr-defined]
    target = uri(root, ENV)
    open_document(client, target, (root / ENV).read_text())
    hover = await hover_at(client, target, 1, 8)
    assert hover is not None and isinstance(hover.contents, lsp.MarkupContent)
    assert "As of 2024-07-01: **v1**" in hover.contents.value
    assert "| v2 | 2025-01-01 |" in hover.contents.value
    result = await client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command="ssmd.setAsOf", arguments=["2025-06-01"])
    )
    assert result == "2025-06-01"
    hover = await hover_at(client, target, 1, 8)
    assert hover is not None and isinstance(hover.contents, lsp.MarkupContent)
    assert "As of 2025-06-01: **v2**" in hover.contents.value


async def test_completion_of_feeds_schema_refs_and_keys(client: LanguageClient) -> None:
    root = root_of(client)
    await start(client, root, client.name)  # type: ignore[attr-defined]
    target = uri(root, "exchanges/environments/new-env.yaml")
    text = "name: new-env\nfeed: \nschema: \n"
    open_document(client, target, text)

    async def labels(line: int, character: int) -> list[str]:
        answer = await client.text_document_completion_async(
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
    change_document(client, target, text + "stor", 2)
    assert await labels(3, 4) == ["storage"]
