"""boto3 is the `[s3]` extra: without it, an S3 data command says how to get it, in one line."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO

WITHOUT_BOTO3 = """
import sys
sys.modules["boto3"] = None  # what an install without the [s3] extra looks like to `import`
sys.argv = ["ssmd", "--root", sys.argv[1], "data", "inventory", "--feed", "kalshi",
            "--env", sys.argv[2], "--from", "2025-12-01", "--to", "2025-12-02"]
from ssmd.cli import main
main()
"""


def inventory_without_boto3(environment: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_BOTO3, str(REPO), environment],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_an_s3_command_without_boto3_is_one_sentence() -> None:
    done = inventory_without_boto3("kalshi-prod")
    assert done.returncode == 1, done.stderr
    assert done.stderr == (
        "error: environment kalshi-prod stores its data in S3, which needs boto3; "
        "install it with `pip install 'ssmd-metadata[s3]'`\n"
    )
    local = inventory_without_boto3("kalshi-dev")  # a local store never needs boto3
    assert local.returncode == 0, local.stderr
