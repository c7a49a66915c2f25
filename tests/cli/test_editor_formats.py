"""Editors read `ssmd validate` text as compiler output: the documented vim `errorformat` and the
VS Code `$ssmd` problem matcher both turn each finding line into a located, typed problem."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.cli.test_any_layout import BROKEN, write_registry
from tests.conftest import REPO, run_ssmd

VIM_ERRORFORMAT = r"%f:%l:%c:\ %trror\ %m,%f:%l:%c:\ %tarning\ %m,%-G%.%#"
"""The value docs/ci.md documents (`:set errorformat=...`)."""


@pytest.fixture
def report(tmp_path: Path) -> tuple[Path, str]:
    write_registry(
        tmp_path / "reg", BROKEN.replace("name: kalshi\n", "name: kalshi\nstatus: deprecated\n")
    )
    result = run_ssmd("validate", cwd=tmp_path)
    assert result.returncode == 1
    return tmp_path, result.stdout


def test_vscode_problem_matcher_reads_every_finding(report: tuple[Path, str]) -> None:
    _, stdout = report
    package = json.loads((REPO / "editors/vscode/package.json").read_text())
    (matcher,) = package["contributes"]["problemMatchers"]
    assert matcher["name"] == "ssmd"  # used as "$ssmd" in tasks.json
    pattern = matcher["pattern"]
    regexp = re.compile(pattern["regexp"])  # the JS pattern uses no JS-only syntax
    problems = [m for line in stdout.splitlines() if (m := regexp.match(line))]
    assert [
        (m[pattern["file"]], m[pattern["line"]], m[pattern["severity"]], m[pattern["code"]])
        for m in problems
    ] == [
        ("reg/exchanges/feeds/kalshi.yaml", "4", "error", "SSMD003"),
        ("reg/exchanges/environments/dev.yaml", "2", "warning", "SSMD307"),
    ]
    assert problems[0][pattern["message"]].startswith("unknown key 'owner'")


@pytest.mark.skipif(shutil.which("vim") is None, reason="vim is not installed")
def test_vim_errorformat_reads_every_finding(report: tuple[Path, str]) -> None:
    folder, stdout = report
    (folder / "out.txt").write_text(stdout)
    script = [
        f"set errorformat={VIM_ERRORFORMAT}",
        "cgetfile out.txt",
        "call writefile([json_encode(map(getqflist(), "
        "{_, v -> [bufname(v.bufnr), v.lnum, v.col, v.type, v.text]}))], 'qf.json')",
        "qa!",
    ]
    args = [a for line in script for a in ("-c", line)]
    subprocess.run(
        ["vim", "-Es", "-u", "NONE", "-i", "NONE", *args], cwd=folder, timeout=60, check=False
    )
    items = json.loads((folder / "qf.json").read_text())
    assert [item[:4] for item in items] == [
        ["reg/exchanges/feeds/kalshi.yaml", 4, 1, "e"],
        ["reg/exchanges/environments/dev.yaml", 2, 7, "w"],
    ]
    assert items[0][4].startswith("SSMD003 unknown key 'owner'")


def test_docs_show_the_tested_errorformat() -> None:
    assert VIM_ERRORFORMAT in (REPO / "docs/ci.md").read_text()
