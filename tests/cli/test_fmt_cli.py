"""`ssmd fmt` through the real CLI: --check, --diff, writing, paths, refusals."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from tests.conftest import WriteFiles, run_ssmd

REPO = Path(__file__).resolve().parents[2]

MESSY = (
    "type: websocket\nname: 'kalshi'\n"
    "versions:\n    - version: v1\n      effective_from: 2024-01-01\n"
)
CANONICAL = (
    "name: kalshi\ntype: websocket\nversions:\n  - version: v1\n    effective_from: 2024-01-01\n"
)


def test_check_diff_then_write(write_files: WriteFiles) -> None:
    """Paths are printed from the working directory (here the registry's root)."""
    root = write_files(
        {
            "exchanges/feeds/kalshi.yaml": MESSY,
            "exchanges/feeds/clean.yaml": CANONICAL.replace("kalshi", "clean"),
            "exchanges/feeds/broken.yaml": "name: [broken\n",
        }
    )
    check = run_ssmd("fmt", "--check", root=root, cwd=root)
    assert check.returncode == 1
    assert check.stdout == "would reformat exchanges/feeds/kalshi.yaml\n"
    assert "not valid YAML" in check.stderr and "broken.yaml" in check.stderr
    diff = run_ssmd("fmt", "--diff", root=root, cwd=root)
    assert diff.returncode == 1
    assert "-name: 'kalshi'\n" in diff.stdout and "+name: kalshi\n" in diff.stdout
    assert (root / "exchanges/feeds/kalshi.yaml").read_text() == MESSY, "--diff wrote"
    written = run_ssmd("fmt", root=root, cwd=root)
    assert written.returncode == 0, written.stderr
    assert (root / "exchanges/feeds/kalshi.yaml").read_text() == CANONICAL
    assert (root / "exchanges/feeds/broken.yaml").read_text() == "name: [broken\n"
    assert run_ssmd("fmt", "--check", root=root, cwd=root).returncode == 0


def test_paths_select_files_and_folders(write_files: WriteFiles) -> None:
    root = write_files(
        {
            "exchanges/feeds/kalshi.yaml": MESSY,
            "exchanges/environments/dev.yaml": "feed: kalshi\nname: dev\n",
        }
    )
    only_env = run_ssmd("fmt", "--check", str(root / "exchanges/environments"), root=root, cwd=root)
    assert only_env.stdout == "would reformat exchanges/environments/dev.yaml\n"
    one_file = run_ssmd(
        "fmt", "--check", str(root / "exchanges/feeds/kalshi.yaml"), root=root, cwd=root
    )
    assert one_file.stdout == "would reformat exchanges/feeds/kalshi.yaml\n"
    outside = run_ssmd("fmt", "/", root=root, cwd=root)
    assert outside.returncode == 2 and "outside the registry" in outside.stderr


def test_the_ssmd_fmt_pre_commit_hook_checks_the_files_it_is_given(
    write_files: WriteFiles,
) -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "ssmd-fmt")
    assert hook["entry"] == "ssmd fmt --check" and hook.get("pass_filenames", True)
    root = write_files({"exchanges/feeds/kalshi.yaml": MESSY, "README.md": "# registry\n"})
    assert re.match(hook["files"], "exchanges/feeds/kalshi.yaml")
    assert not re.match(hook["files"], "README.md")
    args = hook["entry"].split()[1:]
    failing = run_ssmd(*args, "exchanges/feeds/kalshi.yaml", cwd=root)
    assert (
        failing.returncode == 1 and "would reformat exchanges/feeds/kalshi.yaml" in failing.stdout
    )
    (root / "exchanges/feeds/kalshi.yaml").write_text(CANONICAL)
    assert run_ssmd(*args, "exchanges/feeds/kalshi.yaml", cwd=root).returncode == 0


def test_fmt_in_a_monorepo_takes_paths_as_validate_does(tmp_path: Path) -> None:
    """pre-commit runs the ssmd-fmt hook from the repository's top and passes
    `infra/registry/exchanges/...` file names: each belongs to its own registry, and the
    paths printed are the ones given (from the working directory)."""
    top = tmp_path / "mono"
    for registry in ("infra/registry", "apps/pricing"):
        feed = top / registry / "exchanges/feeds/kalshi.yaml"
        feed.parent.mkdir(parents=True)
        feed.write_text(MESSY)
    infra = "infra/registry/exchanges/feeds/kalshi.yaml"
    apps = "apps/pricing/exchanges/feeds/kalshi.yaml"
    both = run_ssmd("fmt", "--check", infra, apps, cwd=top, env={"SSMD_ROOT": ""})
    assert both.returncode == 1, both.stderr
    assert both.stdout == f"would reformat {apps}\nwould reformat {infra}\n"
    assert both.stderr == "2 files would be reformatted\n"
    every = run_ssmd("fmt", "--check", cwd=top, env={"SSMD_ROOT": ""})  # no path: all below
    assert every.stdout == both.stdout
    one = run_ssmd("fmt", "infra/registry", cwd=top, env={"SSMD_ROOT": ""})
    assert one.returncode == 0 and one.stdout == f"reformatted {infra}\n"
    assert (top / infra).read_text() == CANONICAL and (top / apps).read_text() == MESSY
    nowhere = run_ssmd("fmt", "--check", "README.md", cwd=top, env={"SSMD_ROOT": ""})
    assert nowhere.returncode == 2 and "README.md does not exist" in nowhere.stderr
