"""Replay what an earlier identical `ssmd` run printed, without importing Typer or pydantic.

`ssmd --help` spends most of its time importing Typer and rich, `ssmd feed show kalshi`
importing pydantic and building the models (benchmarks/cli_start.py). Their output is a pure
function of a few inputs, so the first run records it and later runs print the recording.

What a recording is keyed by (`Plan.key`), every input the output can depend on:
- the command line, exactly, and for the commands that read the registry the working
  directory, the registry root, today's date (UTC) and every byte under `exchanges/` plus
  `ssmd.yaml` (names, symbolic-link targets, contents);
- the environment, all of it except variables a shell changes on its own (`IGNORED_ENV`);
- the terminal: for stdin, stdout and stderr, whether it is a terminal and its size (rich
  reads them for colour and width);
- the code: Python's version and executable, the size and modification time of every module
  of this package and of every folder on `sys.path` (installing or upgrading a package
  changes its site-packages folder).

Only commands known to be pure are recorded (`plan`): help (`... --help`) and the read-only
`feed show|list`, `env show|list` and `schema list`. Nothing is recorded for `--known-at`
(git objects), during shell completion, when a half-done write waits to be recovered, when
the run ends in a traceback or the registry changed while it ran, or when the cache is off
(`SSMD_CACHE_DIR=off`). A recording holds stdout and stderr in the
order they were written and the exit code; replaying writes them the same way.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any, TextIO

# Only modules an interpreter has loaded anyway, or nearly (no pathlib, re, datetime, json):
# a replay must cost little more than `python -c pass`.

FORMAT = b"ssmd-output-1\n"
KEEP = 64
"""Recordings kept; the oldest are removed beyond that (each edit of the registry makes a key)."""
IGNORED_ENV = frozenset(
    {
        *("PWD", "OLDPWD", "SHLVL", "_"),  # the shell's own (the working directory is keyed)
        *("WINDOWID", "TERM_SESSION_ID", "ITERM_SESSION_ID", "KITTY_WINDOW_ID", "WEZTERM_PANE"),
        *("TMUX_PANE", "SSH_CLIENT", "SSH_CONNECTION", "XDG_SESSION_ID", "GPG_TTY"),
    }
)
"""Per terminal or login values that neither ssmd nor Typer nor rich read: without them a new
terminal window reuses the recordings of the last one."""
MAX_HASHED = 32 * 1024 * 1024
"""Larger files are keyed by size and modification time (ssmd refuses them anyway)."""

_NAME = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")
_READS = {"feed": {"show", "list"}, "env": {"show", "list"}, "schema": {"list"}}
"""Read-only commands whose output is a function of the work tree (and, for `env show`'s key
variables, the environment) alone; `schema show` may read an older `.capnp` text from git,
so it is not recorded."""
_TOP_VALUES = {"--root", "--color"}
_UNRECORDED = {"--install-completion", "--show-completion", "--help"}


Chunk = tuple[int, str]


def cache_dir() -> str | None:
    """Same place as the compile cache: `SSMD_CACHE_DIR` (`off` disables), else
    `$XDG_CACHE_HOME/ssmd`, else `~/.cache/ssmd`; recordings go in its `output/`."""
    configured = os.environ.get("SSMD_CACHE_DIR")
    if configured == "off":
        return None
    if configured:
        return os.path.join(configured, "output")
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "ssmd", "output")


class Plan:
    """One eligible run: where its recording is (`path`), how to replay or record it."""

    def __init__(self, path: str, reread: Callable[[], object] | None = None) -> None:
        self.path = path
        self._reread = reread
        """Computes again the registry part of the key: a recording is stored only when the
        registry did not change while the command ran (else its output may be of either)."""
        self._read = reread() if reread else None

    def replay(self, out: TextIO, err: TextIO) -> int | None:
        """Write the recording to `out`/`err` and return its exit code; None when there is none."""
        try:
            with open(self.path, "rb") as file:
                raw = file.read()
        except OSError:
            return None
        if not raw.startswith(FORMAT):
            return None
        try:
            code, chunks = marshal.loads(raw[len(FORMAT) :])
        except (EOFError, ValueError, TypeError):
            return None
        if not isinstance(code, int) or not all(_is_chunk(c) for c in chunks):
            return None
        for stream, text in chunks:
            (out if stream == 1 else err).write(text)
        out.flush()
        err.flush()
        return int(code)

    def record(self, run: Callable[[], object]) -> None:
        """Call `run` (the real CLI) with stdout and stderr teed, then store what it printed."""
        chunks: list[Chunk] = []
        saved = sys.stdout, sys.stderr
        sys.stdout = _Tee(saved[0], 1, chunks)
        sys.stderr = _Tee(saved[1], 2, chunks)
        code: object = None  # stays None when the run ends in an exception: nothing stored
        try:
            run()
            code = 0
        except SystemExit as done:
            code = 0 if done.code is None else done.code
            raise
        finally:
            sys.stdout, sys.stderr = saved
            unchanged = self._reread is None or self._reread() == self._read
            if type(code) is int and unchanged:
                self._store(code, chunks)

    def _store(self, code: int, chunks: list[Chunk]) -> None:
        merged: list[Chunk] = []
        for stream, text in chunks:
            if merged and merged[-1][0] == stream:
                merged[-1] = (stream, merged[-1][1] + text)
            else:
                merged.append((stream, text))
        try:
            folder, name = os.path.split(self.path)
            os.makedirs(folder, exist_ok=True)
            temporary = os.path.join(folder, f".{name}.{os.getpid()}")
            with open(temporary, "wb") as file:
                file.write(FORMAT + marshal.dumps((code, merged)))
            os.replace(temporary, self.path)
            _prune(folder)
        except OSError:
            pass  # a read-only or full cache folder: the command still ran


def _is_chunk(chunk: object) -> bool:
    return (
        isinstance(chunk, tuple)
        and len(chunk) == 2
        and chunk[0] in (1, 2)
        and isinstance(chunk[1], str)
    )


class _Tee:
    """A text stream that passes everything to `real` and keeps a copy of what is written.

    Every other attribute (isatty, encoding, fileno, buffer...) is the real stream's, so
    rich and Click decide colour and width exactly as without it.
    """

    def __init__(self, real: TextIO, number: int, chunks: list[Chunk]) -> None:
        self._real = real
        self._number = number
        self._chunks = chunks

    def write(self, text: str) -> int:
        written = self._real.write(text)  # first: Click probes with write(b"") and expects
        self._chunks.append((self._number, text))  # the TypeError a text stream raises
        return written

    def writelines(self, lines: list[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        if name == "buffer":  # bytes written past the text layer can't be recorded
            raise AttributeError(name)
        return getattr(self._real, name)


def _prune(folder: str) -> None:
    entries = [e for e in os.scandir(folder) if not e.name.startswith(".")]
    if len(entries) <= KEEP:
        return
    entries.sort(key=lambda e: e.stat().st_mtime_ns)
    for entry in entries[: len(entries) - KEEP]:
        with contextlib.suppress(OSError):
            os.unlink(entry.path)


def plan(argv: list[str]) -> Plan | None:
    """The recording for `ssmd ARGV` when that run is eligible, else None."""
    folder = cache_dir()
    if folder is None or not argv or os.environ.get("_SSMD_COMPLETE"):
        return None
    import hashlib  # here: with the cache off (the cold path) nothing is hashed (OpenSSL, ~3 ms)

    digest = hashlib.sha256(FORMAT)
    parts: list[object] = [argv, _environment(), _terminal(), _code()]
    if argv[-1] == "--help":
        if not _help_line(argv[:-1]):
            return None
        made = Plan("")
    else:
        made = Plan("", lambda: _registry_read(argv))
        if made._read is None:
            return None
        parts.append(made._read)
    for part in parts:
        digest.update(repr(part).encode("utf-8", "surrogateescape") + b"\0")
    made.path = os.path.join(folder, digest.hexdigest())
    return made


def _help_line(words: list[str]) -> bool:
    """`ssmd [--color X] [COMMAND [SUB]] --help`: help only, nothing read."""
    rest = list(words)
    if rest[:1] == ["--color"]:
        rest = rest[2:]
    return len(rest) <= 2 and all(word[:1].isalpha() and set(word) <= _NAME for word in rest)


def _registry_read(argv: list[str]) -> tuple[object, ...] | None:
    """For `ssmd [opts] feed|schema|env show|list ...`: what the output depends on beyond the
    command line (root, working directory, date, registry bytes); None when not eligible."""
    words = list(argv)
    roots: list[str] = []
    positional: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        if word in _TOP_VALUES and index + 1 < len(words):
            if word == "--root":
                roots.append(words[index + 1])
            index += 2
            continue
        if word.startswith("--root="):
            roots.append(word[len("--root=") :])
        elif word.startswith("--known-at") or word in _UNRECORDED:
            return None
        elif not word.startswith("-"):
            positional.append(word)
        index += 1
    if len(positional) < 2 or positional[1] not in _READS.get(positional[0], ()):
        return None
    if words.index(positional[0]) > words.index(positional[1]) or len(roots) > 1:
        return None
    root = _find_root(roots[0] if roots else None)
    if root is None:
        return None
    if _journal_waits(root):
        return None
    today = time.strftime("%Y-%m-%d", time.gmtime())  # ssmd.resolve.today(): the UTC date
    return (os.getcwd(), root, today, _registry_bytes(root))


def _find_root(explicit: str | None) -> str | None:
    """The root `ssmd.locate.find_root` picks; None when it would fail (the real command
    then says why)."""
    chosen = explicit or os.environ.get("SSMD_ROOT")
    if chosen:
        root = os.path.realpath(os.path.expanduser(chosen))
        return root if os.path.isdir(os.path.join(root, "exchanges")) else None
    folder = os.path.realpath(os.getcwd())
    while True:
        if os.path.isdir(os.path.join(folder, "exchanges")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def _journal_waits(root: str) -> bool:
    """Whether a half-done write's journal is there (`ssmd.write.journal.pending`, which every
    command then recovers, printing a note): in the git directory of the work tree holding
    `root`, else beside `exchanges/`. Both places are looked at; either one means yes."""
    if os.path.exists(os.path.join(root, ".ssmd-journal.json")):
        return True
    folder = root
    while True:
        marker = os.path.join(folder, ".git")
        if os.path.isdir(marker):
            return os.path.exists(os.path.join(marker, "ssmd-journal.json"))
        if os.path.isfile(marker):  # a linked work tree or a submodule: "gitdir: PATH"
            try:
                with open(marker, encoding="utf-8") as file:
                    line = file.readline().strip()
            except (OSError, UnicodeDecodeError):
                return False  # ssmd.write.lock.git_directory: no git directory, so beside
            if not line.startswith("gitdir:"):
                return False
            target = os.path.join(folder, line[len("gitdir:") :].strip())
            return os.path.exists(os.path.join(target, "ssmd-journal.json"))
        parent = os.path.dirname(folder)
        if parent == folder:
            return False
        folder = parent


def _registry_bytes(root: str) -> str:
    import hashlib

    digest = hashlib.sha256()
    config = os.path.join(root, "ssmd.yaml")
    for path in (config, *sorted(_files(os.path.join(root, "exchanges")))):
        digest.update(os.fsencode(path) + b"\0")
        digest.update(_identity(path))
    return digest.hexdigest()


def _files(folder: str) -> Iterator[str]:
    for current, dirs, files in os.walk(folder):
        dirs.sort()
        for name in (*files, *(d for d in dirs if os.path.islink(os.path.join(current, d)))):
            yield os.path.join(current, name)


def _identity(path: str) -> bytes:
    """What a file is: its link target (where it points decides whether ssmd reads it), its
    bytes (or size and time past MAX_HASHED), or that it is missing or unreadable."""
    try:
        link = os.readlink(path) if os.path.islink(path) else ""
        stat = os.stat(path)
    except OSError as error:
        return f"missing {error.errno}".encode()
    head = f"{link}\0{stat.st_mode}\0{os.path.realpath(path)}\0".encode("utf-8", "surrogateescape")
    if not os.path.isfile(path):
        return head
    if stat.st_size > MAX_HASHED:
        return head + f"{stat.st_size} {stat.st_mtime_ns}".encode()
    try:
        import hashlib

        with open(path, "rb") as file:
            return head + hashlib.sha256(file.read()).digest()
    except OSError as error:
        return head + f"unreadable {error.errno}".encode()


def _environment() -> list[tuple[str, str]]:
    return sorted((k, v) for k, v in os.environ.items() if k not in IGNORED_ENV)


def _terminal() -> list[object]:
    found: list[object] = []
    for number in (0, 1, 2):
        try:
            found.append((os.isatty(number), tuple(os.get_terminal_size(number))))
        except OSError:
            found.append((False, None))
    return found


def _code() -> list[object]:
    """The code that would run: this package's modules and every folder on sys.path."""
    found: list[object] = [sys.version, sys.executable, sys.flags]
    package = os.path.dirname(os.path.abspath(__file__))
    for current, dirs, files in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                stat = os.stat(os.path.join(current, name))
                found.append((current, name, stat.st_size, stat.st_mtime_ns))
    for entry in sys.path:
        try:
            found.append((entry, os.stat(entry or ".").st_mtime_ns))
        except OSError:
            found.append((entry, None))
    return found
