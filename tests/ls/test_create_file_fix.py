"""A rule's fix that creates a file becomes a code action with CreateFile + its text."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types as lsp

from ssmd.check import check
from ssmd.workspace import Workspace
from tests.ls.conftest import Session
from tests.ls.lsp_helpers import codes, uri

ENV = "exchanges/environments/venue-dev.yaml"
FEED = "exchanges/feeds/venue-x.yaml"


def apply_to_disk(root: Path, edit: lsp.WorkspaceEdit) -> None:
    """Do what an editor does with the edit: create the files, then insert the texts."""
    inserts: list[tuple[str, list[lsp.TextEdit]]] = []
    if edit.document_changes:
        for change in edit.document_changes:
            if isinstance(change, lsp.CreateFile):
                path = Path(change.uri.removeprefix("file://"))
                assert not path.exists()
                path.write_text("")
            elif isinstance(change, lsp.TextDocumentEdit):
                edits = [e for e in change.edits if isinstance(e, lsp.TextEdit)]
                inserts.append((change.text_document.uri, edits))
    else:
        inserts.extend((edit.changes or {}).items())
    for target, edits in inserts:
        path = Path(target.removeprefix("file://"))
        assert [(e.range.start, e.range.end) for e in edits] == [(lsp.Position(0, 0),) * 2]
        path.write_text(edits[0].new_text + (path.read_text() if path.exists() else ""))


async def test_create_feed_appears_on_the_finding_and_makes_a_valid_feed(
    session: Session,
) -> None:
    text = "name: venue-dev\nfeed: venue-x\nschema: trade:v1\n"
    (session.root / ENV).write_text(text)
    target, _ = session.open(ENV, text)
    found = await session.until(target, lambda f: "SSMD301" in codes(f))
    unknown = next(d for d in found if d.code == "SSMD301")
    actions = await session.actions(target, unknown)
    assert [a.title for a in actions] == [
        f"Create feed 'venue-x' ({FEED})",
        "Suppress SSMD301 here (then write the reason)",
    ]
    create = actions[0]
    assert create.is_preferred is False and list(create.diagnostics or []) == [unknown]
    assert create.edit is not None
    if create.edit.document_changes:  # both profiles say so; CreateFile comes first
        first = create.edit.document_changes[0]
        assert isinstance(first, lsp.CreateFile) and first.uri == uri(session.root, FEED)
        assert first.options is not None and first.options.overwrite is False

    apply_to_disk(session.root, create.edit)
    feed = session.root / FEED
    assert "name: venue-x\n" in feed.read_text()
    session.client.workspace_did_create_files(
        lsp.CreateFilesParams(files=[lsp.FileCreate(uri=feed.as_uri())])
    )
    await session.until(target, lambda f: "SSMD301" not in codes(f))
    await session.until(feed.as_uri(), lambda f: codes(f) == [])
    on_disk = Workspace.load(session.root)
    assert check(on_disk, [FEED, ENV])[FEED] == []
    assert "SSMD301" not in [d.code for d in check(on_disk, [ENV])[ENV]]
