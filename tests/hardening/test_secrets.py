"""No command prints a key's value, whatever it is asked to do.

Every variable an environment's `keys` make ssmd look at (KALSHI_API_KEY,
...), and the AWS credentials the data commands pass to boto3, are planted
with unique values; every CLI command then runs (successes, refusals, bad
input, --help) and no stdout or stderr may contain any planted value.
The test fails when a new command appears without an invocation here.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
from lsprotocol import types as lsp
from lsprotocol.converters import get_converter
from pytest_lsp import make_test_lsp_client

from ssmd.cli import app
from ssmd.document import Kind
from ssmd.models import Environment
from ssmd.workspace import Workspace
from tests.ls.lsp_helpers import (
    SERVER_COMMAND,
    accept_registrations,
    hover_at,
    open_document,
    start,
)

from .fuzzing import REPO, SAMPLE

lsp_converter = get_converter()


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
    ["validate", "--show-config"],
    ["validate", "--show-suppressed"],
    ["fmt", "--check"],
    ["fmt", "--diff"],
    ["diff"],
    ["commit", "-m", "planted"],
    ["plan"],  # after the commit above: HEAD exists
    ["plan", "--format", "markdown"],
    ["plan", "--format", "json"],
    ["validate", "--base", "HEAD"],
    ["log"],
    ["log", "env", "kalshi-prod", "--format", "json"],
    ["init", "--all"],  # into --root: every registry file exists (kept), the extras are written
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
    ["env", "resolve", "kalshi-prod"],
    ["env", "resolve", "kalshi-prod", "--format", "env"],
    ["env", "resolve", "kalshi-dev", "--format", "json", "--as-of", "2026-06-01"],
    ["json-schema", "--out", "json-schemas"],  # relative: into the registry folder (the cwd)
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
        if hasattr(command, "list_commands"):  # sub-commands load lazily (ssmd.cli.lazy)
            for name in command.list_commands(None):
                walk(command.get_command(None, name), [*prefix, name])
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
            cwd=registry,
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


# -- the language server -----------------------------------------------------------------


async def _server_responses(root: Path, planted: dict[str, str]) -> list[object]:
    """Ask ssmd-ls everything an editor asks about every line of every registry file."""
    client = make_test_lsp_client()
    accept_registrations(client)
    await client.start_io(*SERVER_COMMAND, "--verbose", env={**os.environ, **planted})
    answers: list[object] = [await start(client, root, "neovim")]
    try:
        paths = sorted(p for p in (root / "exchanges").rglob("*") if p.suffix == ".yaml")
        for path in paths:
            text = path.read_text(encoding="utf-8")
            target = path.as_uri()
            open_document(client, target, text)
            document = lsp.TextDocumentIdentifier(uri=target)
            lines = text.split("\n")
            for number, line in enumerate(lines):
                for column in {len(line) - len(line.lstrip()), line.find(":") + 2, len(line)}:
                    where = lsp.Position(line=number, character=max(0, min(column, len(line))))
                    answers.append(await hover_at(client, target, where.line, where.character))
                    if "environments" in path.parts:  # completions: the files naming keys
                        answers.append(
                            await asyncio.wait_for(
                                client.text_document_completion_async(
                                    lsp.CompletionParams(text_document=document, position=where)
                                ),
                                timeout=30,
                            )
                        )
            whole = lsp.Range(
                start=lsp.Position(line=0, character=0),
                end=lsp.Position(line=len(lines) - 1, character=0),
            )
            pulled = await client.text_document_diagnostic_async(
                lsp.DocumentDiagnosticParams(text_document=document)
            )
            answers.append(pulled)
            found = getattr(pulled, "items", [])
            answers.append(
                await client.text_document_inlay_hint_async(
                    lsp.InlayHintParams(text_document=document, range=whole)
                )
            )
            answers.append(
                await client.text_document_code_action_async(
                    lsp.CodeActionParams(
                        text_document=document,
                        range=whole,
                        context=lsp.CodeActionContext(diagnostics=list(found)),
                    )
                )
            )
            answers.append(
                await client.text_document_document_symbol_async(
                    lsp.DocumentSymbolParams(text_document=document)
                )
            )
        answers.append(
            await client.workspace_diagnostic_async(
                lsp.WorkspaceDiagnosticParams(previous_result_ids=[])
            )
        )
        answers.extend([client.messages, client.log_messages])
    finally:
        await client.shutdown_session()
        await client.stop()
    return answers


def test_no_server_response_or_log_contains_a_planted_secret(
    registry: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    variables = key_variables(registry)
    assert "KALSHI_API_KEY" in variables
    planted = {name: f"{SECRET_PREFIX}{name.lower()}-7f3a9c" for name in [*variables, *AWS]}
    answers = asyncio.run(_server_responses(registry, planted))
    hovers = [a for a in answers if isinstance(a, lsp.Hover)]
    assert len(hovers) > 20, "too few hovers answered: is the server working?"
    assert any("kalshi-dev" in json.dumps(to_json(h)) for h in hovers), (
        "no hover described an environment: the scan would not see a leak"
    )
    wire = json.dumps([to_json(a) for a in answers])
    log = capfd.readouterr().err
    assert "DEBUG" in log, "the server log was not captured"
    assert SECRET_PREFIX not in wire and "7f3a9c" not in wire, "a server response held a secret"
    assert SECRET_PREFIX not in log and "7f3a9c" not in log, "the server log held a secret"


def to_json(value: object) -> object:
    return lsp_converter.unstructure(value)
