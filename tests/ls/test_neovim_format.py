"""Real clients: headless Neovim 0.7 and 0.11 format a feed file through ssmd-ls."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ls.lsp_helpers import copy_sample
from tests.ls.test_neovim import neovims, run_neovim

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
    result = run_neovim(nvim, "format.lua", root, feed, tmp_path)
    assert result["ready"] and result["advertised"], result
    assert "\n".join(result["lines"]) + "\n" == CANONICAL
