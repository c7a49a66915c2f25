"""A write as a transaction: read, lock, re-check, plan, validate, compare-and-swap, rename.

    outcome = transact(root, build)

1. Note how every registry file looks on disk (inode, size, mtime, ctime), then
   load the workspace. This is the slow part and runs without the lock, so many
   writers load at once.
2. Take the registry lock (ssmd.write.lock) and replay a journal a dead writer left
   (ssmd.write.journal).
3. Re-stat every registry file: whatever changed, appeared or went away since step
   1 is read again, so the plan is made on what is on disk now, not on what was
   read. Then `build` plans the change on that workspace; a plan that no longer
   makes sense (the version was added meanwhile) is refused by `build` itself,
   with its sentence.
4. The files the change replaces are read once more: their stat must still be
   what step 3 saw (else back to 3), and their content hash becomes the
   compare-and-swap condition: `write_atomically` checks each file against it
   just before renaming over it. A writer that does not take the lock (an editor
   saving) and saves in between makes the rename refuse (Conflict), and the
   write is planned again on the new content, up to MAX_ROUNDS times, then
   refused. Nothing a writer that exited 0 wrote is ever overwritten by a plan
   made before it.
5. Validate (`apply_proposal`) and write; release the lock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ssmd.locate import discover
from ssmd.workspace import Workspace
from ssmd.write.atomic import Conflict, Interrupted, signals_as_exceptions
from ssmd.write.journal import pending, recover
from ssmd.write.lock import Notify, RegistryLock
from ssmd.write.proposal import Outcome, Proposal, WriteRefused, apply_proposal

MAX_ROUNDS = 5
Stat = tuple[int, int, int, int]


def file_stat(path: Path) -> Stat | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


@dataclass
class DiskView:
    """What the registry files looked like on disk when (just before) they were read."""

    root: Path
    stats: dict[str, Stat | None] = field(default_factory=dict)

    @classmethod
    def take(cls, root: Path) -> DiskView:
        return cls(root, {path: file_stat(root / path) for path in discover(root)})

    def refresh(self, workspace: Workspace, also: set[str] | None = None) -> list[str]:
        """Re-read into `workspace` every file changed since; return those paths, sorted.

        `also`: paths to re-read whatever their stat says (a failed attempt's targets,
        whose in-memory content is the attempt's, not the disk's).
        """
        now = {path: file_stat(self.root / path) for path in discover(self.root)}
        changed = {p for p in set(now) | set(self.stats) if now.get(p) != self.stats.get(p)}
        for path in sorted(changed | (also or set())):
            if now.get(path) is None:
                workspace.remove(path)
            else:
                workspace.read_file(path)
        self.stats = now
        return sorted(changed)

    def expected(self, change: Proposal) -> dict[Path, str | None] | None:
        """Content hash of each file `change` replaces, as on disk now; None if one moved.

        None means a target's stat is no longer what `refresh` saw: plan again.
        """
        hashes: dict[Path, str | None] = {}
        for path in change.files:
            target = self.root / path
            before = file_stat(target)
            try:
                content: bytes | None = target.read_bytes()
            except FileNotFoundError:
                content = None
            if before != self.stats.get(path) or file_stat(target) != before:
                return None
            hashes[target] = None if content is None else hashlib.sha256(content).hexdigest()
        return hashes


@dataclass(frozen=True, slots=True)
class Written:
    change: Proposal
    outcome: Outcome
    replanned: list[str]
    """Files another writer changed after this one read them (the plan was made again)."""


def transact(
    root: Path,
    build: Callable[[Workspace], Proposal],
    *,
    load: Callable[[Path], Workspace] = Workspace.load,
    as_of: dt.date | None = None,
    notify: Notify | None = None,
    timeout: float | None = None,
    command: str | None = None,
) -> Written:
    """Plan `build` on the registry at `root` and write it, serialised and compare-and-swapped.

    Raises WriteRefused (nothing written), LockHeld (another writer kept the lock past
    the timeout), WriteFailed (the disk refused), Interrupted (SIGTERM/SIGHUP).
    """
    view = DiskView.take(root)
    workspace = load(root)
    replanned: set[str] = set()
    completed = False
    try:
        with signals_as_exceptions(), RegistryLock(root, command, timeout, notify):
            told = recover(root) if pending(root) else None
            if told and notify:
                notify(told)
            written = _rounds(root, build, workspace, view, replanned, as_of)
            completed = True
            return written
    except Interrupted as stop:
        stop.rolled_back = stop.rolled_back or not completed
        raise


def _rounds(
    root: Path,
    build: Callable[[Workspace], Proposal],
    workspace: Workspace,
    view: DiskView,
    replanned: set[str],
    as_of: dt.date | None,
) -> Written:
    again: set[str] = set()
    for _round in range(MAX_ROUNDS):
        replanned |= set(view.refresh(workspace, again))
        change = build(workspace)
        if change.empty:
            return Written(change, Outcome([], []), sorted(replanned))
        expected = view.expected(change)
        again = set(change.files)
        if expected is None:
            continue
        try:
            outcome = apply_proposal(workspace, change, as_of, expected=expected, journal_root=root)
        except Conflict as conflict:
            replanned.add(conflict.path.relative_to(root).as_posix())
            continue
        return Written(change, outcome, sorted(replanned))
    raise WriteRefused(
        f"refused: {', '.join(sorted(replanned)) or 'the files'} kept changing on disk while "
        f"ssmd planned the write ({MAX_ROUNDS} tries); nothing was written. Try again when "
        "the other writer (an editor? a script?) has finished"
    )
