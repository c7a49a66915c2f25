"""The workspace, its pending changes and the diagnostics last computed, on one worker thread.

Why a single worker: the `Workspace` is not thread-safe, and checks (and the
child-process compile of a `.capnp`) must never block the event loop that
reads the client's messages. Every workspace access runs on that thread, in
order. Edits are coalesced, not queued: `submit` overwrites a path's pending
text, and one flush applies the newest text of every changed path, then
re-checks exactly the affected files in chunks, stopping early (and keeping
the rest for the next flush) as soon as newer text arrives.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from ssmd.check import Diagnostic, check_report
from ssmd.document import kind_of
from ssmd.lintconfig import CONFIG_FILE, config_diagnostics, set_config_text
from ssmd.locate import discover
from ssmd.workspace import Workspace

T = TypeVar("T")
CHUNK = 64
"""Files checked between two looks at the pending queue (smaller: staler work dropped sooner)."""

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DocumentUpdate:
    """What became of one file: new editor text, read it from disk again, or it is gone."""

    text: str | None = None
    """Unsaved editor text."""
    from_disk: bool = False
    """Read the file from disk, through the workspace's confinement and size checks."""
    version: int | None = None
    removed: bool = False


@dataclass(frozen=True, slots=True)
class Checked:
    """One file's fresh diagnostics, with the text and version they were computed on."""

    path: str
    diagnostics: list[Diagnostic]
    text: str
    version: int | None
    suppressed: list[Diagnostic] = field(default_factory=list)
    """Findings a `# ssmd: ignore[...]` hides (shown as hints or not at all: a setting)."""


class Checker:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.workspace = Workspace(root)
        self.executor = ThreadPoolExecutor(1, thread_name_prefix="ssmd-check")
        self._lock = threading.Lock()
        self._pending: dict[str, DocumentUpdate] = {}
        self._dirty: set[str] = set()
        self.versions: dict[str, int] = {}
        self.results: dict[str, list[Diagnostic]] = {}
        self.config_dirty = (root / CONFIG_FILE).is_file()
        """ssmd.yaml changed: its own diagnostics are due (every file is re-checked too)."""
        self.generation = 0
        """Bumped on every submit: work computed for an older generation may be stale."""

    async def run(self, work: Callable[[], T]) -> T:
        """Run `work` on the worker thread after the pending text is applied."""

        def with_pending() -> T:
            self.apply_pending()
            return work()

        return await asyncio.get_running_loop().run_in_executor(self.executor, with_pending)

    # -- called on the event loop ----------------------------------------------------

    def submit(self, path: str, change: DocumentUpdate) -> None:
        with self._lock:
            self._pending[path] = change
            self.generation += 1

    def mark_all_dirty(self) -> None:
        with self._lock:
            self._dirty |= set(self.workspace.documents)
            self.generation += 1

    def has_pending(self) -> bool:
        with self._lock:
            return bool(self._pending)

    # -- called on the worker thread -----------------------------------------------

    def load(self, progress: Callable[[int, int], None]) -> None:
        """Read every registry file from disk (open buffers arrive as changes)."""
        paths = discover(self.root)
        for index, path in enumerate(paths):
            try:
                self.workspace.read_file(path)  # refuses links out and oversized files
            except OSError:
                continue
            if index % 200 == 0:
                progress(index, len(paths))
        with self._lock:
            self._dirty |= set(self.workspace.documents)

    def apply_pending(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, {}
        affected: set[str] = set()
        for path, change in pending.items():
            if path == CONFIG_FILE:
                editor_text = None if change.removed or change.from_disk else change.text
                set_config_text(self.workspace, editor_text)
                affected |= set(self.workspace.documents)
                self.config_dirty = True
                if change.version is not None:
                    self.versions[path] = change.version
                continue
            if kind_of(path) is None:
                continue
            if change.removed:
                affected |= self.workspace.remove(path)
                self.versions.pop(path, None)
            elif change.from_disk:
                affected |= self._read_from_disk(path)
            else:
                affected |= self.workspace.set_text(path, change.text or "")
            if change.version is not None:
                self.versions[path] = change.version
            elif not change.removed:
                self.versions.pop(path, None)
        with self._lock:
            self._dirty |= affected

    def _read_from_disk(self, path: str) -> set[str]:
        try:
            return self.workspace.read_file(path)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return self.workspace.remove(path)  # deleted or renamed away
        except OSError as error:
            log.warning("cannot read %s: %s", path, error)
            return set()

    def check_dirty(self, as_of: dt.date) -> list[Checked]:
        """Re-check dirty files, chunk by chunk, until done or newer text arrives."""
        self.apply_pending()
        done: list[Checked] = []
        if self.config_dirty:
            self.config_dirty = False
            text, diagnostics = config_diagnostics(self.workspace)
            done.append(Checked(CONFIG_FILE, diagnostics, text, self.versions.get(CONFIG_FILE)))
        while True:
            with self._lock:
                if not self._dirty or self._pending:
                    return done
                ordered = sorted(self._dirty)
                chunk = ordered[:CHUNK]
                self._dirty.difference_update(chunk)
            present = [p for p in chunk if p in self.workspace.documents]
            report = check_report(self.workspace, present, as_of) if present else None
            found = report.results if report else {}
            hidden = report.suppressed if report else {}
            for path in chunk:
                diagnostics = found.get(path, [])
                document = self.workspace.documents.get(path)
                self.results[path] = diagnostics
                if document is None:
                    self.results.pop(path, None)
                text = document.text if document is not None else ""
                version = self.versions.get(path)
                done.append(Checked(path, diagnostics, text, version, hidden.get(path, [])))

    def idle(self) -> bool:
        with self._lock:
            return not self._dirty and not self._pending
