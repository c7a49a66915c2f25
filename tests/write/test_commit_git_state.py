"""`ssmd commit` refuses in git states where a commit would surprise (real repositories, git)."""

from __future__ import annotations

import contextlib
import json
import os
import socket
from pathlib import Path

import pytest

from ssmd.git import GitError, run_git
from tests.conftest import run_ssmd
from tests.write.test_diff_commit import git, repo  # noqa: F401  (the fixture)

FEED = "exchanges/feeds/kalshi.yaml"


def edit_feed(root: Path, old: str, new: str) -> None:
    path = root / FEED
    path.write_text(path.read_text().replace(old, new))


def commit_all(root: Path, message: str) -> None:
    git(root, "commit", "--quiet", "-am", message)


def two_conflicting_branches(root: Path) -> None:
    """`main` and `other` both change kalshi's display name, differently."""
    git(root, "switch", "--quiet", "-c", "other")
    edit_feed(root, "display_name: Kalshi Exchange", "display_name: Kalshi (other)")
    commit_all(root, "other name")
    git(root, "switch", "--quiet", "main")
    edit_feed(root, "display_name: Kalshi Exchange", "display_name: Kalshi (main)")
    commit_all(root, "main name")


def try_git(root: Path, *args: str) -> None:
    with contextlib.suppress(GitError):  # the conflict is the point
        run_git(root, *args)


def refused(root: Path, *words: str, extra: tuple[str, ...] = ()) -> str:
    head, index = git(root, "rev-parse", "HEAD"), git(root, "ls-files", "--stage")
    edit_feed(root, "display_name: Kalshi Exchange", "display_name: Kalshi")  # something to commit
    result = run_ssmd("commit", "-m", "during", *extra, root=root)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    message = result.stderr.splitlines()[0]
    assert message.startswith("error: refused: "), result.stderr
    for word in words:
        assert word in message, message
    assert (git(root, "rev-parse", "HEAD"), git(root, "ls-files", "--stage")) == (head, index)
    return message


def test_commit_refuses_during_a_merge(repo: Path) -> None:  # noqa: F811
    two_conflicting_branches(repo)
    try_git(repo, "merge", "--quiet", "other")
    refused(repo, "a merge is in progress", "git merge --abort")


def test_commit_refuses_during_a_rebase(repo: Path) -> None:  # noqa: F811
    two_conflicting_branches(repo)
    try_git(repo, "rebase", "--quiet", "other")
    refused(repo, "a rebase is in progress", "git rebase --abort")


def test_commit_refuses_during_a_cherry_pick(repo: Path) -> None:  # noqa: F811
    two_conflicting_branches(repo)
    try_git(repo, "cherry-pick", "other")
    refused(repo, "a cherry-pick is in progress", "git cherry-pick --abort")


def test_commit_refuses_during_a_bisect(repo: Path) -> None:  # noqa: F811
    edit_feed(repo, "display_name: Kalshi Exchange", "display_name: Kalshi 2")
    commit_all(repo, "second")
    git(repo, "bisect", "start", "HEAD", "HEAD~1")
    refused(repo, "a bisect is in progress", "git bisect reset")


def test_commit_refuses_with_unmerged_paths_in_exchanges(repo: Path) -> None:  # noqa: F811
    """A conflicted `git stash pop` leaves unmerged paths and no MERGE_HEAD."""
    edit_feed(repo, "display_name: Kalshi Exchange", "display_name: Kalshi (stashed)")
    git(repo, "stash", "--quiet")
    edit_feed(repo, "display_name: Kalshi Exchange", "display_name: Kalshi (committed)")
    commit_all(repo, "committed name")
    try_git(repo, "stash", "pop")
    assert git(repo, "ls-files", "--unmerged")
    assert not (repo / ".git/MERGE_HEAD").exists()
    refused(repo, "unmerged paths", FEED, "git add")


def test_commit_refuses_on_a_detached_head_unless_asked(repo: Path) -> None:  # noqa: F811
    git(repo, "checkout", "--quiet", "--detach")
    refused(repo, "HEAD is detached", "--allow-detached")
    result = run_ssmd("commit", "-m", "on purpose", "--allow-detached", root=repo)
    assert result.returncode == 0, result.stderr
    assert git(repo, "log", "-1", "--format=%s") == "on purpose\n"


@pytest.mark.parametrize("held", [False, True])
def test_commit_takes_the_registry_lock(repo: Path, held: bool) -> None:  # noqa: F811
    edit_feed(repo, "display_name: Kalshi Exchange", "display_name: Kalshi")
    lock = repo / ".git/ssmd.lock"
    if held:  # a live process (this test) holds it
        holder = {"pid": os.getpid(), "command": "ssmd feed create x", "host": socket.gethostname()}
        lock.write_text(json.dumps(holder))
    result = run_ssmd("commit", "-m", "x", root=repo, env={"SSMD_LOCK_TIMEOUT": "1"})
    if held:
        assert result.returncode == 1
        assert "ssmd feed create x" in result.stderr and "nothing was staged" in result.stderr
        assert lock.exists()
    else:
        assert result.returncode == 0, result.stderr
        assert not lock.exists()
