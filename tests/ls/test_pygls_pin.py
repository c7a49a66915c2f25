"""pygls is pinned exactly because ssmd-ls uses two of its internals: this fails on an upgrade.

What uses what (re-check each before moving the pin in pyproject.toml):
- `JsonRPCProtocol._send_data(message)`: `SsmdServer._deliver` (ssmd_ls/server.py) sends
  publishDiagnostics built directly as JSON (`convert.publish_message`), a tenth of the
  cost of unstructuring lsprotocol objects; the public `notify` cannot take a dict.
- `JsonRPCProtocol._request_futures`: ssmd_ls/pygls_fixes.py drops the Future pygls 2.1
  leaves behind per text-sync notification; a newer pygls may have fixed the leak
  (tests/ls/test_pygls_fixes.py counts it) or renamed the table.
- Public, but relied on: didOpen stores the document in `Workspace.text_documents` (keyed
  by the unquoted URI) before our handler runs, and `TextDocument` objects can change class
  (ssmd_ls/documents.py makes them count lines as editors do).
"""

from __future__ import annotations

import importlib.metadata
import inspect
import re
import tomllib

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.protocol import JsonRPCProtocol
from pygls.workspace import TextDocument, Workspace

from ssmd_ls.documents import EditorTextDocument, count_lines_like_editors
from tests.ls.lsp_helpers import REPO

RECHECK = (
    "re-check ssmd_ls/server.py (_deliver: protocol._send_data), ssmd_ls/pygls_fixes.py "
    "(_request_futures leak) and ssmd_ls/documents.py (text_documents, class swap) against "
    "the new pygls, then move the pin in pyproject.toml"
)


def pinned() -> str:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    (pin,) = [d for d in project["dependencies"] if re.match(r"pygls\b", d)]
    match = re.fullmatch(r"pygls==([\w.]+)", pin)
    assert match, f"pygls must be pinned exactly (pygls==X.Y.Z), not '{pin}': {RECHECK}"
    return match.group(1)


def test_the_installed_pygls_is_the_pinned_one() -> None:
    installed = importlib.metadata.version("pygls")
    assert installed == pinned(), f"pygls {installed} is installed, {pinned()} pinned: {RECHECK}"


def test_the_internals_ssmd_ls_uses_are_there() -> None:
    send = getattr(JsonRPCProtocol, "_send_data", None)
    assert callable(send), f"JsonRPCProtocol._send_data is gone: {RECHECK}"
    assert list(inspect.signature(send).parameters) == ["self", "data"], RECHECK
    protocol = LanguageServer("probe", "0").protocol
    futures = getattr(protocol, "_request_futures", None)
    assert isinstance(futures, dict), f"protocol._request_futures is gone: {RECHECK}"


def test_open_documents_can_count_lines_like_editors() -> None:
    workspace = Workspace("file:///r")
    uri = "file:///r/exchanges/feeds/a%20b.yaml"  # quoted: pygls keys the table unquoted
    item = lsp.TextDocumentItem(uri=uri, language_id="yaml", version=1, text="a\x0bb\nc\n")
    workspace.put_text_document(item)
    count_lines_like_editors(workspace, uri)
    document = workspace.get_text_document(uri)
    assert type(document) is EditorTextDocument, RECHECK
    assert isinstance(document, TextDocument)
    assert list(document.lines) == ["a\x0bb\n", "c\n"]  # VT ends no line in an editor
