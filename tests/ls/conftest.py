"""The language-server fixtures: a server on a fresh copy of the sample registry, per client.

`session` is started with the default settings; `unstarted` is not, for a test that
changes the files first or passes settings (`await unstarted.start({...})`). Both
drive the server through one `Session`, so no test has a start-up prologue of its own.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.ls.lsp_helpers import (
    CLIENTS,
    SERVER_COMMAND,
    accept_registrations,
    change_document,
    copy_sample,
    files_changed_on_disk,
    hover_at,
    open_document,
    start,
    until,
    uri,
)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_COMMAND), params=CLIENTS)
async def client(lsp_client: LanguageClient, request: pytest.FixtureRequest) -> AsyncIterator[None]:
    root = copy_sample(request.getfixturevalue("tmp_path"))
    lsp_client.root = root  # type: ignore[attr-defined]
    lsp_client.name = request.param  # type: ignore[attr-defined]
    accept_registrations(lsp_client)
    yield
    await lsp_client.shutdown_session()


def root_of(client: LanguageClient) -> Path:
    return client.root  # type: ignore[attr-defined,no-any-return]


@dataclass
class Session:
    """One client and the server it talks to, on the registry copy at `root`."""

    client: LanguageClient
    root: Path

    async def start(self, settings: dict[str, object] | None = None) -> Session:
        await start(self.client, self.root, self.client.name, settings)  # type: ignore[attr-defined]
        return self

    def uri(self, path: str) -> str:
        return uri(self.root, path)

    def open(self, path: str, text: str | None = None) -> tuple[str, str]:
        """Open `path` in the editor (its text on disk unless given): (its URI, the text)."""
        target = self.uri(path)
        text = (self.root / path).read_text() if text is None else text
        open_document(self.client, target, text)
        return target, text

    def change(self, target: str, text: str, version: int) -> None:
        change_document(self.client, target, text, version)

    def on_disk(self, changes: Sequence[tuple[str, lsp.FileChangeType]]) -> None:
        files_changed_on_disk(self.client, changes)

    async def until(
        self,
        target: str,
        accept: Callable[[Sequence[lsp.Diagnostic]], bool],
        timeout: float = 20.0,
    ) -> Sequence[lsp.Diagnostic]:
        return await until(self.client, target, accept, timeout)

    async def hover(self, target: str, line: int, character: int) -> lsp.Hover | None:
        return await hover_at(self.client, target, line, character)

    async def actions(self, target: str, diagnostic: lsp.Diagnostic) -> list[lsp.CodeAction]:
        """The code actions offered on `diagnostic`, in the server's order."""
        answer = await self.client.text_document_code_action_async(
            lsp.CodeActionParams(
                text_document=lsp.TextDocumentIdentifier(uri=target),
                range=diagnostic.range,
                context=lsp.CodeActionContext(diagnostics=[diagnostic]),
            )
        )
        return [a for a in answer or [] if isinstance(a, lsp.CodeAction)]


@pytest.fixture
def unstarted(client: LanguageClient) -> Session:
    return Session(client, root_of(client))


@pytest.fixture
async def session(unstarted: Session) -> Session:
    return await unstarted.start()
