"""`ssmd diff` and `ssmd commit` against real git repositories made in temp folders."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ssmd.git import run_git
from tests.conftest import REPO, SAMPLE, run_ssmd


def git(root: Path, *args: str) -> str:
    return run_git(root, *args).decode()


def make_repo(top: Path, registry: Path) -> None:
    shutil.copytree(SAMPLE, registry / "exchanges")
    git(top, "init", "--quiet", "--initial-branch=main")
    git(top, "config", "user.name", "Registry Tester")
    git(top, "config", "user.email", "tester@example.com")
    git(top, "config", "commit.gpgsign", "false")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository holding the sample registry, everything committed."""
    root = tmp_path / "registry"
    root.mkdir()
    make_repo(root, root)
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "-m", "Initial registry")
    return root


def index_state(root: Path) -> str:
    """Everything the index holds: every entry's mode, blob and path."""
    return git(root, "ls-files", "--stage")


def ok(root: Path, *args: str) -> str:
    result = run_ssmd(*args, root=root)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_diff_summarizes_each_change_then_shows_the_patch(repo: Path) -> None:
    ok(
        repo,
        "feed",
        "add-version",
        "kalshi",
        "--version",
        "v3",
        "--effective-from",
        "2026-07-01",
        "--endpoint",
        "wss://api.elections.kalshi.com/trade-api/ws/v2",
    )
    ok(repo, "schema", "set-status", "trade:v2", "active")
    ok(repo, "env", "update", "kalshi-dev", "--schema", "trade:v2")
    ok(
        repo,
        "feed",
        "create",
        "polymarket-us",
        "--type",
        "websocket",
        "--endpoint",
        "wss://api.polymarket.us/ws",
        "--effective-from",
        "2026-01-01",
    )
    result = run_ssmd("diff", "--color", "never", root=repo)
    assert result.returncode == 0, result.stdout
    out = result.stdout
    assert out.startswith("Validation: all checks passed\n\nChanges against HEAD:\n")
    summary = out.split("\n\n")[1].splitlines()[1:]
    assert summary == [
        "  environment kalshi-dev: schema trade:v1 -> trade:v2",
        "  feed kalshi: version v3 added, effective 2026-07-01",
        "  feed polymarket-us: added (v1 from 2026-01-01)",
        "  schema trade: version v2 changed: status draft -> active",
    ]
    assert "diff --git a/exchanges/feeds/kalshi.yaml b/exchanges/feeds/kalshi.yaml" in out
    assert "+    endpoint: wss://api.elections.kalshi.com/trade-api/ws/v2" in out
    assert "-    status: draft\n+    status: active" in out
    assert "+++ b/exchanges/feeds/polymarket-us.yaml" in out, "untracked new files are shown"
    assert "\x1b[" not in out
    assert index_state(repo) == git(repo, "ls-files", "--stage"), "diff never stages"


def test_diff_reports_errors_and_exits_1(repo: Path) -> None:
    env = repo / "exchanges/environments/kalshi-dev.yaml"
    env.write_text(env.read_text().replace("feed: kalshi", "feed: kalsh"))
    result = run_ssmd("diff", "--color", "never", root=repo)
    assert result.returncode == 1
    assert "Validation: 1 error(s), 0 warning(s)" in result.stdout
    assert "exchanges/environments/kalshi-dev.yaml:2:7: error SSMD301" in result.stdout
    assert "environment kalshi-dev: feed kalshi -> kalsh" in result.stdout


def test_diff_summarizes_files_that_do_not_load_without_failing(repo: Path) -> None:
    feed = repo / "exchanges/feeds/coinbase.yaml"
    feed.write_text("name: coinbase\nversions: [\n")
    result = run_ssmd("diff", "--color", "never", root=repo)
    assert result.returncode == 1
    assert "exchanges/feeds/coinbase.yaml: changed (one side does not load" in result.stdout
    assert "Traceback" not in result.stderr


def test_diff_with_no_changes(repo: Path) -> None:
    result = run_ssmd("diff", root=repo)
    assert result.returncode == 0
    assert "No changes in exchanges/ against HEAD." in result.stdout


def test_diff_of_a_registry_in_a_subfolder_and_before_the_first_commit(tmp_path: Path) -> None:
    top = tmp_path / "monorepo"
    registry = top / "metadata"
    registry.mkdir(parents=True)
    make_repo(top, registry)
    result = run_ssmd("diff", "--color", "never", root=registry)
    assert result.returncode == 0, result.stderr
    assert "  feed kalshi: added (v1 from 2024-06-01, v2 from 2025-01-01)" in result.stdout
    assert "  schema file trade.capnp: added" in result.stdout
    git(top, "add", "--all")
    git(top, "commit", "--quiet", "-m", "registry")
    ok(registry, "schema", "set-status", "trade:v2", "active")
    result = run_ssmd("diff", "--color", "never", root=registry)
    assert "  schema trade: version v2 changed: status draft -> active" in result.stdout
    assert "diff --git a/metadata/exchanges/schemas/trade.yaml" in result.stdout
    # A new, untracked file is named from the top too, so the whole patch applies there.
    new_feed = registry / "exchanges/feeds/kalshi.yaml"
    shutil.copy(new_feed, new_feed.with_name("kalshi-copy.yaml"))
    result = run_ssmd("diff", "--color", "never", root=registry)
    assert "+++ b/metadata/exchanges/feeds/kalshi-copy.yaml" in result.stdout
    patch = result.stdout[result.stdout.index("diff --git") :]
    (tmp_path / "change.patch").write_text(patch)
    git(top, "stash", "--include-untracked", "--quiet")
    git(top, "apply", "--check", str(tmp_path / "change.patch"))


