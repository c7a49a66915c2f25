"""The bundled sample data: reproducible from its script, and the README demo works on it."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, run_ssmd

SAMPLE_DATA = REPO / "sample-data"


def test_the_script_reproduces_the_committed_sample(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "make_sample_data.py"), str(tmp_path)],
        check=True,
        capture_output=True,
    )
    made = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    committed = {
        p.relative_to(SAMPLE_DATA): p.read_bytes() for p in SAMPLE_DATA.rglob("*") if p.is_file()
    }
    assert made == committed
    assert sum(len(content) for content in made.values()) < 100_000  # manifests only


def test_demo_inventory_on_the_sample() -> None:
    result = run_ssmd(
        "data", "inventory", "--feed", "kalshi", "--from", "2025-12-01", "--to", "2025-12-28",
        "--env", "kalshi-dev", root=REPO,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert (
        "Summary: 28 days: 14 complete, 1 partial, 1 missing, 1 processing, 1 failed, "
        "1 invalid, 9 closed"
    ) in lines
    assert any(line.startswith("2025-12-25") and "holiday: Christmas Day" in line for line in lines)
    assert any(line.startswith("2025-12-16") and "not valid JSON" in line for line in lines)


def test_polymarket_is_chosen_without_env_and_shows_weekend_data() -> None:
    result = run_ssmd(
        "data", "inventory", "--feed", "polymarket", "--from", "2025-12-01", "--to", "2025-12-14",
        root=REPO,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Environment: polymarket-dev" in result.stdout
    saturday = next(line for line in result.stdout.splitlines() if line.startswith("2025-12-06"))
    assert "complete" in saturday and "calendar: weekend" in saturday


def run_on_terminal(*args: str) -> str:
    """Run the CLI with a pseudo-terminal as stdout and stderr, as a person would see it."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "ssmd", "--root", str(REPO), *args],
        stdin=subprocess.DEVNULL,
        stdout=terminal,
        stderr=terminal,
        env={**os.environ, "COLUMNS": "120", "TERM": "xterm"},
    )
    os.close(terminal)
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(controller)
    assert process.wait(timeout=120) == 0
    return b"".join(chunks).decode("utf-8", "replace")


def test_progress_bar_only_on_a_terminal_and_a_long_range() -> None:
    long_range = ("data", "inventory", "--feed", "polymarket", "--from", "2025-09-01",
                  "--to", "2025-12-14")  # fmt: skip
    assert "reading manifests" in run_on_terminal(*long_range)
    short_range = ("data", "inventory", "--feed", "polymarket", "--from", "2025-12-01",
                   "--to", "2025-12-14")  # fmt: skip
    assert "reading manifests" not in run_on_terminal(*short_range)
    piped = run_ssmd(*long_range, root=REPO)
    assert piped.returncode == 0 and piped.stderr == ""
