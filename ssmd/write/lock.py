"""The registry lock: one ssmd write at a time, like git's `index.lock`.

Every write command holds the lock from just before it re-checks what it read
until its files are renamed into place. The lock is a file created with
O_CREAT|O_EXCL (atomic on every local file system), holding who took it:

    {"pid": 4242, "command": "ssmd feed add-version kalshi ...", "since": "...",
     "host": "build-7", "started": 123456, "token": "..."}

It lives in the git directory when the registry is in a git work tree
(`.git/ssmd.lock`; a linked worktree uses its own git directory), else beside
`exchanges/` (`.ssmd.lock`), never inside `exchanges/`, so no reader or commit
ever sees it.

A writer that finds the lock held waits (bounded: `SSMD_LOCK_TIMEOUT` seconds,
60 by default), saying once whom it waits for, then gives up with a sentence
naming the holder. A lock whose holder is gone (same host, and its pid no
longer runs or now belongs to a process started later) is stale: it is taken
over with a notice. The take-over itself is serialised by a second, short-lived
O_EXCL file, so two writers finding the same stale lock cannot both take it.

Why not the `filelock` package: its `FileLock` is an flock(2) on the file, which
cannot say who holds it, and its `SoftFileLock` records pid and host but not the
command or the time, which is what the person waiting needs to read.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import socket
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

LOCK_NAME_IN_GIT = "ssmd.lock"
LOCK_NAME_BESIDE = ".ssmd.lock"
DEFAULT_TIMEOUT_SECONDS = 60.0
TAKEOVER_GIVE_UP_SECONDS = 10.0
"""A take-over marker older than this belongs to a process that died taking over."""
UNWRITTEN_GRACE_SECONDS = 5.0
"""A lock file still empty after this was left by a process killed while creating it."""

Notify = Callable[[str], None]


class LockHeld(Exception):
    """Another process holds the registry lock and did not release it in time."""


def git_directory(root: Path) -> Path | None:
    """The git directory of the work tree holding `root` (no git process is started)."""
    for folder in (root, *root.parents):
        marker = folder / ".git"
        if marker.is_dir():
            return marker
        if marker.is_file():  # a linked worktree or a submodule: "gitdir: PATH"
            try:
                first = marker.read_text(encoding="utf-8").splitlines()[0]
            except (OSError, IndexError, UnicodeDecodeError):
                return None
            if first.startswith("gitdir:"):
                target = Path(first[len("gitdir:") :].strip())
                target = target if target.is_absolute() else folder / target
                return target if target.is_dir() else None
            return None
    return None


def state_path(root: Path, name: str) -> Path:
    """Where ssmd keeps its own state for the registry at `root`: `.git/NAME` or `root/.NAME`."""
    found = git_directory(root)
    return found / name if found is not None else root / f".{name}"


def lock_path(root: Path) -> Path:
    found = git_directory(root)
    return found / LOCK_NAME_IN_GIT if found is not None else root / LOCK_NAME_BESIDE


def timeout_from_environment() -> float:
    raw = os.environ.get("SSMD_LOCK_TIMEOUT")
    if raw is None:
        return DEFAULT_TIMEOUT_SECONDS
    try:
        return max(0.0, float(raw))
    except ValueError:
        return DEFAULT_TIMEOUT_SECONDS


def process_start(pid: int) -> int | None:
    """When `pid` started (clock ticks since boot, from /proc), to tell a reused pid apart."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: split after the last ')'.
    fields = stat[stat.rfind(")") + 2 :].split()
    try:
        return int(fields[19])  # field 22 of proc(5), counted from field 3
    except (IndexError, ValueError):
        return None


def process_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def command_line() -> str:
    words = [Path(sys.argv[0]).name if sys.argv else "ssmd", *sys.argv[1:]]
    if words and words[0] in ("__main__.py", "-c", "-m"):
        words[0] = "ssmd"
    text = " ".join(words)
    return text if len(text) <= 200 else text[:199] + "…"


