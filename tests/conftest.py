"""Shared fixtures: registries in temp folders, the CLI as a real subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "exchanges"

# Child processes (the CLI, the capnp compiler, the language server) import this
# checkout's packages, whichever folder they start in.
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p
)
# Tests never read or write the user's compile cache.
os.environ.setdefault("SSMD_CACHE_DIR", "off")
# Hypothesis creates ./.hypothesis on first use. In a fresh clone that is the checkout, which
# is on every child's sys.path, so a worker creating it mid-run changes the folder's
# modification time, a part of the key of ssmd's recorded output (ssmd.output_cache): a
# recording made just before would not be replayed (seen once in a fresh-clone CI run).
# Made here, at collection, before any test runs.
Path(".hypothesis").mkdir(exist_ok=True)


@pytest.fixture
def sample_root(tmp_path: Path) -> Path:
    """A copy of the bundled sample registry (the files may be changed freely)."""
    shutil.copytree(SAMPLE, tmp_path / "exchanges")
    return tmp_path


WriteFiles = Callable[[Mapping[str, str | bytes]], Path]


@pytest.fixture
def write_files(tmp_path: Path) -> WriteFiles:
    """Write root-relative files (text or bytes) under a fresh root and return the root."""

    def write(files: Mapping[str, str | bytes]) -> Path:
        (tmp_path / "exchanges").mkdir(exist_ok=True)
        for relative, content in files.items():
            target = tmp_path / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content)
        return tmp_path

    return write


def run_ssmd(
    *args: str,
    root: Path | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the real CLI in a child process (exit codes and streams as a user sees them).

    `cwd` is the working directory (root discovery walks up from it).
    """
    command = [sys.executable, "-m", "ssmd"]
    if root is not None:
        command += ["--root", str(root)]
    return subprocess.run(
        [*command, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        timeout=120,
        check=False,
    )
