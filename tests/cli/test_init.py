"""`ssmd init`: a starter registry that validates clean; CI and editor files on request; never
overwrites."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import yaml

from ssmd import __version__
from tests.conftest import run_ssmd

REGISTRY = [
    "exchanges/feeds/example.yaml",
    "exchanges/schemas/trade.capnp",
    "exchanges/schemas/trade.yaml",
    "exchanges/environments/example-dev.yaml",
]
EXTRAS = [".pre-commit-config.yaml", ".github/workflows/ssmd.yml", ".vscode/extensions.json"]


def test_init_writes_a_registry_that_validates_clean(tmp_path: Path) -> None:
    result = run_ssmd("init", "team", "--all", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        *(f"wrote team/{p}" for p in REGISTRY + EXTRAS),
        "Next: cd team && ssmd validate",
    ]
    team = tmp_path / "team"
    checked = run_ssmd("validate", "--strict", "--format", "json", cwd=team)
    assert checked.returncode == 0, checked.stdout
    assert json.loads(checked.stdout)["diagnostics"] == []
    # Already canonical: the ssmd-fmt pre-commit hook passes on a fresh registry.
    formatted = run_ssmd("fmt", "--check", cwd=team)
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr
    assert "# " in (team / REGISTRY[0]).read_text()  # the example explains itself
    hook = yaml.safe_load((team / ".pre-commit-config.yaml").read_text())["repos"][0]
    assert hook["rev"] == f"v{__version__}" and hook["hooks"] == [{"id": "ssmd-validate"}]
    workflow = yaml.safe_load((team / ".github/workflows/ssmd.yml").read_text())
    steps = workflow["jobs"]["validate"]["steps"]
    assert steps[-1]["uses"] == f"ssmd/ssmd-metadata@v{__version__}"
    recommended = json.loads((team / ".vscode/extensions.json").read_text())["recommendations"]
    assert recommended == ["ssmd.ssmd"]
    # Each registry gets its own Cap'n Proto file id.
    other = tmp_path / "other"
    assert run_ssmd("init", str(other), cwd=tmp_path).returncode == 0
    first_line = [(d / REGISTRY[1]).read_text().splitlines()[0] for d in (team, other)]
    assert first_line[0] != first_line[1]
    # --root names the folder too, before or after the sub-command; one extra at a time.
    for args, folder in ((["--root", "r1", "init", "--github"], "r1"),
                         (["init", "--root", "r2", "--vscode"], "r2")):  # fmt: skip
        done = run_ssmd(*args, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert f"Next: cd {folder} && ssmd validate" in done.stdout
        assert run_ssmd("validate", "--strict", cwd=tmp_path / folder).returncode == 0
    assert (tmp_path / "r1/.github/workflows/ssmd.yml").is_file()
    assert not (tmp_path / "r1/.vscode").exists() and not (tmp_path / "r2/.github").exists()
    assert (tmp_path / "r2/.vscode/extensions.json").is_file()


def test_init_never_overwrites(tmp_path: Path) -> None:
    feed = tmp_path / "exchanges/feeds/example.yaml"
    feed.parent.mkdir(parents=True)
    feed.write_text("# mine\n")
    capnp = tmp_path / "exchanges/schemas/trade.capnp"
    capnp.parent.mkdir(parents=True)
    capnp.write_text("@0xd8a4bd5c2f1e9a01;\n")
    result = run_ssmd("init", "--pre-commit", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert feed.read_text() == "# mine\n"
    assert capnp.read_text() == "@0xd8a4bd5c2f1e9a01;\n"
    assert not (tmp_path / "exchanges/schemas/trade.yaml").exists()  # no stale hash pairing
    assert "kept exchanges/feeds/example.yaml (it exists; not overwritten)" in result.stdout
    assert "kept exchanges/schemas/trade.capnp (it exists; not overwritten)" in result.stdout
    assert "wrote .pre-commit-config.yaml" in result.stdout
    again = run_ssmd("init", "--pre-commit", cwd=tmp_path)
    assert again.returncode == 0
    assert "Nothing written: every file exists already." in again.stdout
    assert "no ssmd hook" not in again.stdout  # the config init wrote has it
    (tmp_path / "a-file").write_text("x")
    refused = run_ssmd("init", "a-file", cwd=tmp_path)
    assert refused.returncode == 2 and "a-file is a file" in refused.stderr


def test_init_in_a_monorepo_subfolder_puts_repository_files_at_the_git_top(
    tmp_path: Path,
) -> None:
    """pre-commit reads .pre-commit-config.yaml, and GitHub .github/workflows/, only at the top
    of the repository: written beside a registry in a subfolder they would never run."""
    top = tmp_path / "monorepo"
    (top / "apps").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    (top / ".pre-commit-config.yaml").write_text("repos: []\n")  # the team's own: kept
    result = run_ssmd("init", "infra/registry", "--all", cwd=top)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "wrote .github/workflows/ssmd.yml" in lines
    assert "kept .pre-commit-config.yaml (it exists; not overwritten)" in lines
    assert "wrote infra/registry/.vscode/extensions.json" in lines  # the folder one opens
    assert (top / ".pre-commit-config.yaml").read_text() == "repos: []\n"
    # The kept config runs nothing of ssmd: init says what to add, and the entry is real YAML.
    advice = result.stdout.split(".pre-commit-config.yaml has no ssmd hook", 1)[1]
    entry = advice.split("under its repos:\n", 1)[1].split("\nNext:", 1)[0]
    hook = yaml.safe_load(f"repos:\n{entry}\n")["repos"][0]
    assert [h["id"] for h in hook["hooks"]] == ["ssmd-validate"]
    assert hook["rev"].startswith("v")
    assert not (top / "infra/registry/.github").exists()
    assert not (top / "infra/registry/.pre-commit-config.yaml").exists()
    # From a folder below the top, paths are shown from where the user stands.
    deeper = run_ssmd("init", "services/b", "--pre-commit", cwd=top / "apps")
    assert deeper.returncode == 0, deeper.stderr
    assert "kept ../.pre-commit-config.yaml (it exists; not overwritten)" in deeper.stdout
    assert "has no ssmd hook" in deeper.stdout  # still the team's own config
    assert not (top / "apps/services/b/.pre-commit-config.yaml").exists()
    # The workflow there checks every registry in the repository (the action's default).
    steps = yaml.safe_load((top / ".github/workflows/ssmd.yml").read_text())["jobs"]
    assert "with" not in steps["validate"]["steps"][-1]
    assert run_ssmd("validate", cwd=top).returncode == 0


def test_init_inside_a_registrys_exchanges_folder_is_refused(tmp_path: Path) -> None:
    """`ssmd init` run from exchanges/feeds would nest a second registry inside the first."""
    assert run_ssmd("init", "team", cwd=tmp_path).returncode == 0
    feeds = tmp_path / "team/exchanges/feeds"
    refused = run_ssmd("init", cwd=feeds)
    assert refused.returncode == 2
    assert refused.stderr == (
        f"error: {feeds} is inside the registry {tmp_path / 'team'} (in its exchanges/ "
        "folder); run ssmd init there to add what is missing, or in a folder outside it\n"
    )
    assert not (feeds / "exchanges").exists()
    nested = run_ssmd("init", "team/exchanges/new", cwd=tmp_path)
    assert nested.returncode == 2 and not (tmp_path / "team/exchanges/new").exists()
    # In the registry's own folder, init fills in what is missing (and keeps the rest).
    again = run_ssmd("init", "team", "--vscode", cwd=tmp_path)
    assert again.returncode == 0 and "wrote team/.vscode/extensions.json" in again.stdout


def test_the_starter_schemas_advice_runs(tmp_path: Path) -> None:
    """The comment in trade.yaml says how to change the schema: that command works as written."""
    import re
    import shlex

    assert run_ssmd("init", cwd=tmp_path).returncode == 0
    comment = (tmp_path / "exchanges/schemas/trade.yaml").read_text()
    (command,) = re.findall(r"^#   (ssmd schema register .*)$", comment, flags=re.M)
    capnp = (tmp_path / "exchanges/schemas/trade.capnp").read_text()
    (tmp_path / "trade_v2.capnp").write_text(capnp.replace("}\n", "  side @3 :UInt8;\n}\n"))
    args = shlex.split(command.replace("YYYY-MM-DD", "2099-01-05"))[1:]
    registered = run_ssmd(*args, cwd=tmp_path)
    assert registered.returncode == 0, registered.stdout + registered.stderr
    assert run_ssmd("validate", cwd=tmp_path).returncode == 0
