"""The language-server fixture: a server on a fresh copy of the sample registry, per client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.ls.lsp_helpers import CLIENTS, SERVER_COMMAND, accept_registrations, copy_sample


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
