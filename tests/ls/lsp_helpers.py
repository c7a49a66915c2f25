"""Shared driving code for the end-to-end language-server tests (pytest-lsp client)."""

from __future__ import annotations

import asyncio
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient, client_capabilities

REPO = Path(__file__).resolve().parents[2]
SERVER_COMMAND = [sys.executable, "-m", "ssmd_ls"]
CLIENTS = ("visual-studio-code", "neovim")
"""VS Code 1.65's capabilities get pushed diagnostics; Neovim 0.11's pull them."""


def copy_sample(root: Path) -> Path:
    shutil.copytree(REPO / "exchanges", root / "exchanges")
    return root


def uri(root: Path, path: str) -> str:
    return (root / path).as_uri()


async def start(
    client: LanguageClient,
    root: Path,
    name: str,
    settings: dict[str, object] | None = None,
) -> lsp.InitializeResult:
    capabilities = client_capabilities(name)
    if settings is not None:
        client.set_configuration(settings, section="ssmd")
    result = await client.initialize_session(
        lsp.InitializeParams(
            capabilities=capabilities,
            root_uri=root.as_uri(),
            workspace_folders=[lsp.WorkspaceFolder(uri=root.as_uri(), name="registry")],
        )
    )
    return result


def pulls(client: LanguageClient) -> bool:
    capabilities = client.capabilities
    return bool(
        capabilities and capabilities.text_document and capabilities.text_document.diagnostic
    )


async def diagnostics(client: LanguageClient, target: str) -> Sequence[lsp.Diagnostic]:
    """What the client would show for `target` now: pulled or last pushed."""
    if pulls(client):
        report = await client.text_document_diagnostic_async(
            lsp.DocumentDiagnosticParams(text_document=lsp.TextDocumentIdentifier(uri=target))
        )
        assert isinstance(report, lsp.RelatedFullDocumentDiagnosticReport)
        return report.items
    return client.diagnostics.get(target, ())


async def until(
    client: LanguageClient,
    target: str,
    accept: Callable[[Sequence[lsp.Diagnostic]], bool],
    timeout: float = 20.0,
) -> Sequence[lsp.Diagnostic]:
    deadline = time.monotonic() + timeout
    while True:
        found = await diagnostics(client, target)
        if accept(found):
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"diagnostics of {target} never matched; last: {found}")
        await asyncio.sleep(0.05)


def codes(found: Sequence[lsp.Diagnostic]) -> list[str]:
    return sorted(str(d.code) for d in found)


def open_document(client: LanguageClient, target: str, text: str, version: int = 1) -> None:
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(
                uri=target, language_id="yaml", version=version, text=text
            )
        )
    )


def change_document(client: LanguageClient, target: str, text: str, version: int) -> None:
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=target, version=version),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def files_changed_on_disk(
    client: LanguageClient, changes: Sequence[tuple[str, lsp.FileChangeType]]
) -> None:
    client.workspace_did_change_watched_files(
        lsp.DidChangeWatchedFilesParams(changes=[lsp.FileEvent(uri=u, type=t) for u, t in changes])
    )


def accept_registrations(client: LanguageClient) -> list[lsp.Registration]:
    """Answer `client/registerCapability` as editors do, and record what was registered."""
    registered: list[lsp.Registration] = []

    @client.feature(lsp.CLIENT_REGISTER_CAPABILITY)
    def register(*args: lsp.RegistrationParams) -> None:  # pygls may pass the client first
        registered.extend(args[-1].registrations)

    client.registered = registered  # type: ignore[attr-defined]
    return registered


async def hover_at(
    client: LanguageClient, target: str, line: int, character: int
) -> lsp.Hover | None:
    return await client.text_document_hover_async(
        lsp.HoverParams(
            text_document=lsp.TextDocumentIdentifier(uri=target),
            position=lsp.Position(line, character),
        )
    )
