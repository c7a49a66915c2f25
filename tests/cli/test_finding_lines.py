"""Write commands, `ssmd commit` and `ssmd diff` print findings as `ssmd validate` does:
`path:line:col: severity CODE message` at column 0, the path from the working directory."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from tests.conftest import run_ssmd

FEED = "exchanges/feeds/kalshi.yaml"


def finding_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if re.search(r":\d+:\d+: (error|warning) ", line)]


def test_a_refused_write_prints_each_finding_on_one_line_from_the_cwd(sample_root: Path) -> None:
    registry = sample_root
    # v1 already exists: SSMD101 on the new entry, refused, nothing written.
    before = (registry / FEED).read_bytes()
    for cwd, prefix in ((registry, ""), (registry.parent, f"{registry.name}/")):
        result = run_ssmd(
            "feed",
            "add-version",
            "kalshi",
            "--version",
            "v1",
            "--effective-from",
            "2099-01-01",
            root=registry,
            cwd=cwd,
        )
        assert result.returncode == 1, result.stdout + result.stderr
        lines = finding_lines(result.stderr)
        assert lines, result.stderr
        assert all(line.startswith(f"{prefix}{FEED}:") for line in lines), lines
        assert any(
            re.match(rf"{re.escape(prefix + FEED)}:\d+:\d+: error SSMD101 ", line) for line in lines
        )
    assert (registry / FEED).read_bytes() == before


def test_diff_prints_findings_like_validate(sample_root: Path) -> None:
    registry = sample_root
    subprocess.run(["git", "init", "-q", str(registry)], check=True)
    feed = registry / FEED
    feed.write_text(feed.read_text().replace("display_name:", "display_nam:", 1))
    result = run_ssmd("diff", "--color", "never", root=registry, cwd=registry)
    lines = finding_lines(result.stdout)
    assert lines and all(re.match(rf"{FEED}:\d+:\d+: error SSMD003 ", line) for line in lines), (
        result.stdout
    )
