"""The package as published: sdist and wheel built by `python -m build`, checked by `twine`,
installed into a fresh venv outside this checkout, and used from there.

It runs in CI (~40 s on an idle machine: the build, then the dependencies from the index).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

from tests.conftest import REPO
from tests.install.installed import check_installed, clean_env
from tests.install.test_precommit import PACKAGE_FILES


def run(*command: str, cwd: Path | None = None) -> str:
    done = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, env=clean_env(), timeout=900, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_build_check_install_and_use(tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    for name in PACKAGE_FILES:
        if (REPO / name).is_dir():
            shutil.copytree(
                REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy2(REPO / name, source / name)
    dist = tmp_path / "dist"
    run(sys.executable, "-m", "build", "--outdir", str(dist), str(source))
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
