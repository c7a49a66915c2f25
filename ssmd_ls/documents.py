"""Open documents with lines counted the way LSP clients count them.

pygls's TextDocument splits its text with `str.splitlines`, which also ends a
line at VT, FF, FS/GS/RS, NEL, LS and PS. LSP clients end lines only at
`\\n`, `\\r\\n` and `\\r`, so an incremental edit after one of those characters
would land on the wrong line of the server's copy (found by the server fuzz
campaign, tests/hardening/test_fuzz_server.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import unquote

from pygls.workspace import TextDocument, Workspace

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


class EditorTextDocument(TextDocument):
    @property
    def lines(self) -> Sequence[str]:
        return tuple(_LINE.findall(self.source))


def count_lines_like_editors(workspace: Workspace, uri: str) -> None:
    """Make the open document `uri` count lines as editors do (call it on didOpen).

    pygls's didOpen has stored the document before our handler runs; it is the
    object later edits go to, so changing its class (same state, our `lines`) is
    enough. Only public API: `Workspace.text_documents`.
    """
    for key in (uri, unquote(uri)):  # pygls keys its table by the unquoted URI
        document = workspace.text_documents.get(key)
        if document is not None and type(document) is TextDocument:
            document.__class__ = EditorTextDocument
