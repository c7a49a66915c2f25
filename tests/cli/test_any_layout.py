"""`ssmd validate [PATH...]` in a real team's layout: a monorepo with registries in subfolders.

Paths land: text from the working directory, GitHub/SARIF/GitLab from the git work tree's top.
"""

from __future__ import annotations

import json
import re
import subprocess
import urllib.parse
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.cli.test_validate_cli import CAPNP, ENV, FEED, SARIF_SCHEMA, SCHEMA
from tests.conftest import run_ssmd

BROKEN = FEED.format(extra="owner: market-data\n")
"""An unknown key on line 3, column 1 (SSMD003, error)."""
FINDING = "exchanges/feeds/kalshi.yaml:3:1: error SSMD003 unknown key 'owner'"


def write_registry(root: Path, feed: str = FEED.format(extra="")) -> Path:
    files = {
        "exchanges/feeds/kalshi.yaml": feed,
        "exchanges/schemas/trade.capnp": CAPNP,
        "exchanges/schemas/trade.yaml": SCHEMA,
        "exchanges/environments/dev.yaml": ENV,
    }
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)
    return root


@pytest.fixture
def monorepo(tmp_path: Path) -> Path:
    """A git work tree: a broken registry in infra/registry, a clean one in apps/pricing,
    and a registry inside node_modules that must never be picked up."""
    top = tmp_path / "mono"
    top.mkdir()
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    (top / "README.md").write_text("a monorepo\n")
    write_registry(top / "infra" / "registry", BROKEN)
    write_registry(top / "apps" / "pricing")
    write_registry(top / "node_modules" / "pkg", BROKEN)
    write_registry(top / ".venv" / "lib", BROKEN)
    return top


def findings(stdout: str) -> list[str]:
    return [
        line for line in stdout.splitlines() if re.match(r"^\S+:\d+:\d+: (error|warning) ", line)
    ]


def test_from_the_monorepo_top_every_registry_below_is_checked(monorepo: Path) -> None:
    result = run_ssmd("validate", cwd=monorepo, env={"SSMD_ROOT": ""})
    assert result.returncode == 1, result.stdout + result.stderr
    assert findings(result.stdout) == [
        f"infra/registry/{FINDING}; allowed keys: "
        "calendar, display_name, name, status, type, versions"
    ]
    assert "Registry apps/pricing/" in result.stdout
    assert "Registry infra/registry/" in result.stdout
    assert result.stdout.rstrip().endswith("2 registries: 1 error, 0 warnings.")
    assert "node_modules" not in result.stdout and ".venv" not in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "infra/registry"],
        ["validate", "infra/registry/exchanges/feeds/kalshi.yaml"],
        ["validate", "infra/registry/exchanges/environments/dev.yaml"],  # the whole registry
        ["validate", "--root", "infra/registry"],
        ["--root", "infra/registry", "validate"],
        ["validate", "infra"],  # a folder with no registry above it: those below it
    ],
    ids=["root", "file", "other-file", "root-after", "root-before", "folder-below"],
)
def test_a_path_means_the_registry_it_belongs_to(monorepo: Path, args: list[str]) -> None:
    result = run_ssmd(*args, cwd=monorepo, env={"SSMD_ROOT": ""})
    assert result.returncode == 1, result.stdout + result.stderr
    assert [f[: len(FINDING) + 15] for f in findings(result.stdout)] == [
        f"infra/registry/{FINDING}"
    ]
    assert "Registry " not in result.stdout  # one registry: no per-registry headings


def test_several_paths_check_each_registry_once(monorepo: Path) -> None:
    result = run_ssmd(
        "validate",
        "-f",
        "json",
        "apps/pricing",
        "infra/registry/exchanges",
        "apps/pricing/exchanges",
        cwd=monorepo,
    )
    assert result.returncode == 1
    payload = json.loads(result.stdout)
    assert payload["registries"] == ["apps/pricing/", "infra/registry/"]
    (diagnostic,) = payload["diagnostics"]
    assert diagnostic["file"] == "exchanges/feeds/kalshi.yaml"  # root-relative, as before
    assert diagnostic["path"] == "infra/registry/exchanges/feeds/kalshi.yaml"
    assert diagnostic["root"] == "infra/registry/"


