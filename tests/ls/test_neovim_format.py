"""Real clients: headless Neovim 0.7 and 0.11 format a feed file through ssmd-ls."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ls.lsp_helpers import REPO, copy_sample
from tests.ls.test_neovim import neovims

FORMAT = Path(__file__).with_name("nvim") / "format.lua"
MESSY = """\
type: websocket
name: 'kalshi'   # the venue
versions:
    - effective_from: 2025-01-01
      version: v2
      protocol: wss
      endpoint: wss://b.example.com/ws
    - version: v1
      effective_from: 2024-06-01
      protocol: wss
      endpoint: wss://a.example.com/ws
"""
CANONICAL = """\
name: kalshi   # the venue
type: websocket
versions:
  - version: v1
    effective_from: 2024-06-01
    protocol: wss
    endpoint: wss://a.example.com/ws
  - version: v2
    effective_from: 2025-01-01
    protocol: wss
    endpoint: wss://b.example.com/ws
"""


@pytest.mark.parametrize("nvim", neovims())
def test_neovim_formats_through_the_server(nvim: Path, tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "registry")
    feed = root / "exchanges/feeds/kalshi.yaml"
    feed.write_text(MESSY)
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
    subprocess.run(
        [str(nvim), "--headless", "--clean", "-u", str(FORMAT), str(feed)],
        cwd=root,
        env=environment,
        timeout=120,
        check=False,
        stdin=subprocess.DEVNULL,
        capture_output=True,
    )
    result = json.loads(out.read_text())
    assert "error" not in result, result
    assert result["ready"] and result["advertised"], result
    assert "\n".join(result["lines"]) + "\n" == CANONICAL
