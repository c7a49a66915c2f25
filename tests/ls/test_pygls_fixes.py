"""pygls keeps a Future per text-sync notification; ssmd-ls drops them (ssmd_ls/pygls_fixes.py)."""

from __future__ import annotations

import subprocess
import sys

from tests.ls.lsp_helpers import REPO

# Runs in a child: it drives the module-level server object in-process.
_KEYSTROKES = """
import sys
from lsprotocol import types as lsp
from ssmd_ls.server import server
import ssmd_ls.requests  # noqa: F401  (registers the request handlers, as __main__ does)

protocol = server.protocol
protocol.handle_message(
    lsp.InitializeRequest(
        id=1,
        params=lsp.InitializeParams(
            capabilities=lsp.ClientCapabilities(), root_uri="file:///nonexistent-registry"
        ),
    )
)
uri = "file:///nonexistent-registry/exchanges/feeds/x.yaml"
item = lsp.TextDocumentItem(uri=uri, language_id="yaml", version=1, text="name: x")
protocol.handle_message(
    lsp.DidOpenTextDocumentNotification(params=lsp.DidOpenTextDocumentParams(text_document=item))
)
for version in range(2, 502):
    change = lsp.TextDocumentContentChangeWholeDocument(text="name: x" + "y" * version)
    protocol.handle_message(
        lsp.DidChangeTextDocumentNotification(
            params=lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[change],
            )
        )
    )
print(len(protocol._request_futures))
"""


def test_keystrokes_leave_no_futures_behind() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _KEYSTROKES],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    kept = int(result.stdout.strip().splitlines()[-1])
    assert kept <= 2, f"{kept} futures kept after 501 text-sync notifications (pygls leak)"