def test_text_paths_are_relative_to_the_working_directory(monorepo: Path) -> None:
    inside = monorepo / "infra" / "registry" / "exchanges"
    result = run_ssmd("validate", cwd=inside)
    assert result.returncode == 1
    assert findings(result.stdout)[0].startswith(
        "/" + str(monorepo / "infra/registry").strip("/") + "/" + FINDING
    )  # the registry root is above the cwd: an absolute path, never a ../ maze
    result = run_ssmd("validate", "registry", cwd=monorepo / "infra")
    assert findings(result.stdout)[0].startswith(f"registry/{FINDING}")


def test_no_registry_anywhere_is_one_sentence(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    result = run_ssmd("validate", cwd=tmp_path, env={"SSMD_ROOT": ""})
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "no exchanges/ folder in" in result.stderr
    assert "above it or below it" in result.stderr
    result = run_ssmd("validate", "missing.yaml", cwd=tmp_path)
    assert result.returncode == 2 and "missing.yaml does not exist" in result.stderr
    (tmp_path / "notes.yaml").write_text("a: 1\n")
    result = run_ssmd("validate", "notes.yaml", cwd=tmp_path)
    assert result.returncode == 2 and "notes.yaml is in no registry" in result.stderr


@pytest.mark.parametrize("cwd", [".", "infra/registry"])
def test_ci_formats_use_paths_from_the_repository_top(monorepo: Path, cwd: str) -> None:
    """GitHub drops an annotation whose file is not a path in the repository."""
    where = monorepo / cwd
    github = run_ssmd(
        "validate", "--format", "github", "--root", str(monorepo / "infra/registry"), cwd=where
    )
    assert github.returncode == 1
    (annotation,) = [line for line in github.stdout.splitlines() if line.startswith("::")]
    assert annotation.startswith(
        "::error file=infra/registry/exchanges/feeds/kalshi.yaml,line=3,col=1,"
    )
    sarif = run_ssmd("validate", "-f", "sarif", "infra/registry" if cwd == "." else ".", cwd=where)
    log = json.loads(sarif.stdout)
    jsonschema.validate(log, json.loads(SARIF_SCHEMA.read_text()))
    (run,) = log["runs"]
    location = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {
        "uri": "infra/registry/exchanges/feeds/kalshi.yaml",
        "uriBaseId": "%SRCROOT%",
    }
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == monorepo.resolve().as_uri() + "/"
    gitlab = run_ssmd("validate", "-f", "gitlab", cwd=where)
    issues = json.loads(gitlab.stdout)
    assert gitlab.returncode == 1
    assert [i["location"]["path"] for i in issues] == ["infra/registry/exchanges/feeds/kalshi.yaml"]
    assert issues[0]["location"]["positions"]["begin"] == {"line": 3, "column": 1}
    assert issues[0]["severity"] == "major" and re.fullmatch(
        r"[0-9a-f]{64}", issues[0]["fingerprint"]
    )


def test_sarif_uris_are_uri_references_that_resolve_to_the_file(tmp_path: Path) -> None:
    """A folder name with a space or `#` is percent-encoded: SARIF's `uri` is an RFC 3986
    reference, and resolved against `originalUriBaseIds` it names the very file."""
    top = tmp_path / "mono"
    top.mkdir()
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    write_registry(top / "market data" / "reg#1", BROKEN)
    sarif = run_ssmd("validate", "-f", "sarif", cwd=top)
    (run,) = json.loads(sarif.stdout)["runs"]
    location = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location["uri"] == "market%20data/reg%231/exchanges/feeds/kalshi.yaml"
    base = run["originalUriBaseIds"][location["uriBaseId"]]["uri"]
    feed = top.resolve() / "market data/reg#1/exchanges/feeds/kalshi.yaml"
    assert urllib.parse.urljoin(base, location["uri"]) == feed.as_uri()


def test_every_command_takes_root_after_the_sub_command(monorepo: Path) -> None:
    from ssmd.cli import command

    def leaves(group: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
        if not hasattr(group, "list_commands"):
            return [(path, group)]
        subs = [(n, group.get_command(None, n)) for n in group.list_commands(None)]
        return [leaf for name, sub in subs for leaf in leaves(sub, (*path, name))]

    found = leaves(command())
    assert len(found) > 10
    missing = [" ".join(p) for p, c in found if not any("--root" in x.opts for x in c.params)]
    assert missing == []
    clean = str(monorepo / "apps/pricing")
    for args in (["feed", "list", "--root", clean], ["feed", "--root", clean, "show", "kalshi"]):
        result = run_ssmd(*args, cwd=monorepo)
        assert result.returncode == 0, result.stderr
        assert "kalshi" in result.stdout
