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


def work_tree_top(folder: Path) -> Path | None:
    """The top of the git work tree holding `folder` (resolved), or None outside git: where
    CI paths start (annotations, SARIF, GitLab) and where repository-wide files live."""
    return top_level(folder).resolve() if is_repository(folder) else None


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


def head_commit(root: Path) -> str | None:
    """The full id of HEAD, or None when the repository has no commit yet."""
    try:
        return run_git(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}").decode().strip()
    except GitError:
        return None


def path_in_repository(root: Path, relative: str) -> str:
    """`relative` (to `root`) as a path from the repository's top, for `rev:path` and ls-tree."""
    return f"{prefix(root)}{relative}"


def file_revisions(
    root: Path, path: str, head: str = "HEAD", follow: bool = True
) -> list[tuple[str, str]]:
    """(commit, blob id) of every commit up to `head` that changed `path`, newest first.

    `path` is relative to `root`.

    One `git log` call: `--raw` gives the blob each commit left at the path, so
    no per-commit `git show` is needed. With `follow`, renames are followed.
    """
    args = ["log", "--format=%x00%H", "--raw", "--no-abbrev"]
    args.append("--follow" if follow else "--no-renames")
    output = run_git(root, *args, head, "--", path).decode("utf-8", "replace")
    revisions: list[tuple[str, str]] = []
    for chunk in output.split("\0")[1:]:
        lines = chunk.strip().splitlines()
        if not lines:
            continue
        commit = lines[0].strip()
        for line in lines[1:]:
            # ":100644 100644 <old blob> <new blob> M\tpath"
            if not line.startswith(":"):
                continue
            fields = line.split("\t", 1)[0].split()
            blob = fields[3] if len(fields) >= 4 else ""
            if blob and set(blob) != {"0"}:  # all zeros: the commit deleted the file
                revisions.append((commit, blob))
            break
    return revisions


def read_blobs(root: Path, object_ids: list[str]) -> dict[str, bytes]:
    """Contents of many git objects through one `git cat-file --batch` process.

    Missing objects are left out. One process instead of one `git show` per
    revision is what makes a file with hundreds of revisions cheap to search.
    """
    if not object_ids:
        return {}
    request = "".join(f"{oid}\n" for oid in object_ids).encode()
    output = run_git(root, "cat-file", "--batch", input_bytes=request)
    contents: dict[str, bytes] = {}
    position = 0
    for oid in object_ids:
        end = output.index(b"\n", position)
        header = output[position:end].split()
        position = end + 1
        if len(header) < 3 or header[1] == b"missing":
            continue
        size = int(header[2])
        contents[oid] = output[position : position + size]
        position += size + 1  # the content is followed by a newline
    return contents


def tree_files(root: Path, revision: str, folder: str) -> dict[str, str]:
    """Root-relative path -> blob id of every file under `folder` at `revision`."""
    top = prefix(root)
    output = run_git(root, "ls-tree", "-r", "-z", "--full-tree", revision, "--", f"{top}{folder}")
    files: dict[str, str] = {}
    for entry in output.decode("utf-8", "replace").split("\0"):
        if not entry:
            continue
        meta, path = entry.split("\t", 1)
        mode, kind, oid = meta.split()
        if kind == "blob" and mode != "160000":
            files[path[len(top) :]] = oid
    return files


def resolve_commit(root: Path, revision: str) -> str:
    """A commit id for a revision name (sha, branch, tag, HEAD~2); GitError if none."""
    try:
        output = run_git(root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    except GitError:
        raise GitError(
            f"'{revision}' is neither a date (YYYY-MM-DD) nor a commit of the repository at {root}"
        ) from None
    return output.decode().strip()


def is_shallow(root: Path) -> bool:
    try:
        return run_git(root, "rev-parse", "--is-shallow-repository").strip() == b"true"
    except GitError:
        return False


def resolve_ref(root: Path, revision: str) -> str:
    """`--base REF` and the like as a commit id; GitError with a sentence saying what to do,
    naming the shallow clone when missing history is the cause (CI checkouts often are)."""
    try:
        return resolve_commit(root, revision)
    except GitError as error:
        if is_shallow(root):
            raise GitError(
                f"'{revision}' is not in this repository's history: the clone is shallow, so "
                "older commits are missing; fetch them (`git fetch --unshallow`, or "
                "`fetch-depth: 0` in actions/checkout) and run again"
            ) from None
        raise GitError(str(error)) from None


def last_commit_until(root: Path, moment: str) -> str | None:
    """The newest commit on HEAD's first-parent line committed at or before `moment`.

    `moment` is anything `git log --until` reads, e.g. `2025-11-15 23:59:59 +0000`.
    """
    output = run_git(root, "log", "-1", "--first-parent", "--format=%H", f"--until={moment}")
    text = output.decode().strip()
    return text or None


def commit_summary(root: Path, commit: str) -> tuple[str, str]:
    """(short id, committer date as YYYY-MM-DD) of a commit, for telling the user."""
    output = run_git(root, "log", "-1", "--format=%h %cs", commit).decode().strip()
    short, _, date = output.partition(" ")
    return short, date
