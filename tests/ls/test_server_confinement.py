"""The server reads files through the workspace's checks: a link out of the registry is refused."""

from __future__ import annotations

import lsprotocol.types as lsp
from pytest_lsp import LanguageClient

from tests.ls.conftest import root_of
from tests.ls.lsp_helpers import codes, files_changed_on_disk, start, until, uri

OUTSIDE_TEXT = "name: evil\ntype: websocket\nversions: []\n"


async def test_links_out_of_the_registry_are_refused_at_start_and_on_change(
    client: LanguageClient,
) -> None:
    root = root_of(client)
    outside = root / "outside.yaml"  # beside exchanges/, not in it
    outside.write_text(OUTSIDE_TEXT)
    (root / "exchanges/feeds/evil.yaml").symlink_to(outside)
    await start(client, root, client.name)  # type: ignore[attr-defined]

    found = await until(client, uri(root, "exchanges/feeds/evil.yaml"), lambda f: bool(f))
    assert codes(found) == ["SSMD204"]
    assert "resolves outside" in found[0].message

    late = "exchanges/environments/late.yaml"
    (root / late).symlink_to(outside)
    files_changed_on_disk(client, [(uri(root, late), lsp.FileChangeType.Created)])
    found = await until(client, uri(root, late), lambda f: bool(f))
    assert codes(found) == ["SSMD204"]
