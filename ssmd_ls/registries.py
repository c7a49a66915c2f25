"""Registries anywhere: every `exchanges/` registry the editor shows, each with its own Checker.

A workspace folder may be a registry, sit inside one, or hold several (a monorepo
with `infra/registry/exchanges/` and `teams/x/exchanges/`); a multi-root
workspace has several folders. Each registry gets its own `Checker` (its own
`Workspace` index and worker thread), so references never cross registries.

A file belongs to the registry whose root is its nearest `exchanges/` parent.
Handlers find their registry through `current_uri`: every handler is registered
`routed`, which sets it from the message's `textDocument.uri` while the handler
runs (an async handler's task keeps it, and `SsmdServer.on_worker` copies it
into the worker thread), so `ls.checker` is the file's registry and handlers
hold no routing code.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import inspect
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from ssmd.document import REGISTRY_DIR, kind_of
from ssmd.locate import RootNotFound, find_root
from ssmd_ls import convert
from ssmd_ls.checker import Checker

F = TypeVar("F", bound=Callable[..., Any])
current_uri: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "ssmd_ls_current_uri", default=None
)
"""The document the running handler is about (None: a workspace-wide request)."""

MAX_DEPTH = 6
"""How deep below a workspace folder registries are looked for."""
SKIPPED = frozenset({"node_modules", "__pycache__", "venv", "site-packages", "dist", "build"})
"""Folders never searched (hidden folders such as .git and .venv are skipped too)."""


def uri_of(params: Any) -> str | None:
    """The document a message is about: `textDocument.uri`, if it has one."""
    document = getattr(params, "text_document", None)
    uri = getattr(document, "uri", None)
    return uri if isinstance(uri, str) else None


def routed(handler: F) -> F:
    """`handler` (sync or async), run with `current_uri` set from its params' document."""
    if inspect.iscoroutinefunction(handler):

        @functools.wraps(handler)
        async def run_async(ls: Any, params: Any, *rest: Any) -> Any:
            token = current_uri.set(uri_of(params))
            try:
                return await handler(ls, params, *rest)
            finally:
                current_uri.reset(token)

        return run_async  # type: ignore[return-value]

    @functools.wraps(handler)
    def run(ls: Any, params: Any, *rest: Any) -> Any:
        token = current_uri.set(uri_of(params))
        try:
            return handler(ls, params, *rest)
        finally:
            current_uri.reset(token)

    return run  # type: ignore[return-value]


def registries_under(folder: Path, max_depth: int = MAX_DEPTH) -> list[Path]:
    """Registry roots for a workspace folder: the one it is in, and every one below it."""
    found: list[Path] = []
    with contextlib.suppress(RootNotFound):
        found.append(find_root(start=folder))
    found.extend(_below(folder, max_depth))
    return sorted({root.resolve() for root in found})


def _below(folder: Path, depth: int) -> Iterator[Path]:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith(".") or entry.name in SKIPPED:
            continue
        try:
            if not entry.is_dir(follow_symlinks=False):
                continue
        except OSError:
            continue
        if entry.name == REGISTRY_DIR:
            yield folder  # its contents are registry files, not more registries
        elif depth > 0:
            yield from _below(Path(entry.path), depth - 1)


def root_of_file(file: Path) -> Path | None:
    """The root of the registry `file` belongs to: the parent of its nearest `exchanges/`."""
    for folder in file.parents:
        if folder.name == REGISTRY_DIR:
            relative = file.relative_to(folder.parent).as_posix()
            if kind_of(relative) is not None:
                return folder.parent
    return None


class Registries:
    """The checkers by registry root; the first one added answers workspace-wide requests."""

    def __init__(self) -> None:
        self.checkers: dict[Path, Checker] = {}

    def add(self, root: Path) -> tuple[Checker, bool]:
        """The checker of `root`, and whether it was created now (it must then be loaded)."""
        root = root.resolve()
        existing = self.checkers.get(root)
        if existing is not None:
            return existing, False
        checker = Checker(root)
        self.checkers[root] = checker
        return checker, True

    def all(self) -> list[Checker]:
        return list(self.checkers.values())

    def first(self) -> Checker | None:
        return next(iter(self.checkers.values()), None)

    def root_for(self, uri: str) -> Path | None:
        """The registry root of a `file:` URI (known or not), None when it is in none."""
        if not uri.startswith("file:"):
            return None
        file = convert.uri_to_file(uri)
        for candidate in (file, file.resolve()):
            root = root_of_file(candidate)
            if root is not None:
                return root.resolve()
        # Not (yet) a registry file: a checker whose folder holds it (e.g. `exchanges/`
        # itself being created) still owns the events about it.
        for root in sorted(self.checkers, key=lambda r: len(r.parts), reverse=True):
            if file == root or root in file.parents:
                return root
        return None

    def for_uri(self, uri: str | None) -> Checker | None:
        """The checker of `uri`'s registry; with no URI, the first registry."""
        if uri is None:
            return self.first()
        root = self.root_for(uri)
        return self.checkers.get(root) if root is not None else None
