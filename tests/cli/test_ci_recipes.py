"""The CI recipes of docs/ci.md, run as written (the `pip install` line aside: this checkout's
`ssmd` stands in for the installed one)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

from ssmd import __version__
from tests.cli.test_any_layout import BROKEN, write_registry
from tests.cli.test_validate_cli import FEED
from tests.conftest import REPO

DOC = (REPO / "docs/ci.md").read_text()


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC, flags=re.S)


def repository(tmp_path: Path, broken: bool) -> Path:
    top = tmp_path / "project"
    top.mkdir()
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    write_registry(top / "infra" / "registry", BROKEN if broken else FEED.format(extra=""))
    return top


def run_script(
    lines: list[str], cwd: Path, tmp_path: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    shim = tmp_path / "bin"
    shim.mkdir(exist_ok=True)
    (shim / "ssmd").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m ssmd "$@"\n')
    (shim / "ssmd").chmod(0o755)
    script = "\n".join(line for line in lines if not line.startswith(("pip ", "pipx ")))
    return subprocess.run(
        ["bash", "-eo", "pipefail", "-c", script],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "PATH": f"{shim}{os.pathsep}{os.environ['PATH']}",
            "SSMD_ROOT": "",
            **(env or {}),
        },
        timeout=300,
        check=False,
    )


def test_gitlab_job_writes_a_code_quality_report_and_fails_on_errors(tmp_path: Path) -> None:
    (job_text,) = [b for b in blocks("yaml") if "codequality" in b]
    job = yaml.safe_load(job_text)["ssmd"]
    report = job["artifacts"]["reports"]["codequality"]
    assert job["artifacts"]["when"] == "always"
    top = repository(tmp_path, broken=True)
    result = run_script(job["script"], top, tmp_path)
    assert result.returncode == 1, result.stderr
    assert "infra/registry/exchanges/feeds/kalshi.yaml:3:1: error SSMD003" in result.stdout
    (issue,) = json.loads((top / report).read_text())
    assert issue["location"]["path"] == "infra/registry/exchanges/feeds/kalshi.yaml"
    assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}


def test_plain_shell_recipe(tmp_path: Path) -> None:
    (shell,) = [b for b in blocks("sh") if b.startswith("pip install ssmd-metadata\n")]
    top = repository(tmp_path, broken=False)
    result = run_script(shell.splitlines(), top, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All validations passed." in result.stdout


def test_github_workflow_uses_the_action_and_its_outputs() -> None:
    (workflow_text,) = [b for b in blocks("yaml") if "upload-sarif" in b]
    steps = yaml.safe_load(workflow_text)["jobs"]["validate"]["steps"]
    ssmd_step = next(s for s in steps if s.get("id") == "ssmd")
    assert ssmd_step["uses"] == f"ssmd/ssmd-metadata@v{__version__}"
    action = yaml.safe_load((REPO / "action.yml").read_text())
    assert set(ssmd_step["with"]) <= set(action["inputs"])
    upload = steps[-1]
    assert upload["with"]["sarif_file"] == "${{ steps.ssmd.outputs.sarif-file }}"
    assert "sarif-file" in action["outputs"]
    hooks = [b for b in blocks("yaml") if "ssmd-validate" in b and "repos:" in b]
    assert yaml.safe_load(hooks[0])["repos"][0]["rev"] == f"v{__version__}"
