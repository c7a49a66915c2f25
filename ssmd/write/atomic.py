"""Atomic file replacement: a reader sees the old file or the new one, never a mix.

Each file is written to a temp file in its own folder (so the rename cannot
cross file systems), flushed to disk, then renamed over the target, and the
folder itself is fsynced so the rename survives a crash. On any failure,
including Ctrl-C or SIGTERM, every temp file is removed and files already
replaced in this batch are put back. A process killed outright (SIGKILL) cannot
clean up after itself: its temp file carries its pid, and the next write in
that folder removes temp files whose process is gone. The loader never reads
them (they do not end in `.yaml` or `.capnp`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import signal
import tempfile
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import FrameType

from ssmd.write.journal import entries_for, fsync_folder, remove_journal, write_journal
from ssmd.write.lock import process_alive

TEMP_SUFFIX = ".ssmd-tmp"
_TEMP_NAME = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[^.]+" + re.escape(TEMP_SUFFIX) + "$")


class WriteFailed(Exception):
    """The files could not be written; the old ones are in place."""


class Conflict(Exception):
    """A file changed on disk since the write read it; nothing was written."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path} changed on disk since it was read; nothing was written")
        self.path = path


def temp_files(folder: Path) -> list[Path]:
    """Temp files of ssmd writes in `folder` (left only by a process killed mid-write)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if _TEMP_NAME.match(p.name))


def sweep_stale_temps(folder: Path) -> list[Path]:
    """Remove temp files whose writing process no longer runs; return what was removed."""
    removed = []
    for path in temp_files(folder):
        match = _TEMP_NAME.match(path.name)
        if match is None or _process_alive(int(match["pid"])):
            continue
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed.append(path)
    return removed


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True  # this batch's own temp files (a failed batch removes its own)
    return process_alive(pid)


def write_atomically(
    files: Mapping[Path, bytes],
    expected: Mapping[Path, str | None] | None = None,
    journal_root: Path | None = None,
) -> None:
    """Replace (or create) every file in `files`, all or nothing as far as the OS allows.

    `expected` (compare-and-swap): target -> sha256 hex of the bytes the write was
    planned on, None for "must not exist"; just before each rename the file on disk
    is checked against it, and Conflict is raised (nothing left changed) if it
    differs. `journal_root`: with more than one file, record the intent in the
    registry's journal first (ssmd.write.journal), so even SIGKILL between the renames
    leaves every file old or every file new once the next ssmd command has run.

    Raises WriteFailed with a sentence naming the file; nothing is left half-written.
    """
    staged: list[tuple[Path, Path]] = []
    replaced: list[tuple[Path, bytes | None]] = []
    journal: Path | None = None
    with _signals_as_exceptions():
        try:
            for folder in {target.parent for target in files}:
                folder.mkdir(parents=True, exist_ok=True)  # a registry's first feed, say
                sweep_stale_temps(folder)
            for target, content in files.items():
                staged.append((target, _stage(target, content)))
            if expected is not None:
                for target, _ in staged:
                    _compare(target, expected)
            if journal_root is not None and len(staged) > 1:
                entries = entries_for(journal_root, staged, files)
                journal = write_journal(journal_root, entries)
            for target, temp in staged:
                previous = target.read_bytes() if target.exists() else None
                if expected is not None:
                    _compare(target, expected, previous)
                os.replace(temp, target)
                replaced.append((target, previous))
            for folder in {target.parent for target in files}:
                _fsync_folder(folder)
            if journal is not None:
                remove_journal(journal)
                journal = None
        except BaseException as error:
            for _, temp in staged:
                with contextlib.suppress(FileNotFoundError):
                    temp.unlink()
            _roll_back(replaced)
            if journal is not None:  # rolled back in-process: nothing left to replay
                with contextlib.suppress(OSError):
                    remove_journal(journal)
            if isinstance(error, Interrupted):
                error.rolled_back = True
            if isinstance(error, OSError):
                raise WriteFailed(
                    f"could not write {error.filename or 'a file'}: {error.strerror or error}; "
                    "nothing was changed"
                ) from error
            raise


def _compare(
    target: Path, expected: Mapping[Path, str | None], current: bytes | None = None
) -> None:
    """Raise Conflict when `target` on disk is not what the write was planned on."""
    if target not in expected:
        return
    if current is None:
        try:
            current = target.read_bytes()
        except FileNotFoundError:
            current = None
    found = None if current is None else hashlib.sha256(current).hexdigest()
    if found != expected[target]:
        raise Conflict(target)


def _stage(target: Path, content: bytes) -> Path:
    """Write `content` to a temp file beside `target`, with target's permissions, synced."""
    descriptor, name = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.{os.getpid()}.", suffix=TEMP_SUFFIX
    )
    temp = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        mode = target.stat().st_mode & 0o7777 if target.exists() else 0o666 & ~_umask()
        os.chmod(temp, mode)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        raise
    return temp


def _roll_back(replaced: list[tuple[Path, bytes | None]]) -> None:
    """Put back files this batch already replaced (best effort: we are already failing)."""
    for target, previous in reversed(replaced):
        with contextlib.suppress(OSError):
            if previous is None:
                target.unlink()
            else:
                _restore(target, previous)


def _restore(target: Path, content: bytes) -> None:
    temp = _stage(target, content)
    os.replace(temp, target)


def _fsync_folder(folder: Path) -> None:
    fsync_folder(folder)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


class Interrupted(BaseException):
    """SIGTERM or SIGHUP arrived during a write; raised so the cleanup above runs.

    A BaseException so no `except Exception` on the way swallows it; the CLI turns it
    into one sentence saying whether the write was rolled back or had completed.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(f"interrupted by signal {signum}")
        self.signum = signum
        self.rolled_back = False


@contextlib.contextmanager
def _signals_as_exceptions() -> Iterator[None]:
    """Turn SIGTERM/SIGHUP into an exception while writing (Python would just die)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise Interrupted(signum)

    previous = {s: signal.signal(s, interrupt) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


signals_as_exceptions = _signals_as_exceptions
"""For callers that hold the registry lock across more than the write itself."""
