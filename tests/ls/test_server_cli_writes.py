"""A CLI write while the editor has a buffer open: the server follows the disk, the buffer wins.

The editor sends `workspace/didChangeWatchedFiles` for what the CLI wrote (the
server registered the watchers); the test sends them as the editor would.
"""

from __future__ import annotations

from lsprotocol import types as lsp

from ssmd.write.journal import journal_path
from tests.conftest import run_ssmd
from tests.ls.conftest import Session
from tests.ls.lsp_helpers import codes
from tests.write.test_journal import interrupted_write

ENV = "exchanges/environments/kalshi-dev.yaml"
NEW_FEED = "exchanges/feeds/polymarket-pro.yaml"


def hover_text(hover: lsp.Hover | None) -> str:
    assert hover is not None
    contents = hover.contents
    return contents.value if isinstance(contents, lsp.MarkupContent) else str(contents)


async def test_cli_write_with_a_buffer_open(session: Session) -> None:
    root, client = session.root, session.client
    on_disk = (root / ENV).read_text()
    env_uri, _ = session.open(ENV, on_disk.replace("feed: kalshi", "feed: polymarket-pro"))
    await session.until(env_uri, lambda found: "SSMD301" in codes(found))  # no such feed yet

    # The CLI creates the feed the buffer names, and rewrites the open file on disk.
    created = run_ssmd(
        "feed",
        "create",
        "polymarket-pro",
        "--type",
        "websocket",
        "--endpoint",
        "wss://pro.polymarket.example.com/ws",
        "--effective-from",
        "2024-01-01",
        root=root,
    )
    assert created.returncode == 0, created.stderr
    updated = run_ssmd("env", "update", "kalshi-dev", "--storage-path", "moved-by-cli", root=root)
    assert updated.returncode == 0, updated.stderr
    assert "moved-by-cli" in (root / ENV).read_text()
    session.on_disk(
        [
            (session.uri(NEW_FEED), lsp.FileChangeType.Created),
            (env_uri, lsp.FileChangeType.Changed),
        ],
    )

    # The new file counts: the buffer's feed resolves now.
    await session.until(env_uri, lambda found: "SSMD301" not in codes(found))
    # The open buffer's unsaved text wins over the file the CLI rewrote.
    assert "polymarket-pro" in hover_text(await session.hover(env_uri, 1, 8))
    feed_uri = session.uri(NEW_FEED)
    assert "polymarket-pro" in hover_text(await session.hover(feed_uri, 0, 7))

    # Closing the buffer drops the unsaved text: the CLI's file on disk counts again.
    client.text_document_did_close(
        lsp.DidCloseTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=env_uri))
    )
    for _ in range(200):
        shown = hover_text(await session.hover(env_uri, 1, 8))
        if "polymarket-pro" not in shown:
            break
    assert "polymarket-pro" not in shown and "kalshi" in shown.lower(), shown


async def test_server_start_replays_a_journal_left_by_a_killed_write(unstarted: Session) -> None:
    root = unstarted.root
    new = interrupted_write(root, renamed=1)  # schema register killed between its renames
    session = await unstarted.start()
    assert {p: (root / p).read_bytes() for p in new} == new
    assert not journal_path(root).exists()
    trade = session.uri("exchanges/schemas/trade.yaml")
    # The replayed .capnp is what the server read: its bytes no longer match the recorded hash.
    await session.until(trade, lambda found: "SSMD202" in codes(found))
