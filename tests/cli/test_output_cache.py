"""Recorded output (ssmd.output_cache, ssmd.entry): a replay prints exactly what the real CLI
prints, for help at any width and colour, and for `feed show|list` on good and broken
registries; anything the output depends on makes a new recording."""

from __future__ import annotations

import fcntl
import os
import pty
import shutil
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from tests.conftest import REPO, run_ssmd
from tests.terminal import read_terminal


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    """Where the probe's marker and the cache go: not the working directory, whose
    modification time is part of a key when it is on sys.path (`python -c`, `python -m`)."""
    folder = tmp_path / "scratch"
    folder.mkdir()
    return folder


PROBE = (
    "import os, sys\nmarker = os.environ.pop('PROBE_MARKER')\nfrom ssmd.entry import main\n"
    "try:\n    main()\nfinally:\n"
    "    heavy = {'typer', 'rich', 'pydantic', 'ssmd.cli', 'ssmd.workspace'} & set(sys.modules)\n"
    "    open(marker, 'w').write(str(bool(heavy)))\n"
)
"""Runs `ssmd` as the entry point does, then notes whether Typer, rich, pydantic, the CLI or
the workspace was imported (the marker's name is taken out of the environment first: the
environment is part of a recording's key)."""


def run(
    args: list[str], cache: Path | None, tmp: Path, cwd: Path | None = None, **env: str
) -> tuple[str, str, int, bool]:
    """`ssmd ARGS` as a child process: stdout, stderr, exit code, and whether Typer ran."""
    marker = tmp / "ran-typer"
    if cwd is None:  # an empty folder: `python -c` puts the working directory on sys.path,
        cwd = tmp.parent / "quiet-cwd"  # so its modification time is part of the key
        cwd.mkdir(exist_ok=True)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={
            **os.environ,
            "SSMD_CACHE_DIR": str(cache) if cache else "off",
            "PROBE_MARKER": str(marker),
            **env,
        },
        timeout=120,
        check=False,
    )
    return done.stdout, done.stderr, done.returncode, marker.read_text() == "True"


def assert_replayed(args: list[str], tmp: Path, cwd: Path | None = None, **env: str) -> str:
    """The real output (cache off), then a recording run and a replay: all three the same,
    and the replay imported no Typer. Returns stdout and stderr, one after the other."""
    cache = tmp / "cache"
    real = run(args, None, tmp, cwd, **env)
    recorded = run(args, cache, tmp, cwd, **env)
    replayed = run(args, cache, tmp, cwd, **env)
    if replayed[3]:
        # Something the key covers changed between two runs: once in a fresh-clone CI run,
        # most likely the other worker creating .hypothesis in the checkout, which is on
        # sys.path (tests/conftest.py now creates it first). That run recorded anew, so an
        # unchanged next one must replay; a key that never settles still fails below.
        replayed = run(args, cache, tmp, cwd, **env)
    assert real[3] and recorded[3], "the real CLI ran"
    assert not replayed[3], f"{args} was not replayed"
    assert recorded[:3] == real[:3] and replayed[:3] == real[:3], args
    return real[0] + real[1]


def test_help_is_replayed_exactly_at_each_width(tmp_path: Path) -> None:
    narrow = assert_replayed(["--help"], tmp_path, COLUMNS="60")
    wide = assert_replayed(["--help"], tmp_path, COLUMNS="120")
    assert narrow != wide and "Commands" in wide
    assert_replayed(["feed", "--help"], tmp_path, COLUMNS="90")
    assert_replayed(["feed", "show", "--help"], tmp_path, COLUMNS="90")
    assert_replayed(["--color", "never", "--help"], tmp_path, COLUMNS="90")


