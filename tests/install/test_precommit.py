"""The real `pre-commit` (from the package index) running this repository's hook.

One hook environment is built per test session (pre-commit installs this checkout, committed
into a temp repository and tagged, into a fresh venv: the slow part, ~30-60 s with a warm pip
cache); every scenario reuses it. The same installed copy then answers as a user's `ssmd` and
as an editor's `ssmd-ls`, outside this checkout.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ssmd.write.scaffold import PROJECT_REPOSITORY
from tests.cli.test_any_layout import BROKEN, write_registry
from tests.cli.test_validate_cli import FEED
from tests.conftest import REPO, run_ssmd
from tests.install.installed import check_installed, clean_env

SLOW = pytest.mark.skipif(
    not os.environ.get("SSMD_SLOW"), reason="more pre-commit runs: set SSMD_SLOW=1 (docs/ci.md)"
)
PACKAGE_FILES = [
    "pyproject.toml",
    "README.md",
    "LICENSE",
    ".pre-commit-hooks.yaml",
    "ssmd",
    "ssmd_ls",
]
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=clean_env(**GIT_ENV),
        check=True,
    )
    return done.stdout.strip()


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This checkout's package as a git repository with a release tag, as users reference it."""
    repo = tmp_path_factory.mktemp("ssmd-metadata")
    for name in PACKAGE_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, repo / name)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "release")
    git(repo, "tag", "v0.1.0")
    return repo


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def team_repo(
    path: Path, hook_repo: Path, args: list[str] | None = None, fmt: bool = False
) -> Path:
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    config = (
        f"repos:\n  - repo: {hook_repo}\n    rev: v0.1.0\n    hooks:\n      - id: ssmd-validate\n"
    )
    if args is not None:
        config += f"        args: [{', '.join(args)}]\n"
    if fmt:
        config += "      - id: ssmd-fmt\n"
    (path / ".pre-commit-config.yaml").write_text(config)
    return path


def commit(repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    """`git add -A && git commit` with the hook installed: what a user's commit runs."""
    env = clean_env(**GIT_ENV, PRE_COMMIT_HOME=str(home))
    subprocess.run(
        [sys.executable, "-m", "pre_commit", "install"],
        cwd=repo,
        env=env,
        check=True,
        capture_output=True,
    )
    git(repo, "add", "-A")
    return subprocess.run(  # git prints the hook's output on stderr: merge it into stdout
        ["git", "commit", "-m", "change"],
        cwd=repo,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=600,
        check=False,
    )


def test_pre_commit_hook_never_skips_and_fails_on_findings(  # one test: one hook env per run
    hook_repo: Path, pre_commit_home: Path, tmp_path: Path
) -> None:
    clean = team_repo(tmp_path / "clean", hook_repo)
    write_registry(clean)
    result = commit(clean, pre_commit_home)
    assert result.returncode == 0, result.stdout
    assert "ssmd validate" in result.stdout and "Passed" in result.stdout

    broken = team_repo(tmp_path / "broken", hook_repo)
    write_registry(broken, BROKEN)
    result = commit(broken, pre_commit_home)
    assert result.returncode == 1, result.stdout
    assert "Failed" in result.stdout
    assert "exchanges/feeds/kalshi.yaml:3:1: error SSMD003 unknown key 'owner'" in result.stdout

    # A monorepo: the registry in a subfolder, and the commit touches only an unrelated file.
    mono = team_repo(tmp_path / "mono", hook_repo)
    write_registry(mono / "infra" / "registry", BROKEN)
    (mono / "README.md").write_text("docs\n")
    git(mono, "add", "-A")
    git(mono, "commit", "-q", "--no-verify", "-m", "broken registry slipped in earlier")
    (mono / "README.md").write_text("more docs\n")
    result = commit(mono, pre_commit_home)
    assert result.returncode == 1, result.stdout
    assert "Skipped" not in result.stdout
    assert (
        "infra/registry/exchanges/feeds/kalshi.yaml:3:1: error SSMD003 unknown key 'owner'"
        in result.stdout
    )

    # args: `--root` after the sub-command, as pre-commit appends them to the entry.
    with_args = team_repo(tmp_path / "with-args", hook_repo, ["--root", "infra/registry"])
    write_registry(with_args / "infra" / "registry", BROKEN)
    write_registry(with_args / "apps" / "pricing")
    result = commit(with_args, pre_commit_home)
    assert result.returncode == 1, result.stdout
    assert "exchanges/feeds/kalshi.yaml:3:1: error SSMD003" in result.stdout

    # What `ssmd init --pre-commit` writes works as it stands (its rev is this version's tag;
    # only the repository URL points at the local copy), here for a registry in a subfolder.
    started = tmp_path / "started"
    started.mkdir()
    git(started, "init", "-q", "-b", "main")
    done = run_ssmd("init", "infra/registry", "--pre-commit", cwd=started)
    assert "wrote .pre-commit-config.yaml" in done.stdout, done.stdout + done.stderr
    config = started / ".pre-commit-config.yaml"
    config.write_text(
        config.read_text().replace(f"https://github.com/{PROJECT_REPOSITORY}", str(hook_repo))
    )
    result = commit(started, pre_commit_home)
    assert result.returncode == 0 and "Passed" in result.stdout, result.stdout
    feed = started / "infra/registry/exchanges/feeds/example.yaml"
    feed.write_text(feed.read_text() + "owner: me\n")
    result = commit(started, pre_commit_home)
    assert result.returncode == 1, result.stdout
    assert "infra/registry/exchanges/feeds/example.yaml:" in result.stdout

    # ssmd-fmt in a monorepo: pre-commit passes the staged files from the repository's top.
    layout = team_repo(tmp_path / "layout", hook_repo, fmt=True)
    write_registry(
        layout / "infra" / "registry",
        FEED.format(extra="").replace("protocol: wss", "protocol: 'wss'"),
    )
    result = commit(layout, pre_commit_home)
    assert result.returncode == 1, result.stdout
    assert "would reformat infra/registry/exchanges/feeds/kalshi.yaml" in result.stdout
    assert "ssmd validate" in result.stdout and "no exchanges/ folder" not in result.stdout

    # pre-commit pip-installed the package into a fresh venv: use it as a user would.
    (bin_dir,) = {p.parent for p in pre_commit_home.glob("repo*/py_env-*/bin/ssmd")}
    check_installed(bin_dir, tmp_path / "user")
    listed = subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "list"],
        capture_output=True,
        text=True,
        env=clean_env(),
        check=True,
    )
    assert "boto3" not in listed.stdout  # S3 support is the [s3] extra


@pytest.mark.parametrize(
    ("args", "code"),
    [
        pytest.param(["infra/registry"], 1, marks=SLOW),
        pytest.param(["apps/pricing"], 0, marks=SLOW),
        pytest.param(["--strict", "apps/pricing"], 0, marks=SLOW),
    ],
    ids=["path", "clean-path", "strict"],
)
def test_pre_commit_hook_with_args(
    hook_repo: Path, pre_commit_home: Path, tmp_path: Path, args: list[str], code: int
) -> None:
    repo = team_repo(tmp_path / "repo", hook_repo, args)
    write_registry(repo / "infra" / "registry", BROKEN)
    write_registry(repo / "apps" / "pricing")
    result = commit(repo, pre_commit_home)
    assert result.returncode == code, result.stdout
    assert ("kalshi.yaml:3:1: error SSMD003" in result.stdout) == (code == 1)