@dataclass(frozen=True, slots=True)
class Holder:
    pid: int
    command: str
    since: str
    host: str
    started: int | None
    token: str

    def describe(self) -> str:
        where = "" if self.host == socket.gethostname() else f" on {self.host}"
        return f"pid {self.pid}{where} ({self.command}), since {self.since}"

    def is_stale(self) -> bool:
        """True when the holder certainly no longer runs (only decidable on this host)."""
        if self.host != socket.gethostname():
            return False
        if not process_alive(self.pid):
            return True
        started = process_start(self.pid)
        return self.started is not None and started is not None and started != self.started

    def to_json(self) -> str:
        return json.dumps(
            {
                "pid": self.pid,
                "command": self.command,
                "since": self.since,
                "host": self.host,
                "started": self.started,
                "token": self.token,
            }
        )


def read_holder(path: Path) -> Holder | None:
    """Who holds the lock at `path`; None when it is absent, empty or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Holder(
            pid=int(data["pid"]),
            command=str(data.get("command", "?")),
            since=str(data.get("since", "?")),
            host=str(data.get("host", "")),
            started=int(data["started"]) if data.get("started") is not None else None,
            token=str(data.get("token", "")),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _age_seconds(path: Path) -> float:
    try:
        return time.time() - path.stat().st_mtime
    except OSError:
        return 0.0


class RegistryLock:
    """`with RegistryLock(root): ...` holds the registry lock for the block."""

    def __init__(
        self,
        root: Path,
        command: str | None = None,
        timeout: float | None = None,
        notify: Notify | None = None,
    ) -> None:
        self.path = lock_path(root)
        self.command = command or command_line()
        self.timeout = timeout_from_environment() if timeout is None else timeout
        self.notify = notify or (lambda message: None)
        self.holder: Holder | None = None

    def __enter__(self) -> RegistryLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def acquire(self) -> None:
        deadline = time.monotonic() + self.timeout
        told = False
        pause = 0.02
        while True:
            if self._try_create():
                return
            holder = read_holder(self.path)
            if holder is None:
                if self.path.is_file() and _age_seconds(self.path) > UNWRITTEN_GRACE_SECONDS:
                    self._take_over(None)
                    continue
            elif holder.is_stale():
                self._take_over(holder)
                continue
            if time.monotonic() >= deadline:
                who = holder.describe() if holder else "a process that has not said who it is"
                raise LockHeld(
                    f"the registry is locked by {who}; waited {self.timeout:.0f} s. "
                    f"Wait for it to finish and try again; if that process is gone, remove "
                    f"{self.path}"
                )
            if not told and holder is not None:
                self.notify(f"waiting for the registry lock held by {holder.describe()}")
                told = True
            time.sleep(pause)
            pause = min(pause * 1.5, 0.25)

    def _try_create(self) -> bool:
        holder = Holder(
            pid=os.getpid(),
            command=self.command,
            since=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
            host=socket.gethostname(),
            started=process_start(os.getpid()),
            token=uuid.uuid4().hex,
        )
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            return False
        except OSError as error:  # a read-only checkout, a full disk
            raise LockHeld(
                f"cannot create the registry lock {self.path}: {error.strerror or error}; "
                "ssmd writes need a writable folder there"
            ) from None
        try:
            os.write(descriptor, holder.to_json().encode("utf-8"))
            os.fsync(descriptor)
        except BaseException:
            os.close(descriptor)
            with contextlib.suppress(OSError):
                self.path.unlink()
            raise
        os.close(descriptor)
        self.holder = holder
        return True

    def _take_over(self, stale: Holder | None) -> None:
        """Remove a stale lock, unless another process is doing the same right now."""
        marker = self.path.with_name(self.path.name + ".takeover")
        try:
            descriptor = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            if _age_seconds(marker) > TAKEOVER_GIVE_UP_SECONDS:
                with contextlib.suppress(OSError):
                    marker.unlink()
            time.sleep(0.02)
            return
        os.close(descriptor)
        try:
            now = read_holder(self.path)
            if now == stale and (stale is not None or self.path.is_file()):
                with contextlib.suppress(OSError):
                    self.path.unlink()
                who = stale.describe() if stale else "a process killed while taking it"
                self.notify(f"took over a stale registry lock left by {who}")
        finally:
            with contextlib.suppress(OSError):
                marker.unlink()

    def release(self) -> None:
        """Remove the lock file if it is still this process's (never someone else's)."""
        if self.holder is None:
            return
        if read_holder(self.path) == self.holder:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
        self.holder = None
