"""Live evolution checks in a `.capnp` buffer: breaks shown on the field's line, unsaved."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types as lsp

from ssmd.check import check
from ssmd.workspace import Workspace
from tests.ls.conftest import Session
from tests.ls.lsp_helpers import codes, copy_sample

CAPNP = "exchanges/schemas/trade.v2.capnp"  # trade:v2's file; v2 claims compatible_with v1


async def test_unsaved_break_is_shown_on_the_field_line(session: Session) -> None:
    target, text = session.open(CAPNP)
    await session.until(target, lambda found: codes(found) == [])
    broken = text.replace("size @3 :UInt32;", "size @3 :UInt64;")
    session.change(target, broken, 2)
    found = await session.until(target, lambda found: "SSMD208" in codes(found))
    (diagnostic,) = [d for d in found if d.code == "SSMD208"]
    line = broken.splitlines().index("  size @3 :UInt64;")
    assert diagnostic.range.start == lsp.Position(line, 2)
    assert diagnostic.range.end == lsp.Position(line, 6)
    assert diagnostic.message.startswith("FIELD_SAME_TYPE: Trade.size @3 changed type")
    assert "trade:v2 claims compatible_with v1" in diagnostic.message
    # A rename is wire-compatible (the schema's level): nothing to report.
    session.change(target, text.replace("size @3", "quantity @3"), 3)
    await session.until(target, lambda found: "SSMD208" not in codes(found))


def test_an_edit_to_an_older_version_file_is_checked_against_newer_claims(tmp_path: Path) -> None:
    """trade.capnp is v1's file and v2 claims compatible_with v1: editing v1's text so that
    v2 no longer evolves from it is reported in trade.capnp, on the changed field."""
    root = copy_sample(tmp_path)
    workspace = Workspace.load(root)
    path = "exchanges/schemas/trade.capnp"
    text = (root / path).read_text()
    edited = text.replace("size @3 :UInt32;", "size @3 :Float32;")
    workspace.set_text(path, edited)
    found = [d for d in check(workspace, [path])[path] if d.code == "SSMD208"]
    assert len(found) == 1, found
    line = edited.splitlines().index(next(x for x in edited.splitlines() if "size @3" in x))
    assert (found[0].span.start.line, found[0].span.start.character) == (line, 2)
    assert found[0].message.startswith("FIELD_SAME_TYPE: Trade.size @3")
    assert "trade:v2 claims compatible_with v1" in found[0].message
    workspace.set_text(path, text)  # back to the recorded text: the YAML side speaks
    assert [d for d in check(workspace, [path])[path] if d.code == "SSMD208"] == []