def test_diff_and_commit_outside_a_repository(sample_root: Path) -> None:
    for arguments in (["diff"], ["commit", "-m", "x"]):
        result = run_ssmd(*arguments, root=sample_root)
        assert result.returncode == 1
        assert "is not inside a git repository; run `git init`" in result.stderr


def test_commit_without_git_says_so(repo: Path, tmp_path: Path) -> None:
    empty = tmp_path / "no-git-here"
    empty.mkdir()
    result = run_ssmd("commit", "-m", "x", root=repo, env={"PATH": str(empty)})
    assert result.returncode == 1
    assert "git is not installed or not on PATH" in result.stderr


def test_commit_refused_for_an_error_leaves_the_index_as_it_was(repo: Path) -> None:
    (repo / "NOTES.txt").write_text("unrelated work\n")
    git(repo, "add", "NOTES.txt")
    ok(repo, "feed", "add-version", "kalshi", "--effective-from", "2099-07-01")
    git(repo, "add", "exchanges/feeds/kalshi.yaml")  # partly staged by hand
    env = repo / "exchanges/environments/kalshi-dev.yaml"
    env.write_text(env.read_text().replace("schema: trade:v1", "schema: trade:v2"))  # a draft
    index_before, head_before = index_state(repo), git(repo, "rev-parse", "HEAD")

    result = run_ssmd("commit", "-m", "Pin dev to trade v2", root=repo)
    assert result.returncode == 1
    assert "refused: the registry has 1 error" in result.stderr
    assert "exchanges/environments/kalshi-dev.yaml:3:9: error SSMD304" in result.stderr
    assert index_state(repo) == index_before
    assert git(repo, "rev-parse", "HEAD") == head_before


def test_commit_accepted_commits_only_exchanges(repo: Path) -> None:
    (repo / "NOTES.txt").write_text("unrelated work\n")
    git(repo, "add", "NOTES.txt")
    ok(
        repo,
        "feed",
        "add-version",
        "kalshi",
        "--effective-from",
        "2099-07-01",  # in the future: a past date would rewrite history (SSMD401)
        "--rate-limit",
        "20",
    )
    ok(repo, "env", "create", "kalshi-staging", "--feed", "kalshi", "--schema", "trade")

    result = run_ssmd("commit", "-m", "kalshi: v3 with a higher rate limit", root=repo)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Committed ")
    assert git(repo, "log", "-1", "--format=%s") == "kalshi: v3 with a higher rate limit\n"
    committed = git(repo, "show", "--name-only", "--format=", "HEAD").split()
    assert committed == [
        "exchanges/environments/kalshi-staging.yaml",
        "exchanges/feeds/kalshi.yaml",
    ]
    assert git(repo, "diff", "--cached", "--name-only") == "NOTES.txt\n", "still staged"
    assert git(repo, "status", "--porcelain", "--", "exchanges") == ""


def test_commit_strict_refuses_warnings(repo: Path) -> None:
    ok(repo, "schema", "set-status", "trade:v1", "deprecated")  # kalshi-dev pins it: SSMD305
    index_before = index_state(repo)
    strict = run_ssmd("commit", "--strict", "-m", "deprecate trade v1", root=repo)
    assert strict.returncode == 1
    assert "refused: the registry has 2 problems" in strict.stderr
    assert "SSMD305" in strict.stderr
    assert index_state(repo) == index_before
    relaxed = run_ssmd("commit", "-m", "deprecate trade v1", root=repo)
    assert relaxed.returncode == 0, relaxed.stderr
    assert "exchanges/environments/kalshi-dev.yaml:3:9: warning SSMD305" in relaxed.stderr


def test_commit_failed_by_git_restores_the_index(repo: Path) -> None:
    hook = repo / ".git/hooks/pre-commit"
    hook.write_text("#!/bin/sh\necho 'hook says no' >&2\nexit 1\n")
    hook.chmod(0o755)
    ok(repo, "schema", "set-status", "trade:v2", "active")
    index_before = index_state(repo)
    # v2 is dated 2026-01-01: promoting it now changes the past too (SSMD401), accepted here
    result = run_ssmd("commit", "-m", "promote trade v2", "--allow-retroactive", root=repo)
    assert result.returncode == 1
    assert "hook says no" in result.stderr and "the index was restored" in result.stderr
    assert index_state(repo) == index_before
    assert git(repo, "status", "--porcelain") == " M exchanges/schemas/trade.yaml\n"


def test_commit_with_nothing_to_commit(repo: Path) -> None:
    result = run_ssmd("commit", "-m", "nothing", root=repo)
    assert result.returncode == 1
    assert "nothing to commit: exchanges/ has no changes" in result.stderr


def test_pre_commit_hook_runs_ssmd_validate(repo: Path) -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "ssmd-validate")
    assert hook["id"] == "ssmd-validate" and hook["pass_filenames"] is False
    assert hook["entry"] == "ssmd validate"
    command = [sys.executable, "-m", "ssmd", *hook["entry"].split()[1:]]

    def run_hook() -> subprocess.CompletedProcess[str]:
        return subprocess.run(command, cwd=repo, capture_output=True, text=True, check=False)

    assert run_hook().returncode == 0
    env = repo / "exchanges/environments/kalshi-dev.yaml"
    env.write_text(env.read_text().replace("feed: kalshi", "feed: nope"))
    failed = run_hook()
    assert failed.returncode == 1 and "SSMD301" in failed.stdout
