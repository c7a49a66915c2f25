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
from typing import Any

from pygls.workspace import TextDocument, Workspace

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


class EditorTextDocument(TextDocument):
    @property
    def lines(self) -> Sequence[str]:
        return tuple(_LINE.findall(self.source))


def count_lines_like_editors(workspace: Workspace) -> None:
    """Make `workspace` create EditorTextDocuments for the documents opened from now on."""
    create = workspace._create_text_document

    def create_editor_document(*args: Any, **kwargs: Any) -> TextDocument:
        document = create(*args, **kwargs)
        document.__class__ = EditorTextDocument  # same state, editor line counting
        return document

    workspace._create_text_document = create_editor_document  # type: ignore[method-assign]
