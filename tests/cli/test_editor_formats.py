"""Editors read `ssmd validate` text as compiler output: the documented vim `errorformat`, Emacs's
`M-x compile` and the VS Code `$ssmd` problem matcher all turn each finding line into a located,
typed problem."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.test_any_layout import BROKEN, write_registry
from tests.conftest import REPO, run_ssmd

VIM_ERRORFORMAT = r"%f:%l:%c:\ %trror\ %m,%f:%l:%c:\ %tarning\ %m,%f:%l:%c:\ %tnfo\ %m,%-G%.%#"
"""The value docs/ci.md documents (`:set errorformat=...`)."""
VIM_MAKEPRG = r"ssmd\ validate"
"""And its `:set makeprg=...`."""


@pytest.fixture
def report(tmp_path: Path) -> tuple[Path, str]:
    write_registry(
        tmp_path / "reg", BROKEN.replace("name: kalshi\n", "name: kalshi\nstatus: deprecated\n")
    )
    # A third finding made `info` by the team's configuration: shown, never failing.
    (tmp_path / "reg/ssmd.yaml").write_text("rules:\n  SSMD104: info\n")
    feed = tmp_path / "reg/exchanges/feeds/kalshi.yaml"
    feed.write_text(feed.read_text() + "calendar:\n  timezone: Mars/Olympus\n")
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
        ("reg/exchanges/feeds/kalshi.yaml", "11", "info", "SSMD104"),
        ("reg/exchanges/environments/dev.yaml", "2", "warning", "SSMD307"),
    ]
    assert problems[0][pattern["message"]].startswith("unknown key 'owner'")
    severities = {"error", "warning", "info"}  # what VS Code's matcher accepts as severity
    assert {m[pattern["severity"]] for m in problems} <= severities


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_vscode_problem_matcher_in_javascript_matches_as_in_python(
    report: tuple[Path, str],
) -> None:
    """VS Code runs the pattern as a JavaScript RegExp, line by line: the same lines match,
    with the same groups."""
    _, stdout = report
    package = json.loads((REPO / "editors/vscode/package.json").read_text())
    regexp = package["contributes"]["problemMatchers"][0]["pattern"]["regexp"]
    lines = stdout.splitlines()
    script = (
        "const [re, lines] = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "const r = new RegExp(re);"
        "console.log(JSON.stringify(lines.map(l => { const m = r.exec(l); "
        "return m ? Array.from(m) : null; })));"
    )
    done = subprocess.run(
        ["node", "-e", script],
        input=json.dumps([regexp, lines]),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    in_python = [list(m.group(0, *range(1, 7))) if (m := re.match(regexp, line)) else None
                 for line in lines]  # fmt: skip
    assert json.loads(done.stdout) == in_python
    assert sum(m is not None for m in in_python) == 3


@pytest.mark.skipif(shutil.which("vim") is None, reason="vim is not installed")
@pytest.mark.parametrize("how", ["cgetfile", "make"])
def test_vim_errorformat_reads_every_finding(
    report: tuple[Path, str], tmp_path: Path, how: str
) -> None:
    """`:cgetfile` on saved output, and `:make` running the documented `makeprg` itself."""
    folder, stdout = report
    (folder / "out.txt").write_text(stdout)
    script = [
        f"set errorformat={VIM_ERRORFORMAT}",
        f"set makeprg={VIM_MAKEPRG}",
        "cgetfile out.txt" if how == "cgetfile" else "silent make!",
        "call writefile([json_encode(map(getqflist(), "
        "{_, v -> [bufname(v.bufnr), v.lnum, v.col, v.type, v.text]}))], 'qf.json')",
        "qa!",
    ]
    args = [a for line in script for a in ("-c", line)]
    subprocess.run(
        ["vim", "-Es", "-u", "NONE", "-i", "NONE", *args],
        cwd=folder,
        timeout=60,
        check=False,
        env=_ssmd_on_path(tmp_path),
    )
    items = json.loads((folder / "qf.json").read_text())
    assert [item[:4] for item in items] == [
        ["reg/exchanges/feeds/kalshi.yaml", 4, 1, "e"],
        ["reg/exchanges/feeds/kalshi.yaml", 11, 13, "i"],
        ["reg/exchanges/environments/dev.yaml", 2, 7, "w"],
    ]
    assert items[0][4].startswith("SSMD003 unknown key 'owner'")


def _ssmd_on_path(tmp_path: Path) -> dict[str, str]:
    """The environment of an editor whose PATH finds this checkout's `ssmd` first."""
    shim = tmp_path / "bin"
    shim.mkdir(exist_ok=True)
    (shim / "ssmd").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m ssmd "$@"\n')
    (shim / "ssmd").chmod(0o755)
    return {**os.environ, "PATH": f"{shim}{os.pathsep}{os.environ['PATH']}", "SSMD_ROOT": ""}


@pytest.mark.skipif(shutil.which("emacs") is None, reason="no emacs: scripts/setup.d installs it")
def test_emacs_compile_reads_every_finding(report: tuple[Path, str], tmp_path: Path) -> None:
    """`M-x compile RET ssmd validate RET` in real Emacs with no configuration (-Q): the stock
    `gnu` entry locates each finding and types it by its severity word."""
    folder, _ = report
    env = {**_ssmd_on_path(tmp_path), "HOME": str(tmp_path)}  # no user init, no ~/.emacs.d
    probe = REPO / "tests/editors/compile_probe.el"
    done = subprocess.run(
        ["emacs", "--batch", "-Q", "-l", str(probe), "located.txt"],
        cwd=folder,
        env=env,
        timeout=120,
        capture_output=True,
        text=True,
        check=False,
    )
    located = folder / "located.txt"
    assert located.exists(), f"emacs wrote nothing:\n{done.stderr[-3000:]}"
    error, warning, info = 2, 1, 0  # compilation-mode's message types
    assert located.read_text().splitlines() == [
        f"reg/exchanges/feeds/kalshi.yaml|4|1|{error}",
        f"reg/exchanges/feeds/kalshi.yaml|11|13|{info}",
        f"reg/exchanges/environments/dev.yaml|2|7|{warning}",
    ]


def test_docs_show_the_tested_errorformat() -> None:
    doc = (REPO / "docs/ci.md").read_text()
    assert f"set errorformat={VIM_ERRORFORMAT}\n" in doc
    assert f"set makeprg={VIM_MAKEPRG}\n" in doc
