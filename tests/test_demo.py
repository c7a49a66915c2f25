"""The README's first command, `bash scripts/demo.sh`, end to end on the bundled sample.

It runs the real script (its setup step finds the environment the test command made and
has nothing to do), so every command the demo shows is executed here, and the checkout
is left exactly as it was: the review part writes only to a throwaway copy.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _status() -> str | None:
    if not (REPO / ".git").exists():
        return None
    return subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_the_demo_runs_every_step_and_leaves_the_checkout_unchanged() -> None:
    before = _status()
    env = {k: v for k, v in os.environ.items() if k not in {"SSMD_ROOT", "NO_COLOR"}}
    done = subprocess.run(
        ["bash", "scripts/demo.sh"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out = done.stdout
    steps = re.findall(r"^\$ ssmd (.+)$", out, flags=re.MULTILINE)
    script = (REPO / "scripts/demo.sh").read_text(encoding="utf-8")
    assert len(steps) == len(re.findall(r"^step ", script, flags=re.MULTILINE)) >= 12
    assert "\x1b[" not in out, "not a terminal: no escape codes"
    assert "Feed: kalshi (Kalshi Exchange)" in out
    # The calendar of the sample data (issue 18): a grid per environment, then its legend.
    assert "kalshi-dev (kalshi, America/New_York): 2025" in out
    assert "polymarket-dev (polymarket, UTC): 2025" in out
    assert out.count("Legend: # complete") == 2
    # The review on the throwaway copy: the new version is planned.
    assert "v3" in out.split("plan\n", 1)[1]
    assert _status() == before
