"""CLI manners: shell completion, NO_COLOR and --color, help without type noise, --version."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_ssmd
from tests.gitrepo import GitRepo
from tests.terminal import read_terminal

ESC = "\x1b["


def on_a_terminal(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    """Run `ssmd ARGS` with its stdout on a pseudo-terminal (what `auto` color looks at)."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "ssmd", *args],
        cwd=cwd,
        stdout=follower,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **env},
    )
    os.close(follower)
    return read_terminal(leader, process).decode(errors="replace")


@pytest.fixture
def changed_registry(sample_root: Path) -> Path:
    repo = GitRepo(sample_root)
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "sample")
    feed = sample_root / "exchanges/feeds/kalshi.yaml"
    feed.write_text(feed.read_text().replace("Kalshi Exchange", "Kalshi"))
    return sample_root


def test_diff_color_follows_no_color_and_the_color_option(changed_registry: Path) -> None:
    root = changed_registry
    assert ESC in on_a_terminal(["diff"], root, {"NO_COLOR": ""})
    assert ESC not in on_a_terminal(["diff"], root, {"NO_COLOR": "1"})
    assert ESC not in on_a_terminal(["--color", "never", "diff"], root, {"NO_COLOR": ""})
    assert ESC not in on_a_terminal(["diff", "--color", "never"], root, {"NO_COLOR": ""})
    piped = run_ssmd("--color", "always", "diff", cwd=root, env={"NO_COLOR": "1"})
    assert ESC in piped.stdout  # an explicit "always" wins over NO_COLOR
    assert ESC not in run_ssmd("diff", cwd=root).stdout  # a pipe is not a terminal


def test_help_has_no_type_noise_and_version_answers() -> None:
    for args in (["--help"], ["validate", "--help"], ["feed", "--help"], ["diff", "--help"]):
        result = run_ssmd(*args, env={"COLUMNS": "120"})
        assert result.returncode == 0, result.stderr
        assert "<bool>" not in result.stdout, args
        assert "--root" in result.stdout, args
    version = run_ssmd("--version")
    assert version.returncode == 0 and version.stdout.startswith("ssmd ")
    ls = subprocess.run(
        [sys.executable, "-m", "ssmd_ls", "--version"], capture_output=True, text=True, check=False
    )
    assert ls.returncode == 0 and ls.stdout.startswith("ssmd-ls ")


def every_command_path() -> list[list[str]]:
    """`[]`, `["validate"]`, `["feed", "show"]`...: every command `ssmd --help` leads to."""
    from ssmd.cli.lazy import LAZY, load

    paths: list[list[str]] = [[]]
    for name in LAZY:
        paths.append([name])
        paths += [[name, sub] for sub in getattr(load(name), "commands", {})]
    return paths


def test_no_help_shows_python_type_noise() -> None:
    """A flag takes no value (`<bool>`), a repeatable option or a list of paths takes one value
    at a time (not `<list[str]>`), and a usage line brackets an optional argument once."""
    paths = every_command_path()
    assert ["feed", "show"] in paths and ["validate"] in paths
    for args in paths:
        shown = run_ssmd(*args, "--help", env={"COLUMNS": "120"}).stdout
        assert "<bool>" not in shown and "<list[" not in shown, (args, shown)
        assert "[[" not in shown.partition("\n")[0], (args, shown)


def test_shell_completion_completes_sub_commands_and_options() -> None:
    script = run_ssmd("--show-completion", "bash")
    assert script.returncode == 0 and "_SSMD_COMPLETE=complete_bash" in script.stdout
    complete = run_ssmd(
        env={"_SSMD_COMPLETE": "complete_bash", "COMP_WORDS": "ssmd fe", "COMP_CWORD": "1"}
    )
    assert complete.stdout.split() == ["feed"]
    options = run_ssmd(
        env={
            "_SSMD_COMPLETE": "complete_bash",
            "COMP_WORDS": "ssmd validate --ro",
            "COMP_CWORD": "2",
        }
    )
    assert options.stdout.split() == ["--root"]


def test_lazy_sub_commands_keep_their_own_help_and_version_stays_light() -> None:
    """`ssmd --help` shows LAZY's one-liners without importing the modules: they must say
    what each command's own docstring says; `--version` and `--help` import no models."""
    from ssmd.cli.lazy import LAZY, load

    for name, (_module, _how, help_text) in LAZY.items():
        assert load(name).get_short_help_str(limit=300) == help_text, name
    probe = (
        "import sys\nsys.argv = ['ssmd', sys.argv[1]]\nfrom ssmd.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = {'ssmd.models', 'ssmd.workspace', 'pydantic'}\n"
        "print(sorted(m for m in sys.modules if m in heavy), file=sys.stderr)"
    )
    for flag in ("--version", "--help"):
        done = subprocess.run(
            [sys.executable, "-c", probe, flag], capture_output=True, text=True, check=False
        )
        assert done.stderr.strip() == "[]", (flag, done.stderr)
