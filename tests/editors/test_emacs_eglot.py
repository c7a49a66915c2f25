"""Emacs eglot with the documented snippet (editors/emacs/ssmd-eglot.el), headless.

Why: eglot users have no extension; the snippet in docs/editors.md is all they get,
so it runs here in real Emacs (Debian's emacs-nox + elpa-eglot, scripts/setup.d/10-apt.sh)
against the real server, on a registry with one planted error.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SNIPPET = REPO / "editors" / "emacs" / "ssmd-eglot.el"
PROBE = Path(__file__).with_name("eglot_probe.el")
VENV_BIN = Path(sys.executable).parent
EMACS = shutil.which("emacs")


@pytest.mark.skipif(EMACS is None, reason="no emacs: scripts/setup.d/10-apt.sh installs it")
def test_eglot_shows_the_planted_error(sample_root: Path, tmp_path: Path) -> None:
    assert EMACS is not None
    planted = sample_root / "exchanges/environments/kalshi-prod.yaml"
    text = planted.read_text().replace("feed: kalshi", "feed: kalshii")
    planted.write_text(text)
    feed_line = 1 + next(i for i, line in enumerate(text.splitlines()) if line.startswith("feed:"))
    out = tmp_path / "eglot.json"
    done = subprocess.run(
        [EMACS, "--batch", "-l", str(PROBE), str(planted)],
        cwd=planted.parent,
        env={
            **os.environ,
            "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}",  # `ssmd-ls` of this venv
            "HOME": str(tmp_path),  # no user init, no ~/.emacs.d state
            "SSMD_EGLOT_SNIPPET": str(SNIPPET),
            "SSMD_PROBE_OUT": str(out),
        },
        capture_output=True,
        text=True,
        timeout=150,
        check=False,
    )
    assert out.exists(), f"emacs wrote no result:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    seen = json.loads(out.read_text())
    assert seen["server"], seen
    flagged = [d for d in seen["diagnostics"] if "kalshii" in d["text"]]
    assert flagged, seen["diagnostics"]
    assert flagged[0]["line"] == feed_line and "error" in flagged[0]["type"]
    assert len(seen["diagnostics"]) == 1, seen["diagnostics"]  # the one planted error only
