"""boto3 costs ~0.3 s to import: only opening an S3 store may load it."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO

PROBE = """
import sys
from pathlib import Path
from ssmd.data.inventory import build_inventory
from ssmd.data.day_report import quality_report
from ssmd.data.selection import select_environment
from ssmd.data.stores import open_storage
from ssmd.workspace import Workspace
root = Path(sys.argv[1])
workspace = Workspace.load(root)
selection = select_environment(workspace, "kalshi", "kalshi-dev", None)
backend = open_storage(selection.environment, root, selection.path)
import datetime as dt
report = build_inventory(backend, selection.feed, "kalshi-dev", dt.date(2025, 12, 1),
                         dt.date(2025, 12, 28))
assert report.summary.counts, report
print(sorted({m.split(".")[0] for m in sys.modules} & {"boto3", "botocore"}))
"""


def test_a_local_inventory_never_loads_boto3() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(REPO)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
