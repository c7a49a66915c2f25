"""The package as published: sdist and wheel built by `python -m build`, checked by `twine`,
installed outside this checkout (into a fresh venv, and with the real pipx as the README's user
path says), and used from there.

It runs in CI (~40 s on an idle machine for the build and the venv, ~30 s more for pipx: the
dependencies come from the index).
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.install.installed import check_installed, clean_env
from tests.install.test_precommit import PACKAGE_FILES


def run(*command: str, cwd: Path | None = None) -> str:
    done = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, env=clean_env(), timeout=900, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist and the wheel, built once from a copy of the package's files."""
    tmp_path = tmp_path_factory.mktemp("build")
    source = tmp_path / "source"
    source.mkdir()
    for name in PACKAGE_FILES:
        if (REPO / name).is_dir():
            shutil.copytree(
                REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy2(REPO / name, source / name)
    built = tmp_path / "dist"
    run(sys.executable, "-m", "build", "--outdir", str(built), str(source))
    return built


def test_build_check_install_and_use(dist: Path, tmp_path: Path) -> None:
    (wheel,) = dist.glob("*.whl")
    (sdist,) = dist.glob("*.tar.gz")
    assert "PASSED" in run(
        sys.executable, "-m", "twine", "check", "--strict", str(wheel), str(sdist)
    )

    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = Parser().parsestr(archive.read(metadata_name).decode())
    assert {"ssmd/py.typed", "ssmd_ls/py.typed"} <= set(names)
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert metadata["Name"] == "ssmd-metadata"
    assert metadata["License-Expression"] == "Apache-2.0"
    assert metadata["Requires-Python"] == ">=3.11"
    assert "Typing :: Typed" in metadata.get_all("Classifier")
    assert any(u.startswith("Repository, https://") for u in metadata.get_all("Project-URL"))
    requires = metadata.get_all("Requires-Dist")
    boto = [r for r in requires if r.startswith("boto3")]
    assert 'boto3<2,>=1.35; extra == "s3"' in boto
    assert all("extra ==" in r for r in boto)  # only with [s3] (and the test extra)
    with tarfile.open(sdist) as archive:
        assert any(n.endswith("/LICENSE") for n in archive.getnames())

    venv = tmp_path / "user-venv"
    run(sys.executable, "-m", "venv", str(venv))
    run(str(venv / "bin/python"), "-m", "pip", "install", "--quiet", str(wheel))
    assert "boto3" not in run(str(venv / "bin/python"), "-m", "pip", "list")
    work = tmp_path / "elsewhere"
    work.mkdir()
    check_installed(venv / "bin", work)


def test_pipx_install_as_the_readme_says(dist: Path, tmp_path: Path) -> None:
    """`pipx install ssmd-metadata` (the wheel standing in for the index's copy), then the
    README's `ssmd init my-registry --all && cd my-registry && ssmd validate` from pipx's bin."""
    readme = (REPO / "README.md").read_text()
    assert "pipx install ssmd-metadata" in readme
    assert "ssmd init my-registry --all" in readme
    (wheel,) = dist.glob("*.whl")
    tools = tmp_path / "tools"
    run(sys.executable, "-m", "venv", str(tools))
    run(str(tools / "bin/python"), "-m", "pip", "install", "--quiet", "pipx")
    homes = {
        "PIPX_HOME": str(tmp_path / "pipx-home"),
        "PIPX_BIN_DIR": str(tmp_path / "bin"),
        "PIPX_MAN_DIR": str(tmp_path / "man"),
    }
    env = clean_env(**homes)
    done = subprocess.run(
        [str(tools / "bin/pipx"), "install", str(wheel)],
        capture_output=True, text=True, env=env, timeout=900, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "- ssmd-ls" in done.stdout  # pipx lists the apps it put on PATH
    bin_dir = tmp_path / "bin"
    assert {"ssmd", "ssmd-ls"} <= {p.name for p in bin_dir.iterdir()}
    work = tmp_path / "elsewhere"
    work.mkdir()
    user = clean_env(PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    for command in ("ssmd init my-registry --all", "cd my-registry && ssmd validate"):
        shown = subprocess.run(
            ["bash", "-c", f"cd {shlex.quote(str(work))} && {command}"],
            capture_output=True, text=True, env=user, timeout=120, check=False,
        )  # fmt: skip
        assert shown.returncode == 0, shown.stdout + shown.stderr
    assert "All validations passed." in shown.stdout
    version = subprocess.run(
        [str(bin_dir / "ssmd-ls"), "--version"], capture_output=True, text=True, env=user
    )
    assert version.returncode == 0 and version.stdout.startswith("ssmd-ls "), version.stderr
    # The rest of a user's session, from pipx's own venv of ssmd (its python, ssmd, ssmd-ls).
    check_installed(Path(homes["PIPX_HOME"]) / "venvs/ssmd-metadata/bin", work)
