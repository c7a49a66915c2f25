"""Registries anywhere: a monorepo with two registries, multi-root, a file outside the folders.

Registry A is the sample; registry B is the sample without the `kalshi` feed. So
B's kalshi environments must be flagged (SSMD301) while A's are clean: if the
server mixed the two indexes, B would find A's feed, or A's references would
list B's files.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from pathlib import Path

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient, client_capabilities

import ssmd
from ssmd.write.journal import journal_path
from tests.ls.conftest import root_of
from tests.ls.lsp_helpers import REPO, codes, open_document, until
from tests.write.test_journal import interrupted_write

DEV = "exchanges/environments/kalshi-dev.yaml"
PROD = "exchanges/environments/kalshi-prod.yaml"


def outside(client: LanguageClient) -> Path:
    """A fresh folder outside the fixture's registry (which find_root would find upwards)."""
    return Path(tempfile.mkdtemp(dir=root_of(client).parent))


def monorepo(base: Path) -> tuple[Path, Path, Path]:
    """`base/mono` holding registry A in infra/registry and registry B in teams/b."""
    mono = base / "mono"
    a, b = mono / "infra" / "registry", mono / "teams" / "b"
    for registry in (a, b):
        shutil.copytree(REPO / "exchanges", registry / "exchanges")
    (b / "exchanges/feeds/kalshi.yaml").unlink()
    (mono / "README.md").write_text("not a registry\n")
    return mono, a, b


async def start_folders(client: LanguageClient, folders: list[Path]) -> None:
    await client.initialize_session(
        lsp.InitializeParams(
            capabilities=client_capabilities(client.name),  # type: ignore[attr-defined]
            root_uri=folders[0].as_uri(),
            workspace_folders=[lsp.WorkspaceFolder(uri=f.as_uri(), name=f.name) for f in folders],
        )
    )


async def test_two_registries_in_subfolders_are_checked_apart(client: LanguageClient) -> None:
    mono, a, b = monorepo(outside(client))
    await start_folders(client, [mono])

    # Both registries are indexed and checked at start, without opening a file.
    b_dev = (b / DEV).as_uri()
    found = await until(client, b_dev, lambda found: codes(found) == ["SSMD301"])
    assert "kalshi" in found[0].message
    open_document(client, (a / DEV).as_uri(), (a / DEV).read_text())
    await until(client, (a / DEV).as_uri(), lambda found: codes(found) == [])

    # An edit in A is checked against A only: B's feeds are not there.
    a_prod = (a / PROD).as_uri()
    text = (a / PROD).read_text()
    open_document(client, a_prod, text.replace("feed: kalshi", "feed: coinbase"))
    await until(client, a_prod, lambda found: "SSMD301" not in codes(found))

    references = await client.text_document_references_async(
        lsp.ReferenceParams(
            text_document=lsp.TextDocumentIdentifier(uri=(a / DEV).as_uri()),
            position=lsp.Position(1, 8),
            context=lsp.ReferenceContext(include_declaration=True),
        )
    )
    assert references is not None
    assert sorted(r.uri for r in references) == sorted(
        [(a / "exchanges/feeds/kalshi.yaml").as_uri(), (a / DEV).as_uri()]
    )  # A's edited prod no longer names kalshi; B's environments are not A's references

    definition = await client.text_document_definition_async(
        lsp.DefinitionParams(
            text_document=lsp.TextDocumentIdentifier(uri=b_dev), position=lsp.Position(2, 9)
        )
    )
    assert isinstance(definition, lsp.Location)
    assert definition.uri == (b / "exchanges/schemas/trade.yaml").as_uri()

    symbols = await client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query="kalshi"))
    assert symbols is not None
    named = {(s.name, s.location.uri) for s in symbols if isinstance(s.location, lsp.Location)}
    assert ("kalshi", (a / "exchanges/feeds/kalshi.yaml").as_uri()) in named
    assert not [u for name, u in named if name == "kalshi" and u.startswith(b.as_uri())]
    coinbase = await client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query="coinbase"))
    assert coinbase is not None  # both registries answer, each with its own file
    assert {
        (a / "exchanges/feeds/coinbase.yaml").as_uri(),
        (b / "exchanges/feeds/coinbase.yaml").as_uri(),
    } <= {s.location.uri for s in coinbase if isinstance(s.location, lsp.Location)}


async def test_multi_root_and_a_registry_outside_the_folders(client: LanguageClient) -> None:
    _, a, b = monorepo(outside(client))
    await start_folders(client, [a, b / "exchanges"])  # a registry, and a folder inside one
    await until(client, (b / DEV).as_uri(), lambda found: codes(found) == ["SSMD301"])
    open_document(client, (a / DEV).as_uri(), (a / DEV).read_text())
    await until(client, (a / DEV).as_uri(), lambda found: codes(found) == [])

    # A file of a third registry, in no workspace folder: indexed when it is opened.
    c = outside(client)
    shutil.copytree(REPO / "exchanges", c / "exchanges")
    target = (c / DEV).as_uri()
    open_document(client, target, (c / DEV).read_text().replace("feed: kalshi", "feed: kalshy"))
    found = await until(client, target, lambda found: codes(found) == ["SSMD301"])
    assert "did you mean 'kalshi'" in found[0].message


async def test_the_server_says_when_the_extension_version_differs(client: LanguageClient) -> None:
    root = root_of(client)
    await client.initialize_session(
        lsp.InitializeParams(
            capabilities=client_capabilities(client.name),  # type: ignore[attr-defined]
            root_uri=root.as_uri(),
            initialization_options={"settings": {"asOf": ""}, "extensionVersion": "9.9.9"},
        )
    )
    await until(client, (root / DEV).as_uri(), lambda found: True)
    for _ in range(100):
        if client.messages:
            break
        await asyncio.sleep(0.05)
    said = [m.message for m in client.messages]
    assert any("9.9.9" in m and ssmd.__version__ in m for m in said), said
    assert any("pip install ssmd-metadata==9.9.9" in m for m in said), said


async def test_a_folder_added_while_running_gets_checked(client: LanguageClient) -> None:
    _, a, b = monorepo(outside(client))
    await start_folders(client, [a])
    open_document(client, (a / DEV).as_uri(), (a / DEV).read_text())
    await until(client, (a / DEV).as_uri(), lambda found: codes(found) == [])
    client.workspace_did_change_workspace_folders(
        lsp.DidChangeWorkspaceFoldersParams(
            event=lsp.WorkspaceFoldersChangeEvent(
                added=[lsp.WorkspaceFolder(uri=b.as_uri(), name="b")], removed=[]
            )
        )
    )
    await until(client, (b / DEV).as_uri(), lambda found: codes(found) == ["SSMD301"])


async def test_a_registry_adopted_while_running_replays_its_journal(
    client: LanguageClient,
) -> None:
    """A write killed half done in a registry the server finds only later (a file opened
    outside the folders): recovered before the server reads it, as at start-up."""
    _, a, _ = monorepo(outside(client))
    await start_folders(client, [a])
    c = outside(client)
    shutil.copytree(REPO / "exchanges", c / "exchanges")
    new = interrupted_write(c, renamed=1)  # schema register killed between its renames
    open_document(client, (c / DEV).as_uri(), (c / DEV).read_text())
    trade = (c / "exchanges/schemas/trade.yaml").as_uri()
    # The replayed .capnp is what the server read: its bytes no longer match the recorded hash.
    await until(client, trade, lambda found: "SSMD202" in codes(found))
    assert {p: (c / p).read_bytes() for p in new} == new
    assert not journal_path(c).exists()
