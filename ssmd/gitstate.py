"""Is the git work tree in a state where `ssmd commit` may record the registry?

git itself lets a commit happen in the middle of a merge (it becomes the merge
commit), a rebase or cherry-pick (it lands among replayed commits), a bisect
(on whatever commit is checked out) or on a detached HEAD (on no branch); each
is a surprise for a registry change. `ssmd commit` refuses them, with the git
command that gets out of the state.
"""

from __future__ import annotations

from pathlib import Path

from ssmd.document import REGISTRY_DIR
from ssmd.git import GitError, run_git

# (marker in the git directory, what is going on, how to get out of it)
IN_PROGRESS = (
    ("MERGE_HEAD", "a merge", "finish it with `git commit` or undo it with `git merge --abort`"),
    ("rebase-merge", "a rebase", "finish it with `git rebase --continue` or `git rebase --abort`"),
    (
        "rebase-apply/applying",
        "a `git am`",
        "finish it with `git am --continue` or `git am --abort`",
    ),
    ("rebase-apply", "a rebase", "finish it with `git rebase --continue` or `git rebase --abort`"),
    (
        "CHERRY_PICK_HEAD",
        "a cherry-pick",
        "finish it with `git cherry-pick --continue` or `git cherry-pick --abort`",
    ),
    ("REVERT_HEAD", "a revert", "finish it with `git revert --continue` or `git revert --abort`"),
    ("BISECT_LOG", "a bisect", "end it with `git bisect reset`"),
)


def git_state_refusal(root: Path, allow_detached: bool = False) -> str | None:
    """A sentence saying why committing now is refused, or None when it may go ahead."""
    git_dir = Path(run_git(root, "rev-parse", "--absolute-git-dir").decode().strip())
    for marker, what, way_out in IN_PROGRESS:
        if (git_dir / marker).exists():
            return f"{what} is in progress in this repository; {way_out}, then run ssmd commit"
    unmerged = run_git(root, "ls-files", "--unmerged", "--", REGISTRY_DIR).decode()
    paths = sorted({line.split("\t", 1)[1] for line in unmerged.splitlines() if "\t" in line})
    if paths:
        shown = ", ".join(paths[:5]) + (f" and {len(paths) - 5} more" if len(paths) > 5 else "")
        return (
            f"{REGISTRY_DIR}/ has unmerged paths ({shown}); resolve the conflicts, "
            "`git add` the files, then run ssmd commit"
        )
    if not allow_detached:
        try:
            run_git(root, "symbolic-ref", "--quiet", "HEAD")
        except GitError:
            return (
                "HEAD is detached (not on a branch), so the commit would belong to no branch; "
                "switch to a branch (`git switch -c NAME`), or pass --allow-detached"
            )
    return None
