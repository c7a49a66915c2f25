"""`ssmd commit`: record the registry in git only when it validates.

Only `exchanges/` is staged and committed (`git commit -- exchanges/`), so
other work a person has staged stays staged and out of the commit. A refusal
happens before the index is touched; should git itself fail after staging (a
hook, a missing identity), the index is put back exactly as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ssmd.check import Diagnostic, check
from ssmd.document import REGISTRY_DIR
from ssmd.git import (
    GitError,
    git_executable,
    head_commit,
    index_tree,
    is_repository,
    restore_index,
    run_git,
)
from ssmd.gitstate import git_state_refusal
from ssmd.rules import Severity
from ssmd.rules.retroactive import refused_retroactive
from ssmd.workspace import Workspace
from ssmd.write.lock import LockHeld, Notify, RegistryLock


class CommitRefused(Exception):
    def __init__(self, message: str, diagnostics: list[Diagnostic] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.diagnostics = diagnostics or []


@dataclass(frozen=True, slots=True)
class Committed:
    commit: str
    files: list[str]
    warnings: list[Diagnostic] = field(default_factory=list)


def commit_registry(
    root: Path,
    message: str,
    strict: bool = False,
    allow_retroactive: bool = False,
    allow_detached: bool = False,
    notify: Notify | None = None,
) -> Committed:
    """Validate the whole registry, then commit exchanges/ with `message`.

    A change that rewrites history relative to HEAD (SSMD401) is refused unless
    `allow_retroactive`. Refused during a merge, rebase, cherry-pick, revert or
    bisect, with unmerged paths in exchanges/, and on a detached HEAD unless
    `allow_detached`. Holds the registry lock, so no ssmd write lands between the
    check and the commit.
    """
    if not message.strip():
        raise CommitRefused("the commit message is empty; pass -m 'what changed and why'")
    try:
        git_executable()
    except GitError as error:
        raise CommitRefused(str(error)) from None
    if not is_repository(root):
        raise CommitRefused(
            f"{root} is not inside a git repository; run `git init` there (or clone the "
            "registry) first"
        )
    try:
        refusal = git_state_refusal(root, allow_detached)
    except GitError as error:
        raise CommitRefused(str(error)) from None
    if refusal is not None:
        raise CommitRefused(f"refused: {refusal}; nothing was staged")
    try:
        with RegistryLock(root, notify=notify):
            return _commit(root, message, strict, allow_retroactive)
    except LockHeld as held:
        raise CommitRefused(f"{held}; nothing was staged") from None


def _commit(root: Path, message: str, strict: bool, allow_retroactive: bool) -> Committed:
    results = check(Workspace.load(root), base=head_commit(root))
    found = [d for path in sorted(results) for d in results[path]]
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    blocking = [d for d in found if d.severity in failing]
    rewriting = [d for d in found if refused_retroactive(d, allow_retroactive)]
    if rewriting and not blocking:
        raise CommitRefused(
            f"refused: the change rewrites history ({len(rewriting)} SSMD401 finding"
            f"{'' if len(rewriting) == 1 else 's'}: past dates would replay differently, "
            "`ssmd plan` shows which); date the change in the future, or pass "
            "--allow-retroactive if it is meant; nothing was staged",
            rewriting,
        )
    if blocking:
        what = "problem" if strict else "error"
        raise CommitRefused(
            f"refused: the registry has {len(blocking)} {what}{'' if len(blocking) == 1 else 's'}; "
            "fix them (`ssmd validate` shows them) and commit again; nothing was staged",
            blocking + [d for d in rewriting if d not in blocking],
        )
    try:
        status = run_git(root, "status", "--porcelain", "--untracked-files=all", "--", REGISTRY_DIR)
        if not status.strip():
            raise CommitRefused(f"nothing to commit: {REGISTRY_DIR}/ has no changes")
        snapshot = index_tree(root)
    except GitError as error:
        raise CommitRefused(f"{error}; nothing was staged") from None
    try:
        run_git(root, "add", "--all", "--", REGISTRY_DIR)
        run_git(root, "commit", "--quiet", "-m", message, "--", REGISTRY_DIR)
    except GitError as error:
        restore_index(root, snapshot)
        raise CommitRefused(f"{error}; the index was restored, nothing was committed") from None
    commit = run_git(root, "rev-parse", "--short", "HEAD").decode().strip()
    files = run_git(root, "show", "--name-only", "--format=", "--relative", "HEAD").decode()
    warnings = [d for d in found if d.severity is Severity.WARNING]
    return Committed(commit, [f for f in files.splitlines() if f], warnings)
