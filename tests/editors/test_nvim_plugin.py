"""Neovim as plugin managers install it: the repository on the runtimepath, nothing copied.

Why: lazy.nvim, packer and vim-plug put the repository's root on the runtimepath and
source its plugin/ files; a 0.11 user then writes only `vim.lsp.enable('ssmd')` (the
config is lsp/ssmd.lua), a 0.7-0.10 user `require('ssmd').setup()`. Each Neovim on the
machine runs that headless against the real server, in a plain registry and in a
monorepo with two registries (whose feeds must not leak into each other).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.editors.test_nvim_snippets import NVIMS, REPO, run_probe

ENABLE = {"0.11": "vim.lsp.enable('ssmd')", "0.7": "require('ssmd').setup()"}


def _cases() -> list[object]:
    return [
        pytest.param(binary, version, id=f"nvim{version}")
        for version, binary in sorted(NVIMS.items())
        if version in ENABLE
    ]


def probe(nvim: str, version: str, target: Path, tmp_path: Path, cwd: Path) -> dict[str, Any]:
    """Open `target` in headless Neovim with the repository on the runtimepath."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    init = tmp_path / "init.lua"
    init.write_text(f"vim.opt.rtp:prepend({json.dumps(str(REPO))})\n{ENABLE[version]}\n")
    lines = target.read_text().splitlines()
    feed_line = next(i for i, line in enumerate(lines) if line.startswith("feed:"))
    seen = run_probe(nvim, init, target, feed_line, tmp_path, cwd)
    assert not seen["errors"], seen["errors"]
    return seen


@pytest.mark.parametrize(("nvim", "version"), _cases())
def test_repository_on_the_runtimepath_is_all_it_takes(
    nvim: str, version: str, sample_root: Path, tmp_path: Path
) -> None:
    planted = sample_root / "exchanges/environments/kalshi-prod.yaml"
    planted.write_text(planted.read_text().replace("feed: kalshi", "feed: kalshii"))
    seen = probe(nvim, version, planted, tmp_path / "nvim", sample_root)
    found = [d for d in seen["diagnostics"] if d["code"] == "SSMD301"]
    assert found and "kalshii" in found[0]["message"], seen["diagnostics"]
    assert "kalshii" in str(seen.get("hover")), seen.get("hover")


@pytest.mark.parametrize(("nvim", "version"), _cases())
def test_monorepo_registries_stay_apart(nvim: str, version: str, tmp_path: Path) -> None:
    a, b = tmp_path / "mono/infra/registry", tmp_path / "mono/teams/b"
    for registry in (a, b):
        shutil.copytree(REPO / "exchanges", registry / "exchanges")
    (b / "exchanges/feeds/kalshi.yaml").unlink()  # only A has kalshi
    target = b / "exchanges/environments/kalshi-prod.yaml"
    seen = probe(nvim, version, target, tmp_path / "nvim", tmp_path / "mono")
    codes = {d["code"] for d in seen["diagnostics"]}
    assert "SSMD301" in codes, seen["diagnostics"]  # A's kalshi does not satisfy B
    completion = seen["completion"]
    assert "coinbase" in completion and "kalshi" not in completion, completion
