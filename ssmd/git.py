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


def run_git(root: Path, *args: str, input_bytes: bytes | None = None) -> bytes:
    """Run `git -C root ARGS`; return stdout bytes or raise GitError with git's own words."""
    command = [git_executable(), "-C", str(root), *args]
    try:
        completed = subprocess.run(command, input=input_bytes, capture_output=True, check=False)
    except OSError as error:
        raise GitError(f"could not run git: {error}") from None
    if completed.returncode != 0:
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
