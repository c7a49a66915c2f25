"""The composite action (action.yml) run step by step as a GitHub runner would.

Each `run:` step goes through `bash --noprofile --norc -eo pipefail` with the variables
GitHub sets (GITHUB_WORKSPACE, GITHUB_STEP_SUMMARY, GITHUB_OUTPUT per step, GITHUB_PATH,
RUNNER_TEMP) and its `${{ ... }}` expressions filled from inputs, github.* and earlier
steps' outputs. The install step pip-installs this checkout into a fresh venv in the
`installed` case (~18 s); the `checkout` case puts an `ssmd` that runs this checkout on PATH.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tests.cli.test_any_layout import BROKEN, write_registry
from tests.cli.test_validate_cli import SARIF_SCHEMA
from tests.conftest import REPO
from tests.install.installed import clean_env
from tests.install.test_precommit import git

EXPRESSION = re.compile(r"\$\{\{\s*([\w.-]+)\s*\}\}")


def read_outputs(path: Path) -> dict[str, str]:
    outputs: dict[str, str] = {}
    for line in path.read_text().splitlines():
        name, _, value = line.partition("=")
        outputs[name] = value
    return outputs


def run_action(
    workspace: Path, runner: Path, inputs: dict[str, str], real_install: bool
) -> dict[str, Any]:
    action = yaml.safe_load((REPO / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    # A push event: no pull request, so its properties read as "" (as GitHub evaluates them).
    values = {"github.action_path": str(REPO), "github.workspace": str(workspace)}
    values |= {"github.event.pull_request.base.sha": ""}
    values |= {
        f"inputs.{k}": EXPRESSION.sub(lambda m: values[m.group(1)], str(v.get("default", "")))
        for k, v in action["inputs"].items()
    }
    values |= {f"inputs.{k}": v for k, v in inputs.items()}
    summary, path_file = runner / "summary.md", runner / "path"
    summary.touch()
    path_file.touch()
    temp = runner / "temp"
    temp.mkdir()
    shim = runner / "shim"
    shim.mkdir()
    (shim / "ssmd").write_text(
        f'#!/bin/sh\nPYTHONPATH="{REPO}" exec "{sys.executable}" -m ssmd "$@"\n'
    )
    (shim / "ssmd").chmod(0o755)
    logs: dict[str, subprocess.CompletedProcess[str]] = {}
    for index, step in enumerate(action["runs"]["steps"]):
        step_id = step.get("id", f"step{index}")
        assert step["shell"] == "bash" and "run" in step
        if step_id == "install" and not real_install:
            path_file.write_text(f"{shim}\n")
            continue

        def expand(text: object, known: dict[str, str] = values) -> str:
            return EXPRESSION.sub(lambda m: known[m.group(1)], str(text))

        output = runner / f"output-{index}"
        output.touch()
        extra_path = [line for line in path_file.read_text().splitlines() if line][::-1]
        env = clean_env(
            GITHUB_WORKSPACE=str(workspace),
            GITHUB_STEP_SUMMARY=str(summary),
            GITHUB_OUTPUT=str(output),
            GITHUB_PATH=str(path_file),
            GITHUB_ACTIONS="true",
            RUNNER_TEMP=str(temp),
            PATH=os.pathsep.join([*extra_path, os.environ["PATH"]]),
            **{k: expand(v) for k, v in step.get("env", {}).items()},
        )
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=expand(step.get("working-directory", workspace)),
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        logs[step_id] = done
        values |= {f"steps.{step_id}.outputs.{k}": v for k, v in read_outputs(output).items()}
        if done.returncode != 0:
            break
    return {"logs": logs, "values": values, "summary": summary.read_text()}


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A checked-out monorepo: a broken registry in infra/registry, a clean one in apps/."""
    top = tmp_path / "workspace"
    top.mkdir()
    git(top, "init", "-q", "-b", "main")
    write_registry(top / "infra" / "registry", BROKEN)
    write_registry(top / "apps" / "pricing")
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", "registries")
    return top


@pytest.mark.parametrize(
    "real_install",
    [
        False,
        True,
    ],
    ids=["checkout", "installed"],
)
def test_action_annotates_writes_sarif_and_a_summary(
    workspace: Path, tmp_path: Path, real_install: bool
) -> None:
    runner = tmp_path / "runner"
    runner.mkdir()
    # An uncommitted change shows in the summary of the change.
    feed = workspace / "apps/pricing/exchanges/feeds/kalshi.yaml"
    feed.write_text(feed.read_text().replace("wss://a.example.com/ws", "wss://b.example.com/ws"))
    ran = run_action(workspace, runner, {}, real_install)
    logs, values = ran["logs"], ran["values"]
    verdict = logs[list(logs)[-1]]
    assert verdict.returncode == 1, {k: v.stdout + v.stderr for k, v in logs.items()}
    annotations = [line for line in logs["validate"].stdout.splitlines() if line.startswith("::")]
    assert len(annotations) == 1
    assert annotations[0].startswith(
        "::error file=infra/registry/exchanges/feeds/kalshi.yaml,line=3,col=1,"
    )
    assert values["steps.validate.outputs.errors"] == "1"
    assert values["steps.validate.outputs.warnings"] == "0"
    sarif = workspace / values["steps.validate.outputs.sarif-file"]
    log = json.loads(sarif.read_text())
    jsonschema.validate(log, json.loads(SARIF_SCHEMA.read_text()))
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "infra/registry/exchanges/feeds/kalshi.yaml"
    summary = ran["summary"]
    assert summary.startswith("## ssmd\n\n**1 error, 0 warnings**\n")
    assert "### Registry `apps/pricing/`" in summary and "### Registry `infra/registry/`" in summary
    assert "wss://b.example.com/ws" in summary  # the change, as `ssmd plan` words it
    assert "<details><summary><code>dev</code></summary>" in summary, summary  # plan markdown


def test_action_with_paths_and_a_clean_registry_passes(workspace: Path, tmp_path: Path) -> None:
    runner = tmp_path / "runner"
    runner.mkdir()
    ran = run_action(workspace, runner, {"paths": "apps/pricing", "strict": "true"}, False)
    logs = ran["logs"]
    assert all(done.returncode == 0 for done in logs.values()), {
        k: v.stdout + v.stderr for k, v in logs.items()
    }
    assert "Verdict" not in ran["summary"]
    assert "### Registry `apps/pricing/`" in ran["summary"]
    assert "infra/registry" not in ran["summary"]
