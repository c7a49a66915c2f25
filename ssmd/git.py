"""A thin, typed door to the real `git` executable.

Every git use in ssmd (history of schema files, --known-at, diff, commit)
goes through `run_git`, so "git is missing" and "not a repository" are
reported once, as sentences, and never as a traceback.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


class GitError(Exception):
    """git is missing, the folder is not a repository, or a git command failed."""


def git_executable() -> str:
    found = shutil.which("git")
    if found is None:
        raise GitError("git is not installed or not on PATH; install git (apt-get install git)")
    return found


def run_git(
    root: Path,
    *args: str,
    input_bytes: bytes | None = None,
    ok_exit_codes: tuple[int, ...] = (0,),
) -> bytes:
    """Run `git -C root ARGS`; return stdout bytes or raise GitError with git's own words.

    `ok_exit_codes` admits commands whose non-zero exit is an answer, not a failure
    (`git diff --no-index` exits 1 when the files differ).
    """
    command = [git_executable(), "-C", str(root), *args]
    try:
        completed = subprocess.run(command, input=input_bytes, capture_output=True, check=False)
    except OSError as error:
        raise GitError(f"could not run git: {error}") from None
    if completed.returncode not in ok_exit_codes:
        detail = completed.stderr.decode("utf-8", "replace").strip() or "no message"
        raise GitError(f"git {' '.join(args[:2])} failed in {root}: {detail}")
    return completed.stdout


def is_repository(root: Path) -> bool:
    try:
        return run_git(root, "rev-parse", "--is-inside-work-tree").strip() == b"true"
    except GitError:
        return False


def top_level(root: Path) -> Path:
    return Path(run_git(root, "rev-parse", "--show-toplevel").decode().strip())


def show_file(root: Path, revision: str, path: str) -> bytes | None:
    """A file's bytes at a revision (path relative to the repository top), None if absent."""
    try:
        return run_git(root, "show", f"{revision}:{path}")
    except GitError:
        return None


def has_commits(root: Path) -> bool:
    """False in a repository whose first commit is still to be made."""
    try:
        run_git(root, "rev-parse", "--verify", "--quiet", "HEAD")
    except GitError:
        return False
    return True


def prefix(root: Path) -> str:
    """`root` relative to the repository top, as git writes paths (`''` or `sub/dir/`)."""
    return run_git(root, "rev-parse", "--show-prefix").decode().strip()


def tracked_files(root: Path, revision: str, folder: str) -> list[str]:
    """Files under `folder` (relative to `root`) at `revision`, relative to `root`."""
    listed = run_git(root, "ls-tree", "-r", "--name-only", revision, "--", folder)
    return [line for line in listed.decode().splitlines() if line]


def untracked_files(root: Path, folder: str) -> list[str]:
    """Files under `folder` git does not know yet (ignored ones excluded), relative to `root`."""
    listed = run_git(root, "ls-files", "--others", "--exclude-standard", "--", folder)
    return [line for line in listed.decode().splitlines() if line]


def index_tree(root: Path) -> str:
    """The index as a tree id, so it can be put back exactly with `restore_index`."""
    return run_git(root, "write-tree").decode().strip()


def restore_index(root: Path, tree: str) -> None:
    run_git(root, "read-tree", tree)
