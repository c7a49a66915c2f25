"""Registries whose files carry comments, odd quoting, blank lines, CRLF and 4-space indents."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

DECORATED = Path(__file__).parent / "decorated"


@pytest.fixture
def decorated_root(sample_root: Path) -> Path:
    """The sample registry with every YAML file replaced by a hand-decorated equivalent."""
    shutil.copytree(DECORATED / "exchanges", sample_root / "exchanges", dirs_exist_ok=True)
    return sample_root
