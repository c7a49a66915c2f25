"""What git remembers about registry files: every committed revision of a schema file.

SPEC section 3: where several schema versions share one `.capnp` file, only the
newest matches the work tree; each older version's bytes must be found in the
file's git history by their sha256. This module answers "which commit held
these bytes" for many hashes at once: one `git log --raw` lists the blob each
commit left at the path, one `git cat-file --batch` reads every blob, and the
resulting index (sha256 -> commit, blob) is cached in memory per
(commit, path) and on disk under the compile cache folder, so the next run on
an unchanged HEAD does not read the history again.

Rules (SSMD206, SSMD209), `schema show` and the language server all go
through one `RepositoryHistory`, created lazily by the workspace.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from ssmd.capnp.compiler import default_cache_dir
from ssmd.git import (
    GitError,
    commit_summary,
    file_revisions,
    git_executable,
    head_commit,
    is_repository,
    last_commit_until,
    path_in_repository,
    read_blobs,
    resolve_commit,
)

_CACHE_FORMAT = "history-1"


@dataclass(frozen=True, slots=True)
class Revision:
    """One committed state of a file: the commit that wrote it and the blob holding it."""

    commit: str
    blob: str

    @property
    def short(self) -> str:
        return self.commit[:7]


class RepositoryHistory:
    """Git history of the registry under `root`, read on first use and cached.

    `head` pins the history to a commit (`--known-at` reads the registry as it
    stood then); by default it is the repository's HEAD when first asked.
    """

    def __init__(
        self,
        root: Path,
        head: str | None = None,
        cache_dir: Path | None = None,
        use_disk_cache: bool = True,
    ) -> None:
        self.root = root
        self._head = head
        self._checked = head is not None
        self._problem: str | None = None
        self._cache_dir = (cache_dir or default_cache_dir()) if use_disk_cache else None
        self._indexes: dict[tuple[str, str], dict[str, Revision]] = {}
        self._contents: dict[str, bytes] = {}
        self._committed: dict[tuple[str, str], bytes | None] = {}
        """(head, path) -> the committed bytes (None: not in that commit); SSMD209 asks on
        every edit in the language server, git is asked once per HEAD."""

    # -- availability ---------------------------------------------------------------

    def _check(self) -> None:
        if self._checked:
            return
        self._checked = True
        try:
            git_executable()
        except GitError as error:
            self._problem = f"{error}, so older schema versions cannot be looked up in history"
            return
        if not is_repository(self.root):
            self._problem = (
                "the registry is not in a git repository, so older schema versions cannot be "
                "looked up in history; run `git init` and commit the registry"
            )
            return
        self._head = head_commit(self.root)
        if self._head is None:
            self._problem = (
                f"the git repository at {self.root} has no commit yet, so older schema "
                "versions cannot be looked up in history; commit the registry"
            )

    @property
    def available(self) -> bool:
        self._check()
        return self._problem is None

    @property
    def problem(self) -> str | None:
        """Why history cannot be read (not a repository, no commit), as a sentence."""
        self._check()
        return self._problem

    @property
    def head(self) -> str | None:
        self._check()
        return self._head

    def refresh(self) -> None:
        """Forget the cached HEAD (the language server calls this when HEAD moves)."""
        self._checked = False
        self._head = None
        self._problem = None

    # -- questions ------------------------------------------------------------------

    def revisions_by_hash(self, path: str) -> dict[str, Revision]:
        """`sha256:<hex>` -> the newest commit whose version of `path` has those bytes."""
        head = self.head
        if head is None:
            return {}
        key = (head, path)
        index = self._indexes.get(key)
        if index is None:
            index = self._read_disk(key)
            if index is None:
                index = self._build_index(head, path)
                self._write_disk(key, index)
            self._indexes[key] = index
        return index

    def find(self, path: str, sha256: str) -> Revision | None:
        """The commit that held `path` with content hash `sha256`, or None."""
        return self.revisions_by_hash(path).get(sha256)

    def content(self, revision: Revision) -> bytes | None:
        blob = self._contents.get(revision.blob)
        if blob is None:
            try:
                blob = read_blobs(self.root, [revision.blob]).get(revision.blob)
            except GitError:
                return None
            if blob is not None:
                self._contents[revision.blob] = blob
        return blob

    def committed(self, paths: list[str]) -> dict[str, bytes]:
        """Root-relative path -> bytes of each file as committed at the pinned HEAD."""
        head = self.head
        if head is None or not paths:
            return {}
        todo = [p for p in paths if (head, p) not in self._committed]
        if todo:
            try:
                prefix = path_in_repository(self.root, "")
                names = {f"{head}:{prefix}{p}": p for p in todo}
                found = read_blobs(self.root, list(names))
            except GitError:
                return {}
            for name, path in names.items():
                self._committed[(head, path)] = found.get(name)
        return {p: c for p in paths if (c := self._committed[(head, p)]) is not None}

    def describe(self, revision: Revision) -> str:
        """`git 1a2b3c4 (2025-06-01)`: where a text came from, for the user."""
        try:
            short, date = commit_summary(self.root, revision.commit)
        except GitError:
            return f"git {revision.short}"
        return f"git {short} ({date})"

    # -- building and caching -------------------------------------------------------

    def _build_index(self, head: str, path: str) -> dict[str, Revision]:
        try:
            revisions = file_revisions(self.root, path, head=head)
            blobs = read_blobs(self.root, sorted({blob for _, blob in revisions}))
        except GitError:
            return {}
        index: dict[str, Revision] = {}
        for commit, blob in reversed(revisions):  # oldest first: the newest commit wins
            content = blobs.get(blob)
            if content is None:
                continue
            self._contents[blob] = content
            index["sha256:" + hashlib.sha256(content).hexdigest()] = Revision(commit, blob)
        return index

    def _cache_file(self, key: tuple[str, str]) -> Path | None:
        if self._cache_dir is None:
            return None
        digest = hashlib.sha256(f"{_CACHE_FORMAT}\0{key[0]}\0{key[1]}".encode()).hexdigest()
        return self._cache_dir / "history" / f"{digest}.json"

    def _read_disk(self, key: tuple[str, str]) -> dict[str, Revision] | None:
        file = self._cache_file(key)
        if file is None:
            return None
        try:
            data = json.loads(file.read_text())
            return {sha: Revision(str(c), str(b)) for sha, (c, b) in data.items()}
        except (OSError, ValueError, TypeError):
            return None

    def _write_disk(self, key: tuple[str, str], index: dict[str, Revision]) -> None:
        file = self._cache_file(key)
        if file is None:
            return
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
            temporary = file.with_name(f".{file.name}.{os.getpid()}.tmp")
            temporary.write_text(json.dumps({s: [r.commit, r.blob] for s, r in index.items()}))
            temporary.replace(file)
        except OSError:
            pass  # a cache that cannot be written is only slower


def commit_known_at(root: Path, when: str) -> str:
    """The commit `--known-at` means: a date's last commit (UTC end of day), or a revision.

    A date `YYYY-MM-DD` picks the newest commit on HEAD's first-parent line
    committed on or before 23:59:59 UTC that day; anything else is read as a
    revision (sha, tag, branch, `HEAD~3`). Raises GitError with a sentence.
    """
    git_executable()  # raises "git is not installed" before blaming the folder
    if not is_repository(root):
        raise GitError(
            f"--known-at reads git history, but {root} is not in a git repository; "
            "drop --known-at or run inside the registry's repository"
        )
    try:
        day = dt.date.fromisoformat(when)
    except ValueError:
        return resolve_commit(root, when)
    commit = last_commit_until(root, f"{day.isoformat()} 23:59:59 +0000")
    if commit is None:
        raise GitError(
            f"the repository at {root} has no commit on or before {day.isoformat()} (UTC); "
            "the registry did not exist in git yet: pick a later date"
        )
    return commit
