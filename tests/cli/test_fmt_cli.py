"""`ssmd fmt` through the real CLI: --check, --diff, writing, paths, refusals."""

from __future__ import annotations

from tests.conftest import WriteFiles, run_ssmd

MESSY = (
    "type: websocket\nname: 'kalshi'\n"
    "versions:\n    - version: v1\n      effective_from: 2024-01-01\n"
)
CANONICAL = (
    "name: kalshi\ntype: websocket\nversions:\n  - version: v1\n    effective_from: 2024-01-01\n"
)


def test_check_diff_then_write(write_files: WriteFiles) -> None:
    root = write_files(
        {
            "exchanges/feeds/kalshi.yaml": MESSY,
            "exchanges/feeds/clean.yaml": CANONICAL.replace("kalshi", "clean"),
            "exchanges/feeds/broken.yaml": "name: [broken\n",
        }
    )
    check = run_ssmd("fmt", "--check", root=root)
    assert check.returncode == 1
    assert check.stdout == "would reformat exchanges/feeds/kalshi.yaml\n"
    assert "not valid YAML" in check.stderr and "broken.yaml" in check.stderr
    diff = run_ssmd("fmt", "--diff", root=root)
    assert diff.returncode == 1
    assert "-name: 'kalshi'\n" in diff.stdout and "+name: kalshi\n" in diff.stdout
    assert (root / "exchanges/feeds/kalshi.yaml").read_text() == MESSY, "--diff wrote"
    written = run_ssmd("fmt", root=root)
    assert written.returncode == 0, written.stderr
    assert (root / "exchanges/feeds/kalshi.yaml").read_text() == CANONICAL
    assert (root / "exchanges/feeds/broken.yaml").read_text() == "name: [broken\n"
    assert run_ssmd("fmt", "--check", root=root).returncode == 0


def test_paths_select_files_and_folders(write_files: WriteFiles) -> None:
    root = write_files(
        {
            "exchanges/feeds/kalshi.yaml": MESSY,
            "exchanges/environments/dev.yaml": "feed: kalshi\nname: dev\n",
        }
    )
    only_env = run_ssmd("fmt", "--check", str(root / "exchanges/environments"), root=root)
    assert only_env.stdout == "would reformat exchanges/environments/dev.yaml\n"
    one_file = run_ssmd("fmt", "--check", str(root / "exchanges/feeds/kalshi.yaml"), root=root)
    assert one_file.stdout == "would reformat exchanges/feeds/kalshi.yaml\n"
    outside = run_ssmd("fmt", "/", root=root)
    assert outside.returncode == 2 and "outside the registry" in outside.stderr
