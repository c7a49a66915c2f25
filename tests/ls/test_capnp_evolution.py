"""Live evolution checks in a `.capnp` buffer: breaks shown on the field's line, unsaved."""

from __future__ import annotations

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from tests.ls.conftest import root_of
from tests.ls.lsp_helpers import change_document, codes, open_document, start, until, uri

CAPNP = "exchanges/schemas/trade.v2.capnp"  # trade:v2's file; v2 claims compatible_with v1


async def test_unsaved_break_is_shown_on_the_field_line(client: LanguageClient) -> None:
    root = root_of(client)
    await start(client, root, client.name)  # type: ignore[attr-defined]
    target = uri(root, CAPNP)
    text = (root / CAPNP).read_text()
    open_document(client, target, text)
    await until(client, target, lambda found: codes(found) == [])
    broken = text.replace("size @3 :UInt32;", "size @3 :UInt64;")
    change_document(client, target, broken, 2)
    found = await until(client, target, lambda found: "SSMD208" in codes(found))
    (diagnostic,) = [d for d in found if d.code == "SSMD208"]
    line = broken.splitlines().index("  size @3 :UInt64;")
    assert diagnostic.range.start == lsp.Position(line, 2)
    assert diagnostic.range.end == lsp.Position(line, 6)
    assert diagnostic.message.startswith("FIELD_SAME_TYPE: Trade.size @3 changed type")
    assert "trade:v2 claims compatible_with v1" in diagnostic.message
    # A rename is wire-compatible (the schema's level): nothing to report.
    change_document(client, target, text.replace("size @3", "quantity @3"), 3)
    await until(client, target, lambda found: "SSMD208" not in codes(found))
