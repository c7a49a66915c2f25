"""`ssmd log`: the registry's git history in its own terms, one entry per commit.

One `git log --raw -M` over `exchanges/` lists, per commit, the blobs each
file had before and after (renames detected); one `git cat-file --batch`
reads every blob needed; each file change is then said in words by
`ssmd.registry_diff.describe`, the summarizer `ssmd diff` uses. A feed's or
schema's log follows renames of its file; an environment's log also holds
the commits that changed only its feed or its schema (and the schema's
`.capnp` files), since those change what the environment does.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ssmd.confine import escapes_schemas_dir, schema_file_path
from ssmd.document import REGISTRY_DIR, Kind, kind_of, load_document, registry_path
from ssmd.git import GitError, read_blobs, run_git
from ssmd.models import Environment, Schema
from ssmd.plan import is_shallow
from ssmd.registry_diff import describe
from ssmd.resolve import SchemaRef

LOG_FORMAT_VERSION = 1
_EMPTY = "0" * 40


@dataclass(frozen=True, slots=True)
class FileChange:
    status: str
    """git's letter: A, M, D or R (renamed)."""
    path: str
    old_path: str
    old_blob: str | None
    new_blob: str | None


@dataclass(frozen=True, slots=True)
class LogEntry:
    commit: str
    author: str
    date: str
    """Author date, ISO 8601."""
    subject: str
    changes: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "commit": self.commit,
            "author": self.author,
            "date": self.date,
            "subject": self.subject,
            "changes": list(self.changes),
        }


@dataclass(frozen=True, slots=True)
class RegistryLog:
    target: str
    """`registry`, or `feed kalshi`, `schema trade`, `environment kalshi-prod`."""
    entries: tuple[LogEntry, ...]
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "format_version": LOG_FORMAT_VERSION,
            "target": self.target,
            "notes": list(self.notes),
            "entries": [e.to_json() for e in self.entries],
        }


@dataclass(frozen=True, slots=True)
class _Commit:
    commit: str
    author: str
    date: str
    subject: str
    files: tuple[FileChange, ...]


def history(root: Path, since: dt.date | None = None) -> list[_Commit]:
    """Every commit on HEAD touching exchanges/, newest first, with its file changes."""
    args = [
        "log",
        "--format=%x00%H%x1f%an%x1f%aI%x1f%s",
        "--raw",
        "--no-abbrev",
        "-M",
        "--relative",
    ]
    if since is not None:
        args.append(f"--since={since.isoformat()} 00:00:00 +0000")
    output = run_git(root, *args, "HEAD", "--", REGISTRY_DIR).decode("utf-8", "replace")
    commits = []
    for chunk in output.split("\0")[1:]:
        lines = chunk.strip("\n").splitlines()
        if not lines:
            continue
        commit, author, date, subject = [*lines[0].split("\x1f"), "", "", ""][:4]
        files = tuple(_file_change(line) for line in lines[1:] if line.startswith(":"))
        commits.append(_Commit(commit, author, date, subject, files))
    return commits


def _file_change(line: str) -> FileChange:
    meta, _, paths = line.partition("\t")
    fields = meta.split()
    old_blob, new_blob, status = fields[2], fields[3], fields[4][0]
    names = paths.split("\t")
    new_path = names[-1]
    old_path = names[0]
    return FileChange(
        status,
        new_path,
        old_path,
        None if old_blob == _EMPTY else old_blob,
        None if new_blob == _EMPTY else new_blob,
    )


def _followed(commits: list[_Commit], start: set[str]) -> set[str]:
    """`start` plus every earlier name of those files (renames followed, newest first)."""
    paths = set(start)
    for commit in commits:
        for change in commit.files:
            if change.status == "R" and change.path in paths:
                paths.add(change.old_path)
    return paths


