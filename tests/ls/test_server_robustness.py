"""Nothing a user types takes the server down: junk in, diagnostics out, hovers still answered."""

from __future__ import annotations

import time

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

DEV = "exchanges/environments/kalshi-dev.yaml"


async def test_junk_huge_and_half_typed_documents_and_broken_capnp(client: LanguageClient) -> None:
    root = root_of(client)
    await start(client, root, client.name)  # type: ignore[attr-defined]
    target = uri(root, DEV)
    good = (root / DEV).read_text()
    open_document(client, target, good)

    junk = bytes(range(256)).decode("latin-1") * 40
    change_document(client, target, junk, 2)
    await until(client, target, lambda found: bool(found))

    change_document(client, target, "name: kalshi-dev\nfeed: [kal\nschema: 'tra", 3)
    # The junk's finding sits on line 0; the half-typed text's on a later line.
    found = await until(client, target, lambda found: any(d.range.start.line >= 1 for d in found))
    assert codes(found) == ["SSMD001"] and found[0].range.start.line >= 1

    huge = good + "# padding\n" * 1_000_000  # 10 MB
    started = time.monotonic()
    change_document(client, target, huge, 4)
    found = await until(
        client, target, lambda found: any("was not read" in d.message for d in found)
    )
    assert codes(found) == ["SSMD001"]
    assert time.monotonic() - started < 20

    capnp = root / "exchanges/schemas/trade.capnp"
    capnp.write_text("@0xdeadbeef;\nstruct Trade { price @0 :Float64 ; price @0 :Text; }\n")
    files_changed_on_disk(client, [(capnp.as_uri(), lsp.FileChangeType.Changed)])
    capnp_uri = capnp.as_uri()
    await until(client, capnp_uri, lambda found: "SSMD203" in codes(found), timeout=60)

    change_document(client, target, good, 5)
    await until(client, target, lambda found: codes(found) == [])
    hover = await hover_at(client, target, 1, 8)
    assert hover is not None and isinstance(hover.contents, lsp.MarkupContent)
    assert "**feed `kalshi`**" in hover.contents.value
