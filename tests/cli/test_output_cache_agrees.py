"""The recorded-output path finds the registry root and a waiting journal with its own
os.path copies of `ssmd.locate.find_root` and `ssmd.write.journal.pending` (importing those
costs pathlib and the models before a replay). These tests keep the copies in step with the
real functions over the layouts a user has: inside a registry, below it, SSMD_ROOT, an
explicit root, no registry; no git, a git directory, a linked work tree."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from ssmd import output_cache
from ssmd.locate import RootNotFound, find_root
from ssmd.write.journal import journal_path, pending


def _real_root(explicit: str | None) -> str | None:
    try:
        return str(find_root(explicit))
    except RootNotFound:
        return None


@pytest.fixture
def layout(tmp_path: Path) -> Path:
    (tmp_path / "repo" / "infra" / "exchanges" / "feeds").mkdir(parents=True)
    (tmp_path / "repo" / "docs").mkdir()
    return tmp_path / "repo"


@pytest.mark.parametrize(
    ("cwd", "explicit", "env"),
    [
        ("infra/exchanges/feeds", None, None),
        ("infra", None, None),
        ("docs", None, None),
        ("docs", "infra", None),
        ("docs", "docs", None),
        ("docs", None, "infra"),
        ("docs", None, "missing"),
    ],
)
def test_the_copy_finds_the_root_find_root_finds(
    layout: Path,
    monkeypatch: pytest.MonkeyPatch,
    cwd: str,
    explicit: str | None,
    env: str | None,
) -> None:
    monkeypatch.chdir(layout / cwd)
    if env is None:
        monkeypatch.delenv("SSMD_ROOT", raising=False)
    else:
        monkeypatch.setenv("SSMD_ROOT", str(layout / env))
    given = None if explicit is None else str(layout / explicit)
    assert output_cache._find_root(given) == _real_root(given)


def _git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.mark.parametrize("repository", ["none", "git", "linked work tree"])
def test_the_copy_sees_the_journal_pending_sees(layout: Path, repository: str) -> None:
    root = layout / "infra"
    if repository != "none":
        _git("init", "-q", cwd=layout)
        _git(
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@e",
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            "start",
            cwd=layout,
        )
    if repository == "linked work tree":
        _git("worktree", "add", "-q", str(layout.parent / "linked"), cwd=layout)
        (layout.parent / "linked" / "infra" / "exchanges").mkdir(parents=True)
        root = layout.parent / "linked" / "infra"
    assert output_cache._journal_waits(str(root)) is False
    assert pending(root) is False
    journal_path(root).write_text("{}", encoding="utf-8")
    assert pending(root) is True
    assert output_cache._journal_waits(str(root)) is True
