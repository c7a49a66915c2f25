"""Every `ssmd` command in README.md's and docs/ci.md's shell blocks, run as written (the
`pip`/`pipx install` lines aside: this checkout's `ssmd` stands in for the installed one).

The user path: README's "own repository" block, then docs/ci.md's Install, Start a registry
and plain-shell CI blocks, ending on a green run. The other blocks run on a git copy of the
sample registry (README's tour) or a monorepo with the sample in `infra/registry` (Any
layout); a command passes when it exits as its comment says (0 unless it says `exit 1:`).
The GitLab, GitHub and pre-commit recipes are run by tests/cli/test_ci_recipes.py,
tests/install/test_action.py and tests/install/test_precommit.py.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from tests.cli.test_ci_recipes import run_script
from tests.conftest import REPO, SAMPLE
from tests.gitrepo import GitRepo

README = (REPO / "README.md").read_text()
CI = (REPO / "docs/ci.md").read_text()
SKIPPED = ("bash scripts/", "pip ", "pipx ")


def shell_blocks(text: str) -> list[list[str]]:
    """The command lines of each ```sh/```bash block (continuations joined, comments kept)."""
    found = []
    for body in re.findall(r"```(?:sh|bash)\n(.*?)```", text, flags=re.S):
        found.append(body.replace("\\\n", " ").strip().splitlines())
    return found


def block_with(text: str, first_command: str) -> list[str]:
    (block,) = [b for b in shell_blocks(text) if b[0].startswith(first_command)]
    return block


def expected_code(line: str) -> int:
    comment = line.partition(" # ")[2]
    return 1 if "exit 1:" in comment else 0  # "# exit 1: alert"


GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
}


def run_each(lines: list[str], cwd: Path, tmp_path: Path) -> None:
    for line in lines:
        if line.startswith(SKIPPED):
            continue
        done = run_script([line], cwd, tmp_path, env=GIT_IDENTITY)
        assert done.returncode == expected_code(line), (line, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr, line


def copy_of_the_sample(folder: Path) -> Path:
    shutil.copytree(SAMPLE, folder / "exchanges")
    shutil.copytree(REPO / "sample-data", folder / "sample-data")
    return folder


def test_the_user_path_from_install_to_a_green_ci_run(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    readme = block_with(README, "pipx install ssmd-metadata")
    done = run_script(readme, work, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "All validations passed." in done.stdout
    install = block_with(CI, "pipx install ssmd-metadata")
    completion = run_script(install, work, tmp_path, env={"HOME": str(home), "SHELL": "bash"})
    assert completion.returncode == 0, completion.stdout + completion.stderr
    assert "_SSMD_COMPLETE" in "".join(p.read_text() for p in home.rglob("*") if p.is_file())
    start = block_with(CI, "ssmd init my-registry --all")
    (work / "second").mkdir()
    started = run_script(start, work / "second", tmp_path)
    assert started.returncode == 0, started.stdout + started.stderr
    registry = work / "second/my-registry"
    assert (registry / ".pre-commit-config.yaml").is_file()
    subprocess.run(["git", "init", "-q", str(registry)], check=True)
    ci = run_script(block_with(CI, "pip install ssmd-metadata"), registry, tmp_path)
    assert ci.returncode == 0 and "All validations passed." in ci.stdout, ci.stdout + ci.stderr


def test_the_readme_tour_and_workflow_commands_run_on_the_sample(tmp_path: Path) -> None:
    root = copy_of_the_sample(tmp_path / "registry")
    repo = GitRepo(root)
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "sample")
    for first in ("ssmd validate", "ssmd feed add-version", "ssmd data inventory"):
        run_each(block_with(README, first), root, tmp_path)
    assert '"version": "2.1.0"' in (root / "ssmd.sarif").read_text()
    log = repo.git("log", "--format=%s", "-1")
    assert log.strip() == "kalshi: v3 endpoint from July"


def test_the_any_layout_commands_run_in_a_monorepo(tmp_path: Path) -> None:
    top = tmp_path / "monorepo"
    copy_of_the_sample(top / "infra" / "registry")
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    run_each(block_with(CI, "ssmd validate  "), top, tmp_path)
