"""The write journal: a write of several files lands as a unit, even after SIGKILL.

`write_atomically` renames one file at a time; a process killed between two
renames would leave one file new and the other old (`schema register` writes a
`.yaml` and its `.capnp`). So a write of more than one file, once every temp
file is written and fsynced and before the first rename, records its intent:

    {"version": 1, "pid": 4242, "since": "...",
     "files": [{"target": "exchanges/schemas/trade.yaml",
                "temp": "exchanges/schemas/.trade.yaml.4242.x.ssmd-tmp",
                "new": "<sha256>", "old": "<base64 of the old bytes>" | null}, ...]}

written to a temp file, fsynced, renamed into place (`.git/ssmd-journal.json`, or
`.ssmd-journal.json` beside `exchanges/`) and its folder fsynced: that rename is
the commit point. The journal is removed once every rename and folder fsync is
done.

The next process that takes the registry lock (every write, and every ssmd
command and the language server at start when a journal is there) replays it:
- roll forward when every file is either new already or its temp file is intact
  (the usual case: the writer died between renames);
- otherwise roll back: every file is put back to its old bytes (or removed if it
  did not exist), and the temp files are removed.
A crash before the journal's rename leaves only temp files: the old files are
untouched, and the temp files are swept by the next write in that folder.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ssmd.write.lock import state_path

JOURNAL_NAME = "ssmd-journal.json"


class JournalUnreadable(Exception):
    """A journal exists but cannot be read or replayed; a person must look at it."""


def journal_path(root: Path) -> Path:
    return state_path(root, JOURNAL_NAME)


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@dataclass(frozen=True, slots=True)
class Entry:
    target: Path
    temp: Path
    new: str
    old: bytes | None


def write_journal(root: Path, entries: list[Entry]) -> Path:
    """Record the intent durably (temp file, fsync, rename, folder fsync); return its path."""
    path = journal_path(root)
    body = {
        "version": 1,
        "pid": os.getpid(),
        "since": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "files": [
            {
                "target": _relative(root, e.target),
                "temp": _relative(root, e.temp),
                "new": e.new,
                "old": None if e.old is None else base64.b64encode(e.old).decode("ascii"),
            }
            for e in entries
        ],
    }
    temp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temp, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o644)
    try:
        os.write(descriptor, json.dumps(body).encode("utf-8"))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    os.replace(temp, path)
    fsync_folder(path.parent)
    return path


def remove_journal(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    fsync_folder(path.parent)


def fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _relative(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def read_journal(root: Path, path: Path) -> list[Entry]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [
            Entry(
                target=root / item["target"],
                temp=root / item["temp"],
                new=str(item["new"]),
                old=None if item["old"] is None else base64.b64decode(item["old"]),
            )
            for item in data["files"]
        ]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise JournalUnreadable(
            f"the write journal {path} cannot be read ({error}); a write of several files "
            "was interrupted. Check `git status` and the files it names, then remove it"
        ) from None


def _current(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _put(target: Path, content: bytes) -> None:
    temp = target.with_name(f".{target.name}.{os.getpid()}.recover.ssmd-tmp")
    descriptor = os.open(temp, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o644)
    try:
        os.write(descriptor, content)
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    os.replace(temp, target)


def recover(root: Path) -> str | None:
    """Replay or roll back a journal left by a writer that died; say what was done.

    Call only while holding the registry lock (the writer held it while the
    journal existed, so a journal seen under the lock belongs to a dead writer).
    Returns None when there was no journal.
    """
    path = journal_path(root)
    if not path.exists():
        return None
    entries = read_journal(root, path)
    states: list[tuple[Entry, bytes | None, bytes | None]] = []
    for entry in entries:
        current = _current(entry.target)
        temp = _current(entry.temp)
        states.append((entry, current, temp))
    forward = all(
        (current is not None and digest(current) == entry.new)
        or (temp is not None and digest(temp) == entry.new)
        for entry, current, temp in states
    )
    names = ", ".join(_relative(root, e.target) for e in entries)
    folders = {e.target.parent for e in entries}
    if forward:
        for entry, current, _temp in states:
            if current is None or digest(current) != entry.new:
                os.replace(entry.temp, entry.target)
            else:
                with contextlib.suppress(FileNotFoundError):
                    entry.temp.unlink()
        outcome = f"completed an interrupted write of {names} (every file is new)"
    else:
        for entry, current, _temp in states:
            if entry.old is None:
                with contextlib.suppress(FileNotFoundError):
                    entry.target.unlink()
            elif current != entry.old:
                _put(entry.target, entry.old)
            with contextlib.suppress(FileNotFoundError):
                entry.temp.unlink()
        outcome = f"rolled back an interrupted write of {names} (every file is as it was)"
    for folder in folders:
        if folder.is_dir():
            fsync_folder(folder)
    remove_journal(path)
    return outcome


def pending(root: Path) -> bool:
    """True when a journal waits to be replayed (one stat; cheap enough for every command)."""
    return journal_path(root).exists()


def entries_for(
    root: Path, staged: list[tuple[Path, Path]], contents: Mapping[Path, bytes]
) -> list[Entry]:
    """Journal entries for `staged` (target, temp) pairs about to be renamed."""
    return [
        Entry(target, temp, digest(contents[target]), _current(target)) for target, temp in staged
    ]


def recover_pending(root: Path, notify: Callable[[str], None] | None = None) -> None:
    """For every command and the server at start: replay a journal a dead writer left.

    One stat when there is none. Takes the registry lock (a live writer's journal
    is its own business) with a short wait; gives up quietly if the lock stays
    busy, since the writer holding it replays or finishes the journal itself.
    """
    if not pending(root):
        return
    from ssmd.write.lock import LockHeld, RegistryLock

    try:
        with RegistryLock(root, timeout=10.0, notify=notify):
            told = recover(root)
    except LockHeld:
        return
    if told and notify:
        notify(told)
