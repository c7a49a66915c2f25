"""The one prologue of every request about one document (hover, navigation, edits, lenses...).

`@on_document(METHOD)` registers `work(here, params)`: it runs on the worker of the
document's registry (after pending text is applied), with `here` holding that
registry's checker, the document and its lines. A document that is none of a
registry's files gets `None` without `work` being called. Handlers hold no
routing, no `None` checks and no position bookkeeping of their own.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from lsprotocol import types as lsp

from ssmd.document import Document
from ssmd.ide.navigation import Location
from ssmd.span import Position, Span
from ssmd.workspace import Workspace
from ssmd_ls import convert
from ssmd_ls.checker import Checker
from ssmd_ls.server import SsmdServer, feature, texts_of

R = TypeVar("R")


class AboutDocument(Protocol):
    @property
    def text_document(self) -> lsp.TextDocumentIdentifier: ...


P = TypeVar("P", bound=AboutDocument)


@dataclass(frozen=True)
class Here:
    """A request's document, found once: its registry, path, loaded document and lines."""

    ls: SsmdServer
    checker: Checker
    path: str
    document: Document

    @functools.cached_property
    def lines(self) -> convert.Lines:
        """Split on first use (folding and formatting answer without them)."""
        return convert.Lines(self.document.text)

    @classmethod
    def find(cls, ls: SsmdServer, uri: str) -> Here | None:
        """On the worker: the loaded document behind `uri`, None when there is none."""
        checker, path = ls.checker, ls.path_of(uri)
        if checker is None or path is None:
            return None
        document = checker.workspace.documents.get(path)
        if document is None:
            return None
        return cls(ls, checker, path, document)

    @property
    def workspace(self) -> Workspace:
        return self.checker.workspace

    @property
    def encoding(self) -> str:
        return self.ls.encoding

    @property
    def as_of(self) -> dt.date:
        return self.ls.settings.effective_as_of()

    def position(self, position: lsp.Position) -> Position:
        """The client's position in this document, in code points."""
        return convert.from_client(position, self.lines, self.encoding)

    def range(self, span: Span) -> lsp.Range:
        return convert.to_range(span, self.lines, self.encoding)

    def texts(self) -> dict[str, str]:
        """Every file's text in this registry (for positions in other files)."""
        return texts_of(self.checker)

    def locations(self, places: Sequence[Location]) -> list[lsp.Location]:
        """Places in this registry (any file) as the client's locations."""
        texts, root = self.texts(), self.checker.root
        return [convert.location(root, place, texts, self.encoding) for place in places]

    def edit_builder(self) -> convert.EditBuilder:
        workspace = self.ls.client_capabilities.workspace
        edit = workspace.workspace_edit if workspace else None
        return convert.EditBuilder(
            self.checker.root,
            self.texts(),
            self.checker.versions,
            self.encoding,
            bool(edit and edit.document_changes),
        )


def on_document(
    method: str, options: Any = None
) -> Callable[[Callable[[Here, P], R | None]], Callable[[SsmdServer, P], Awaitable[R | None]]]:
    """Register `work(here, params)` for `method`, run on the document's registry worker."""

    def register(
        work: Callable[[Here, P], R | None],
    ) -> Callable[[SsmdServer, P], Awaitable[R | None]]:
        async def handler(ls: SsmdServer, params: P) -> R | None:
            if ls.checker is None:  # the document is in no registry
                return None
            uri = params.text_document.uri

            def run() -> R | None:
                here = Here.find(ls, uri)
                return None if here is None else work(here, params)

            return await ls.on_worker(run)

        # Named after `work`, but not `functools.wraps`: pygls reads the signature (through
        # `__wrapped__`) to decide whether to pass the server as `ls`.
        handler.__name__, handler.__qualname__ = work.__name__, work.__qualname__
        handler.__doc__ = work.__doc__
        feature(method, options)(handler)
        return handler

    return register