def on_a_terminal(args: list[str], cache: str, piped: bool = False, **env: str) -> bytes:
    """`ssmd ARGS` with stdin, stdout and stderr on one pseudo-terminal of 100 columns
    (`piped`: stdout on a pipe instead, and what it printed there is returned)."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
    environment = {**os.environ, "SSMD_CACHE_DIR": cache, **env}
    environment.pop("COLUMNS", None)
    quiet = Path(cache).parent / "quiet-cwd"  # see run()
    quiet.mkdir(exist_ok=True)
    process = subprocess.Popen(
        [sys.executable, "-m", "ssmd", *args],
        cwd=quiet,
        stdin=follower,
        stdout=subprocess.PIPE if piped else follower,
        stderr=follower,
        env=environment,
    )
    os.close(follower)
    if piped:
        assert process.stdout is not None
        out = process.stdout.read()
        read_terminal(leader, process)
        return out
    return read_terminal(leader, process)


def test_help_on_a_terminal_is_replayed_as_printed(tmp_path: Path) -> None:
    """Help is plain text (ssmd.cli.helpformat): on a terminal too, with or without NO_COLOR;
    a recording made on a pipe is not the one replayed to a terminal."""
    cache = str(tmp_path / "cache")
    piped = on_a_terminal(["--help"], cache, piped=True, NO_COLOR="")  # recorded first
    assert b"\x1b[" not in piped and b"Usage" in piped
    real = on_a_terminal(["--help"], cache, NO_COLOR="", SSMD_CACHE_DIR="off")
    assert b"\x1b[" not in real and b"\xe2\x94" not in real  # no colour, no box drawing
    assert b"Usage: ssmd [OPTIONS] COMMAND [ARGS]..." in real
    assert on_a_terminal(["--help"], cache, NO_COLOR="") == real
    assert on_a_terminal(["--help"], cache, NO_COLOR="") == real  # the replay
    no_color = on_a_terminal(["--help"], cache, NO_COLOR="1", SSMD_CACHE_DIR="off")
    assert no_color == real
    assert on_a_terminal(["--help"], cache, NO_COLOR="1") == no_color
    assert on_a_terminal(["--help"], cache, NO_COLOR="1") == no_color
    assert len(list((tmp_path / "cache/output").iterdir())) == 3


def test_feed_show_is_replayed_and_follows_every_edit(sample_root: Path, scratch: Path) -> None:
    root = sample_root
    show = assert_replayed(["feed", "show", "kalshi"], scratch, cwd=root)
    assert "Feed: kalshi (Kalshi Exchange)" in show
    assert_replayed(["--root", str(root), "feed", "show", "kalshi"], scratch)
    assert_replayed(["feed", "show", "kalshi", "--root", str(root)], scratch)
    assert_replayed(["feed", "show", "kalshi", "--json", "--as-of", "2024-07-01"], scratch, root)
    assert_replayed(["feed", "list"], scratch, cwd=root / "exchanges")
    assert_replayed(["feed", "show", "nope"], scratch, cwd=root)  # exit 1, the names
    feed = root / "exchanges/feeds/kalshi.yaml"
    feed.write_text(feed.read_text().replace("Kalshi Exchange", "Kalshi Markets"))
    assert "(Kalshi Markets)" in assert_replayed(["feed", "show", "kalshi"], scratch, cwd=root)
    environment = root / "exchanges/environments/kalshi-dev.yaml"
    environment.unlink()
    after = assert_replayed(["feed", "show", "kalshi"], scratch, cwd=root)
    assert "Used by: kalshi-prod" in after


def test_env_and_schema_reads_are_replayed(sample_root: Path, scratch: Path) -> None:
    """`env show` says which key variables are set: the environment is part of the key."""
    unset = assert_replayed(["env", "show", "kalshi-prod"], scratch, sample_root)
    variable = "KALSHI_API_KEY"
    assert variable in unset
    set_ = assert_replayed(["env", "show", "kalshi-prod"], scratch, sample_root, **{variable: "x"})
    assert set_ != unset
    assert_replayed(["env", "list"], scratch, sample_root)
    assert_replayed(["schema", "list", "--json"], scratch, sample_root)


def test_broken_files_print_the_same_output(sample_root: Path, scratch: Path) -> None:
    root = sample_root
    (root / "exchanges/feeds/polymarket.yaml").write_text("name: polymarket\n  type: [\n")
    (root / "exchanges/environments/kalshi-dev.yaml").write_bytes(b"\xff\xfe\x00")
    assert "Used by: kalshi-prod\n" in assert_replayed(["feed", "show", "kalshi"], scratch, root)
    assert "polymarket" not in assert_replayed(["feed", "list"], scratch, cwd=root)
    refused = assert_replayed(["feed", "show", "polymarket"], scratch, cwd=root)
    assert refused.startswith("error: no feed named 'polymarket'")
    outside = scratch / "outside.yaml"
    outside.write_text((root / "exchanges/feeds/coinbase.yaml").read_text())
    link = root / "exchanges/feeds/linked.yaml"
    link.symlink_to(outside)  # out of the registry: refused, so not listed
    assert "linked" not in assert_replayed(["feed", "list"], scratch, cwd=root)
    link.unlink()
    link.symlink_to(root / "exchanges/feeds/coinbase.yaml")  # same bytes, inside: a new key
    assert_replayed(["feed", "list"], scratch, cwd=root)


def test_what_is_never_recorded(sample_root: Path, scratch: Path) -> None:
    cache = scratch / "cache"
    for args in (
        ["feed", "show", "kalshi", "--known-at", "2024-01-01"],
        ["validate"],
        ["schema", "show", "trade"],
        [],
    ):
        run(args, cache, scratch, cwd=sample_root)
    assert not (cache / "output").exists()
    complete = run_ssmd(
        env={
            "_SSMD_COMPLETE": "complete_bash",
            "COMP_WORDS": "ssmd feed sh",
            "COMP_CWORD": "2",
            "SSMD_CACHE_DIR": str(cache),
        }
    )
    assert complete.stdout.split() == ["show"]
    assert not (cache / "output").exists()


@pytest.mark.parametrize("where", ["beside", "git", "separate-git-dir"])
def test_a_waiting_journal_is_recovered_not_replayed(
    sample_root: Path, scratch: Path, where: str
) -> None:
    """A half-done write's journal: the real command must run (it recovers, or says why not).
    It is in the git directory (found through a `.git` file too), else beside exchanges/."""
    journal = sample_root / ".ssmd-journal.json"
    if where != "beside":
        git_dir = scratch.parent / "elsewhere.git" if where == "separate-git-dir" else None
        extra = [f"--separate-git-dir={git_dir}"] if git_dir else []
        subprocess.run(["git", "init", "-q", *extra, str(sample_root)], check=True)
        journal = (git_dir or sample_root / ".git") / "ssmd-journal.json"
    show = ["--root", str(sample_root), "feed", "show", "kalshi"]  # from an unchanging cwd
    assert_replayed(show, scratch)
    journal.write_text("{not json")
    real = run(show, None, scratch)
    cached = run(show, scratch / "cache", scratch)
    assert cached == real and real[2] != 0 and "journal" in real[1]


@pytest.mark.parametrize("garbage", [b"", b"ssmd-output-1\n\x00\x01", b"something else"])
def test_a_damaged_recording_is_run_again(sample_root: Path, scratch: Path, garbage: bytes) -> None:
    expected = assert_replayed(["feed", "list"], scratch, cwd=sample_root)
    for recording in (scratch / "cache/output").iterdir():  # one, or two after a re-recording
        recording.write_bytes(garbage)
    again = run(["feed", "list"], scratch / "cache", scratch, sample_root)
    assert again[0] == expected and again[3]


def test_version_needs_no_typer(tmp_path: Path) -> None:
    out, err, code, ran_typer = run(["--version"], tmp_path / "cache", tmp_path)
    typer_answer = "import sys\nsys.argv = ['ssmd', '--version']\nfrom ssmd.cli import main\nmain()"
    real = subprocess.run([sys.executable, "-c", typer_answer], capture_output=True, text=True)
    assert (out, err, code) == (real.stdout, real.stderr, real.returncode)
    assert out.startswith("ssmd ") and not ran_typer


def test_a_changed_module_makes_a_new_recording(scratch: Path) -> None:
    """The code is keyed: an edit to any ssmd module (here a help line) shows at once."""
    copy = scratch / "code"
    shutil.copytree(REPO / "ssmd", copy / "ssmd", ignore=shutil.ignore_patterns("__pycache__"))
    cache = scratch / "cache"
    first = run(["--help"], cache, scratch, PYTHONPATH=str(copy), COLUMNS="100")
    assert "Feeds: where market data comes from." in first[0] and first[3]
    lazy = copy / "ssmd/cli/lazy.py"
    lazy.write_text(lazy.read_text().replace("where market data comes from", "market data"))
    second = run(["--help"], cache, scratch, PYTHONPATH=str(copy), COLUMNS="100")
    assert "Feeds: market data." in second[0] and second[3]
