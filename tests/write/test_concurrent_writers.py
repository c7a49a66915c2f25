"""Concurrent writers: every write that exited 0 is on disk; refused ones say why.

Real `ssmd feed add-version` processes, started at once, on one file and on
different files. Before the registry lock and compare-and-swap, ten writers on
one file all exited 0 and only 2 of the 10 versions were in the file.

All four run in CI (the 50-writer cases take ~15 s each on an idle machine, minutes on a
loaded one; docs/reliability.md has the figures).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import yaml

from tests.conftest import run_ssmd


def start(root: Path, feed: str, version: str, day: int) -> subprocess.Popen[str]:
    date = f"{2030 + day // 28:04d}-{1 + (day // 28) % 12:02d}-{1 + day % 28:02d}"
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ssmd",
            "--root",
            str(root),
            "feed",
            "add-version",
            feed,
            "--version",
            version,
            "--effective-from",
            date,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Enough for 50 writers queued behind each other on a loaded 2-core machine.
        env={**os.environ, "SSMD_LOCK_TIMEOUT": "600"},
    )


def finish(
    processes: list[tuple[str, str, subprocess.Popen[str]]],
) -> list[tuple[str, str, int, str]]:
    done = []
    for feed, version, process in processes:
        _out, err = process.communicate(timeout=900)
        done.append((feed, version, process.returncode, err))
    return done


def versions_in(root: Path, feed: str) -> list[str]:
    data = yaml.safe_load((root / f"exchanges/feeds/{feed}.yaml").read_text())
    return [v["version"] for v in data["versions"]]


def assert_nothing_lost(root: Path, done: list[tuple[str, str, int, str]]) -> None:
    for feed, version, code, err in done:
        assert "Traceback" not in err, err
        if code == 0:
            assert version in versions_in(root, feed), f"{feed} {version} exited 0 but is lost"
        else:
            said = [line for line in err.splitlines() if line.startswith("error:")]
            assert code == 1 and said, f"{feed} {version}: exit {code} without a sentence: {err}"
    validate = run_ssmd("validate", "--format", "json", root=root)
    assert validate.returncode == 0, validate.stdout + validate.stderr
    left = [p.name for p in (root / "exchanges").rglob("*") if p.name.startswith(".")]
    assert left == [], f"temp files left behind: {left}"
    assert not (root / ".ssmd.lock").exists(), "the registry lock was not released"
    assert not (root / ".ssmd-journal.json").exists()


def one_file(root: Path, writers: int) -> None:
    # Two writers ask for the same version id: exactly one of each pair may win.
    wanted = [f"v{10 + i}" for i in range(writers - 2)] + ["v10", "v11"]
    processes = [("kalshi", v, start(root, "kalshi", v, day)) for day, v in enumerate(wanted)]
    done = finish(processes)
    assert_nothing_lost(root, done)
    versions = versions_in(root, "kalshi")
    assert len(versions) == len(set(versions)), versions
    succeeded = sorted({v for _, v, code, _ in done if code == 0})
    assert len(succeeded) == writers - 2, [(v, c, e) for _, v, c, e in done if c]
    assert sorted(set(versions) - {"v1", "v2"}) == succeeded
    refused = [err for _, _, code, err in done if code != 0]
    assert len(refused) == 2
    assert all("already" in err or "SSMD101" in err for err in refused), refused


def different_files(root: Path, writers: int) -> None:
    template = (root / "exchanges/feeds/kalshi.yaml").read_text()
    names = [f"feed{i:02d}" for i in range(writers)]
    for name in names:
        text = template.replace("name: kalshi", f"name: {name}")
        (root / f"exchanges/feeds/{name}.yaml").write_text(text)
    processes = [(n, "v3", start(root, n, "v3", day)) for day, n in enumerate(names)]
    done = finish(processes)
    assert_nothing_lost(root, done)
    assert all(code == 0 for _, _, code, _ in done), [e for *_, c, e in done if c]
    for name in names:
        assert versions_in(root, name) == ["v1", "v2", "v3"]


def test_ten_writers_on_one_file_lose_nothing(sample_root: Path) -> None:
    one_file(sample_root, 10)


def test_ten_writers_on_different_files_lose_nothing(sample_root: Path) -> None:
    different_files(sample_root, 10)


def test_fifty_writers_on_one_file_lose_nothing(sample_root: Path) -> None:
    started = time.perf_counter()
    one_file(sample_root, 50)
    print(f"50 writers on one file: {time.perf_counter() - started:.1f} s")


def test_fifty_writers_on_different_files_lose_nothing(sample_root: Path) -> None:
    started = time.perf_counter()
    different_files(sample_root, 50)
    print(f"50 writers on different files: {time.perf_counter() - started:.1f} s")
