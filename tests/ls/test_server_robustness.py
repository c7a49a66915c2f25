"""Nothing a user types takes the server down: junk in, diagnostics out, hovers still answered."""

from __future__ import annotations

import time

from lsprotocol import types as lsp

from tests.ls.conftest import Session
from tests.ls.lsp_helpers import codes

DEV = "exchanges/environments/kalshi-dev.yaml"


async def test_junk_huge_and_half_typed_documents_and_broken_capnp(session: Session) -> None:
    target, good = session.open(DEV)

    junk = bytes(range(256)).decode("latin-1") * 40
    session.change(target, junk, 2)
    await session.until(target, lambda found: bool(found))

    session.change(target, "name: kalshi-dev\nfeed: [kal\nschema: 'tra", 3)
    # The junk's finding sits on line 0; the half-typed text's on a later line.
    found = await session.until(target, lambda found: any(d.range.start.line >= 1 for d in found))
    assert codes(found) == ["SSMD001"] and found[0].range.start.line >= 1

    huge = good + "# padding\n" * 1_000_000  # 10 MB
    started = time.monotonic()
    session.change(target, huge, 4)
    found = await session.until(
        target, lambda found: any("was not read" in d.message for d in found)
    )
    assert codes(found) == ["SSMD001"]
    assert time.monotonic() - started < 20

    capnp = session.root / "exchanges/schemas/trade.capnp"
    capnp.write_text("@0xdeadbeef;\nstruct Trade { price @0 :Float64 ; price @0 :Text; }\n")
    session.on_disk([(capnp.as_uri(), lsp.FileChangeType.Changed)])
    capnp_uri = capnp.as_uri()
    await session.until(capnp_uri, lambda found: "SSMD203" in codes(found), timeout=60)

    session.change(target, good, 5)
    await session.until(target, lambda found: codes(found) == [])
    hover = await session.hover(target, 1, 8)
    assert hover is not None and isinstance(hover.contents, lsp.MarkupContent)
    assert "**feed `kalshi`**" in hover.contents.value