def _models(blobs: Blobs, commits: list[_Commit], paths: set[str]) -> Iterable[Any]:
    blobs.fetch(
        b
        for c in commits
        for f in c.files
        if f.path in paths or f.old_path in paths
        for b in (f.old_blob, f.new_blob)
    )
    for commit in commits:
        for change in commit.files:
            if change.path in paths or change.old_path in paths:
                for blob, path in (
                    (change.new_blob, change.path),
                    (change.old_blob, change.old_path),
                ):
                    if blob and blob in blobs and kind_of(path) not in (None, Kind.CAPNP):
                        model = load_document(path, blobs[blob].decode("utf-8", "replace")).model
                        if model is not None:
                            yield model


def registry_log(
    root: Path,
    kind: Kind | None = None,
    name: str | None = None,
    since: dt.date | None = None,
) -> RegistryLog:
    """The log of the whole registry, or of one feed, schema or environment."""
    commits = history(root, since)
    blobs = Blobs(root)
    wanted: set[str] | None = None
    target = "registry"
    if kind is not None and name is not None:
        target = f"{kind.value} {name}"
        wanted = _paths_of(root, commits, blobs, kind, name)
    blobs.fetch(
        b
        for c in commits
        for f in c.files
        if wanted is None or f.path in wanted or f.old_path in wanted
        for b in (f.old_blob, f.new_blob)
    )
    entries = []
    for commit in commits:
        lines: list[str] = []
        for change in commit.files:
            if wanted is not None and change.path not in wanted and change.old_path not in wanted:
                continue
            file_kind = kind_of(change.path)
            if file_kind is None:
                continue
            old = blobs.get(change.old_blob) if change.old_blob else None
            new = blobs.get(change.new_blob) if change.new_blob else None
            if change.status == "R":
                lines.append(f"{change.old_path} renamed to {change.path}")
            if old != new:
                lines.extend(describe(change.path, file_kind, old, new))
        if lines:
            entries.append(
                LogEntry(commit.commit, commit.author, commit.date, commit.subject, tuple(lines))
            )
    notes = []
    if is_shallow(root):
        notes.append(
            "this clone is shallow: commits before its oldest one are missing from the log; "
            "fetch them with `git fetch --unshallow`"
        )
    return RegistryLog(target, tuple(entries), tuple(notes))


class Blobs(dict[str, bytes]):
    """Blob id -> bytes, read from git in batches on demand (only what the log needs)."""

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root = root

    def fetch(self, ids: Iterable[str | None]) -> None:
        todo = sorted({i for i in ids if i and i not in self})
        if todo:
            # a missing object (shallow clone) is then said as "does not load"
            with contextlib.suppress(GitError):
                self.update(read_blobs(self.root, todo))


def _paths_of(root: Path, commits: list[_Commit], blobs: Blobs, kind: Kind, name: str) -> set[str]:
    """Every path (old names included) whose change changes what `kind name` is or does.

    The entity's file is its canonical path (SSMD006 keeps `name` equal to the file stem)."""
    path = registry_path(kind, name)
    own = _followed(commits, {path})
    current = _current_model(root, path)
    if kind is Kind.FEED:
        return own
    if kind is Kind.SCHEMA:
        return own | _schema_files(blobs, commits, own, [current])
    environments = [m for m in _models(blobs, commits, own) if isinstance(m, Environment)]
    if isinstance(current, Environment):
        environments.append(current)
    paths = set(own)
    for feed in {e.feed for e in environments}:
        paths |= _paths_of(root, commits, blobs, Kind.FEED, feed)
    for schema in {SchemaRef.parse(e.schema_ref).name for e in environments}:
        paths |= _paths_of(root, commits, blobs, Kind.SCHEMA, schema)
    return paths


def _current_model(root: Path, path: str) -> Any:
    file = root / path
    if not file.is_file():
        return None
    return load_document(path, file.read_bytes().decode("utf-8", "replace")).model


def _schema_files(
    blobs: Blobs, commits: list[_Commit], own: set[str], extra: list[Any]
) -> set[str]:
    files: set[str] = set()
    for model in [*_models(blobs, commits, own), *extra]:
        if isinstance(model, Schema):
            names = {model.schema_file, *(v.schema_file for v in model.versions if v.schema_file)}
            files |= {schema_file_path(f) for f in names if not escapes_schemas_dir(f)}
    return _followed(commits, files)
