"""The write journal: replayed forward when it can be, rolled back when it cannot, never ignored."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from ssmd.write.atomic import _stage
from ssmd.write.journal import Entry, journal_path, recover, write_journal
from tests.conftest import REPO, run_ssmd

YAML = "exchanges/schemas/trade.yaml"
CAPNP = "exchanges/schemas/trade.capnp"


def interrupted_write(root: Path, renamed: int) -> dict[str, bytes]:
    """What a writer killed after `renamed` of its two renames leaves; returns the new bytes."""
    new = {
        YAML: (root / YAML).read_bytes() + b"# new\n",
        CAPNP: (root / CAPNP).read_bytes() + b"# new\n",
    }
    entries = []
    for path, content in new.items():
        target = root / path
        temp = _stage(target, content)
        entries.append(
            Entry(target, temp, hashlib.sha256(content).hexdigest(), target.read_bytes())
        )
    write_journal(root, entries)
    for entry in entries[:renamed]:
        os.replace(entry.temp, entry.target)
    return new


def test_a_journal_with_intact_temp_files_is_rolled_forward(sample_root: Path) -> None:
    new = interrupted_write(sample_root, renamed=1)
    told = recover(sample_root)
    assert told is not None and "completed an interrupted write" in told
    assert {p: (sample_root / p).read_bytes() for p in new} == new
    assert not journal_path(sample_root).exists()
    assert [p.name for p in (sample_root / "exchanges/schemas").iterdir() if p.name[0] == "."] == []


def test_a_journal_whose_temp_file_is_gone_is_rolled_back(sample_root: Path) -> None:
    old = {p: (sample_root / p).read_bytes() for p in (YAML, CAPNP)}
    interrupted_write(sample_root, renamed=1)
    for temp in (sample_root / "exchanges/schemas").glob(".*ssmd-tmp"):
        temp.unlink()  # the second file's staged content is lost
    told = recover(sample_root)
    assert told is not None and "rolled back" in told
    assert {p: (sample_root / p).read_bytes() for p in old} == old
    assert not journal_path(sample_root).exists()


def test_the_next_command_replays_the_journal_and_says_so(sample_root: Path) -> None:
    new = interrupted_write(sample_root, renamed=0)
    result = run_ssmd("feed", "list", root=sample_root)
    assert result.returncode == 0, result.stderr
    assert "note: completed an interrupted write of exchanges/schemas/trade.yaml" in result.stderr
    assert {p: (sample_root / p).read_bytes() for p in new} == new


def test_an_unreadable_journal_stops_commands_with_a_sentence(sample_root: Path) -> None:
    journal_path(sample_root).write_text("{not json")
    result = run_ssmd("feed", "list", root=sample_root)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "write journal" in result.stderr and "remove it" in result.stderr


@pytest.mark.parametrize(
    ("args", "cwd"),
    [
        (("--root", "mono/team", "feed", "list"), "."),  # --root
        (("validate", "mono/team/exchanges/feeds"), "."),  # a PATH inside the registry
        (("validate",), "mono"),  # no registry above the cwd: every one below it
        (("env", "resolve", "kalshi-dev", "--format", "json"), "mono/team/exchanges"),  # upwards
    ],
)
def test_every_way_a_command_finds_its_registry_replays_the_journal(
    tmp_path: Path, args: tuple[str, ...], cwd: str
) -> None:
    """The CLI's root lookups (State.root and State.roots: --root, PATH arguments, the
    registry above the cwd, those below it) all run journal recovery before reading."""
    root = tmp_path / "mono" / "team"
    shutil.copytree(REPO / "exchanges", root / "exchanges")
    new = interrupted_write(root, renamed=1)
    result = run_ssmd(*args, cwd=tmp_path / cwd)
    assert "note: completed an interrupted write" in result.stderr, result.stderr
    assert {p: (root / p).read_bytes() for p in new} == new
    assert not journal_path(root).exists()
