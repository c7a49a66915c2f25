"""The registry lock, compare-and-swap and re-planning, each shown failing the way it should."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ssmd.workspace import Workspace
from ssmd.write.atomic import Conflict, temp_files, write_atomically
from ssmd.write.feeds import VersionFields, add_feed_version
from ssmd.write.lock import LockHeld, RegistryLock, lock_path, read_holder
from ssmd.write.proposal import Proposal, WriteRefused
from ssmd.write.transaction import MAX_ROUNDS, transact
from tests.conftest import run_ssmd

HOLD = """
import sys, time
from pathlib import Path
from ssmd.write.lock import RegistryLock
with RegistryLock(Path(sys.argv[1]), command="ssmd feed add-version slowpoke"):
    print("held", flush=True)
    if float(sys.argv[2]) < 0:
        sys.stdin.readline()  # released when the test says so
    else:
        time.sleep(float(sys.argv[2]))
"""

ADD_V9 = ["feed", "add-version", "kalshi", "--version", "v9", "--effective-from", "2030-01-01"]


def hold_lock(root: Path, seconds: float) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(root), str(seconds)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def git_init(root: Path) -> None:
    subprocess.run(["git", "init", "--quiet", str(root)], check=True)


def test_the_lock_lives_in_git_or_beside_exchanges_never_inside(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    (plain / "exchanges").mkdir(parents=True)
    assert lock_path(plain) == plain / ".ssmd.lock"
    repo = tmp_path / "repo"
    (repo / "registry" / "exchanges").mkdir(parents=True)
    git_init(repo)
    assert lock_path(repo / "registry") == repo / ".git" / "ssmd.lock"
    # A linked worktree has a .git file pointing at its own git directory.
    subprocess.run(
        [
            "git",
            "-C",
            str(repo),
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@x",
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            "x",
        ],
        check=True,
    )
    subprocess.run(
        ["git", "-C", str(repo), "worktree", "add", "-q", str(tmp_path / "linked")], check=True
    )
    found = lock_path(tmp_path / "linked")
    assert found.parent.resolve() == (repo / ".git" / "worktrees" / "linked").resolve()
    for path in (lock_path(plain), lock_path(repo / "registry"), found):
        assert "exchanges" not in path.parts


def test_a_held_lock_makes_a_writer_wait_then_refuse_naming_the_holder(sample_root: Path) -> None:
    before = (sample_root / "exchanges/feeds/kalshi.yaml").read_bytes()
    holder = hold_lock(sample_root, -1)
    try:
        result = run_ssmd(*ADD_V9, root=sample_root, env={"SSMD_LOCK_TIMEOUT": "1"})
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert f"pid {holder.pid}" in result.stderr
    assert "ssmd feed add-version slowpoke" in result.stderr
    assert "since 20" in result.stderr
    assert "nothing was written" in result.stderr
    assert (sample_root / "exchanges/feeds/kalshi.yaml").read_bytes() == before


def test_a_writer_waits_for_the_holder_and_then_writes(sample_root: Path) -> None:
    holder = hold_lock(sample_root, -1)  # until released
    writer = subprocess.Popen(
        [sys.executable, "-m", "ssmd", "--root", str(sample_root), *ADD_V9],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "SSMD_LOCK_TIMEOUT": "300"},
    )
    assert writer.stderr is not None and holder.stdin is not None
    waiting = writer.stderr.readline()  # the writer says whom it waits for, then waits
    assert f"note: waiting for the registry lock held by pid {holder.pid}" in waiting
    assert "version: v9" not in (sample_root / "exchanges/feeds/kalshi.yaml").read_text()
    holder.stdin.write("release\n")
    holder.stdin.flush()
    holder.wait(timeout=60)
    _out, err = writer.communicate(timeout=300)
    assert writer.returncode == 0, err
    assert "version: v9" in (sample_root / "exchanges/feeds/kalshi.yaml").read_text()
    assert not (sample_root / ".ssmd.lock").exists()


def test_a_stale_lock_of_a_dead_process_is_taken_over_with_a_notice(sample_root: Path) -> None:
    holder = hold_lock(sample_root, 60)
    holder.kill()  # SIGKILL: the lock file stays, its pid is gone
    holder.wait()
    stale = read_holder(sample_root / ".ssmd.lock")
    assert stale is not None and stale.pid == holder.pid
    result = run_ssmd(*ADD_V9, root=sample_root, env={"SSMD_LOCK_TIMEOUT": "5"})
    assert result.returncode == 0, result.stderr
    assert f"took over a stale registry lock left by pid {holder.pid}" in result.stderr
    assert not (sample_root / ".ssmd.lock").exists()


def test_an_empty_lock_file_left_by_a_crash_is_taken_over_after_a_grace(tmp_path: Path) -> None:
    (tmp_path / "exchanges").mkdir()
    lock = tmp_path / ".ssmd.lock"
    lock.write_text("")
    old = time.time() - 60
    os.utime(lock, (old, old))
    told: list[str] = []
    with RegistryLock(tmp_path, timeout=5, notify=told.append) as held:
        assert read_holder(lock) == held.holder
    assert any("stale" in message for message in told), told
    assert not lock.exists()


def test_release_never_removes_another_holders_lock(tmp_path: Path) -> None:
    (tmp_path / "exchanges").mkdir()
    first = RegistryLock(tmp_path, timeout=0)
    first.acquire()
    (tmp_path / ".ssmd.lock").unlink()  # someone removed it by hand...
    second = RegistryLock(tmp_path, timeout=0)
    second.acquire()  # ...and another writer took it
    first.release()
    assert read_holder(tmp_path / ".ssmd.lock") == second.holder
    with pytest.raises(LockHeld, match=f"locked by pid {os.getpid()}"):
        RegistryLock(tmp_path, timeout=0).acquire()  # a live holder (this process) is not stale
    second.release()
    assert not (tmp_path / ".ssmd.lock").exists()


# -- compare-and-swap ------------------------------------------------------------------------


def sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def test_rename_refuses_when_the_file_changed_since_it_was_read(tmp_path: Path) -> None:
    target = tmp_path / "feed.yaml"
    target.write_bytes(b"planned on this\n")
    planned_on = sha(target.read_bytes())
    target.write_bytes(b"an editor saved this meanwhile\n")
    with pytest.raises(Conflict):
        write_atomically({target: b"the write\n"}, expected={target: planned_on})
    assert target.read_bytes() == b"an editor saved this meanwhile\n"
    assert temp_files(tmp_path) == []


def test_a_file_that_must_not_exist_but_appeared_is_a_conflict(tmp_path: Path) -> None:
    target = tmp_path / "new.yaml"
    target.write_bytes(b"someone else created it\n")
    with pytest.raises(Conflict):
        write_atomically({target: b"mine\n"}, expected={target: None})
    assert target.read_bytes() == b"someone else created it\n"


def test_a_conflict_on_the_second_file_puts_the_first_back(tmp_path: Path) -> None:
    (tmp_path / "exchanges").mkdir()
    one, two = tmp_path / "one.yaml", tmp_path / "two.yaml"
    one.write_bytes(b"one old\n")
    two.write_bytes(b"two old\n")
    expected = {one: sha(b"one old\n"), two: sha(b"two as planned\n")}
    with pytest.raises(Conflict):
        write_atomically(
            {one: b"one new\n", two: b"two new\n"}, expected=expected, journal_root=tmp_path
        )
    assert (one.read_bytes(), two.read_bytes()) == (b"one old\n", b"two old\n")
    assert not (tmp_path / ".ssmd-journal.json").exists()


def test_an_editor_save_after_the_read_is_planned_on_not_overwritten(sample_root: Path) -> None:
    """The "editor" saves between the read and the write: the plan is made again on it."""
    feed = sample_root / "exchanges/feeds/kalshi.yaml"
    calls = 0

    def build(workspace: Workspace) -> Proposal:
        nonlocal calls
        calls += 1
        if calls == 1:  # after the read, before the rename: an editor saves a comment
            feed.write_text(feed.read_text() + "# saved by an editor\n")
        return add_feed_version(workspace, "kalshi", dt.date(2030, 1, 1), VersionFields(), "v9")

    written = transact(sample_root, build, timeout=5)
    assert calls == 2
    assert written.replanned == ["exchanges/feeds/kalshi.yaml"]
    text = feed.read_text()
    assert "# saved by an editor" in text and "version: v9" in text


def test_a_file_that_keeps_changing_is_refused_with_a_sentence(sample_root: Path) -> None:
    feed = sample_root / "exchanges/feeds/kalshi.yaml"

    def build(workspace: Workspace) -> Proposal:
        feed.write_text(feed.read_text() + "#\n")  # every plan is overtaken at once
        return add_feed_version(workspace, "kalshi", dt.date(2030, 1, 1), VersionFields(), "v9")

    with pytest.raises(WriteRefused) as refused:
        transact(sample_root, build, timeout=5)
    assert "kept changing on disk" in refused.value.message
    assert f"({MAX_ROUNDS} tries)" in refused.value.message
    assert "version: v9" not in feed.read_text()


def test_a_lock_that_cannot_be_created_is_a_sentence_not_a_traceback(sample_root: Path) -> None:
    # Something that is not a lock file sits where the lock goes (a folder, old).
    (sample_root / ".ssmd.lock").mkdir()
    old = time.time() - 60
    os.utime(sample_root / ".ssmd.lock", (old, old))
    result = run_ssmd(*ADD_V9, root=sample_root, env={"SSMD_LOCK_TIMEOUT": "1"})
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "the registry is locked" in result.stderr and "nothing was written" in result.stderr
    assert (sample_root / ".ssmd.lock").is_dir()
