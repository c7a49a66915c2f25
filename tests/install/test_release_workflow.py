"""The release workflow (.github/workflows/release.yml): on a `v*` tag it builds the wheel, the
sdist and the VS Code `.vsix`, refuses a tag that is not the package's version, and publishes
only the Python distributions to PyPI. Its shell steps run here as GitHub would run them;
the build itself is tests/install/test_package.py, the `.vsix` tests/editors/test_vscode_e2e.py."""

from __future__ import annotations

import json
import os
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import REPO

WORKFLOW = yaml.safe_load((REPO / ".github/workflows/release.yml").read_text())
VERSION = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]


def step(job: str, name: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [
        s for s in WORKFLOW["jobs"][job]["steps"] if s.get("name") == name
    ]
    assert len(found) == 1, name
    return found[0]


def run_step(found: dict[str, Any], cwd: Path, tag: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-eo", "pipefail", "-c", found["run"]],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "GITHUB_REF_NAME": tag},
        timeout=120,
        check=False,
    )


def test_release_runs_on_version_tags_and_builds_all_three_artifacts() -> None:
    on = WORKFLOW[True] if True in WORKFLOW else WORKFLOW["on"]  # YAML 1.1 reads `on` as true
    assert on == {"push": {"tags": ["v*"]}}
    wheel_and_sdist = step("build", "Wheel and sdist")["run"]
    assert "python -m build --outdir dist ." in wheel_and_sdist
    assert "twine check --strict dist/*" in wheel_and_sdist
    vsix = step("build", "VS Code extension")
    assert vsix["working-directory"] == "editors/vscode"
    package = json.loads((REPO / "editors/vscode/package.json").read_text())["scripts"]["package"]
    assert "npm run package" in vsix["run"] and package.endswith("--out ssmd.vsix")
    assert 'mv ssmd.vsix "../../dist/ssmd-${GITHUB_REF_NAME}.vsix"' in vsix["run"]
    pypi = WORKFLOW["jobs"]["pypi"]["steps"]
    assert any("rm -f dist/*.vsix" in s.get("run", "") for s in pypi)
    assert pypi[-1]["uses"].startswith("pypa/gh-action-pypi-publish@")


def test_a_tag_that_is_not_the_package_version_is_refused() -> None:
    check = step("build", "The tag names the package version")
    assert run_step(check, REPO, f"v{VERSION}").returncode == 0
    wrong = run_step(check, REPO, "v9.9.9")
    assert wrong.returncode == 1
    assert f"tag v9.9.9 but pyproject.toml says {VERSION}" in wrong.stdout
