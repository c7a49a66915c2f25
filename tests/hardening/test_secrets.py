"""No command prints a key's value, whatever it is asked to do.

Every variable an environment's `keys` make ssmd look at (KALSHI_API_KEY,
...), and the AWS credentials the data commands pass to boto3, are planted
with unique values; every CLI command then runs (successes, refusals, bad
input, --help) and no stdout or stderr may contain any planted value.
The test fails when a new command appears without an invocation here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

from ssmd.cli import app
from ssmd.document import Kind
from ssmd.models import Environment
from ssmd.workspace import Workspace

from .fuzzing import REPO, SAMPLE


def key_variables(root: Path) -> list[str]:
    """The variable names the environments' `keys` declare (NAME_FIELD, upper case)."""
    workspace = Workspace.load(root)
    names = set()
    for document in workspace.of_kind(Kind.ENVIRONMENT):
        if isinstance(document.model, Environment):
            for key_name, key in (document.model.keys or {}).items():
                for field in key.fields:
                    names.add(f"{key_name}_{field}".upper().replace("-", "_"))
    return sorted(names)


SECRET_PREFIX = "planted-secret-"
AWS = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"]

INVOCATIONS: list[list[str]] = [
    ["validate"],
    ["validate", "--format", "json"],
    ["validate", "--format", "sarif"],
    ["validate", "--format", "github"],
    ["diff"],
    ["commit", "-m", "planted"],
    ["feed", "list"],
    ["feed", "list", "--json"],
    ["feed", "show", "kalshi"],
    ["feed", "show", "kalshi", "--json", "--as-of", "2025-06-01"],
    ["feed", "show", "nosuch"],
    ["feed", "create", "newfeed", "--type", "websocket", "--endpoint", "wss://x.example/ws"],
    ["feed", "add-version", "kalshi", "--effective-from", "2031-01-01"],
    ["schema", "list"],
    ["schema", "show", "trade"],
    ["schema", "show", "trade:v2", "--as-of", "2026-06-01"],
    ["schema", "hash", "trade"],
    ["schema", "diff", "trade:v1", "trade:v2"],
    ["schema", "register", "trade", "--file", "exchanges/schemas/trade.v2.capnp"],
    ["schema", "set-status", "trade:v2", "active"],
    ["env", "list"],
    ["env", "list", "--json"],
    ["env", "show", "kalshi-dev"],
    ["env", "show", "kalshi-prod", "--json"],
    ["env", "show", "polymarket-dev"],
    ["env", "create", "kalshi-qa", "--feed", "kalshi", "--schema", "trade:v1"],
    ["env", "update", "kalshi-dev", "--schema", "trade"],
    [
        "data",
        "inventory",
        "--feed",
        "kalshi",
        "--from",
        "2025-12-01",
        "--to",
        "2025-12-05",
        "--env",
        "kalshi-dev",
    ],
    ["data", "gaps", "--feed", "kalshi", "--date", "2025-12-03", "--env", "kalshi-dev"],
    ["data", "quality", "--feed", "kalshi", "--date", "2025-12-03", "--env", "kalshi-dev"],
    [
        "data",
        "inventory",
        "--feed",
        "kalshi",
        "--from",
        "2025-12-01",
        "--to",
        "2025-12-02",
        "--env",
        "kalshi-prod",
    ],
]


def leaf_commands() -> set[str]:
    found: set[str] = set()

    def walk(command: object, prefix: list[str]) -> None:
        children = getattr(command, "commands", None)
        if children:
            for name, child in children.items():
                walk(child, [*prefix, name])
        else:
            found.add(" ".join(prefix))

    walk(typer.main.get_command(app), [])
    return found


def test_every_command_is_exercised() -> None:
    exercised = {
        " ".join(i[:2]) if i[0] in ("feed", "schema", "env", "data") else i[0] for i in INVOCATIONS
    }
    missing = leaf_commands() - exercised
    assert not missing, f"add a planted-secret invocation for: {sorted(missing)}"


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    root = tmp_path / "registry"
    shutil.copytree(SAMPLE, root / "exchanges")
    if (REPO / "sample-data").is_dir():
        shutil.copytree(REPO / "sample-data", root / "sample-data")
    subprocess.run(["git", "init", "--quiet", str(root)], check=True)
    return root


def test_no_output_contains_a_planted_secret(registry: Path) -> None:
    variables = key_variables(registry)
    assert "KALSHI_API_KEY" in variables  # the sample declares it: the plant is real
    planted = {name: f"{SECRET_PREFIX}{name.lower()}-7f3a9c" for name in [*variables, *AWS]}
    commands = [*INVOCATIONS, ["--help"], ["data", "--help"]]
    for arguments in commands:
        result = subprocess.run(
            [sys.executable, "-m", "ssmd", "--root", str(registry), *arguments],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env={
                **os.environ,
                **planted,
                "GIT_AUTHOR_NAME": "t",
                "GIT_AUTHOR_EMAIL": "t@x",
                "GIT_COMMITTER_NAME": "t",
                "GIT_COMMITTER_EMAIL": "t@x",
                "AWS_EC2_METADATA_DISABLED": "true",
                # S3 goes to a closed loopback port: the error path runs, nothing leaves the host
                "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
                "AWS_MAX_ATTEMPTS": "1",
            },
        )
        output = result.stdout + result.stderr
        assert "Traceback" not in output, f"ssmd {' '.join(arguments)} crashed:\n{output}"
        assert result.returncode in (0, 1), f"ssmd {' '.join(arguments)}: usage error\n{output}"
        assert SECRET_PREFIX not in output, f"ssmd {' '.join(arguments)} printed a secret"
        assert "7f3a9c" not in output


def test_env_show_says_which_variables_are_set_never_their_values(registry: Path) -> None:
    planted = {"KALSHI_API_KEY": SECRET_PREFIX + "one"}
    result = subprocess.run(
        [sys.executable, "-m", "ssmd", "--root", str(registry), "env", "show", "kalshi-dev"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, **planted},
    )
    lines = {line.split()[0]: line for line in result.stdout.splitlines() if "KALSHI_API" in line}
    assert "NOT SET" not in lines["KALSHI_API_KEY"] and "set" in lines["KALSHI_API_KEY"]
    assert "NOT SET" in lines["KALSHI_API_SECRET"]
    assert SECRET_PREFIX not in result.stdout + result.stderr
