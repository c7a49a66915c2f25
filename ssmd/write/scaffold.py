"""What `ssmd init` writes: a starter registry that validates clean, and optional CI/editor files.

Files are written only where nothing exists yet (never overwritten); the caller reports
what was written and what was kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from ssmd import __version__
from ssmd.git import work_tree_top

PROJECT_REPOSITORY = "ssmd/ssmd-metadata"
"""The GitHub repository of ssmd itself: the pre-commit hook and the GitHub Action live there."""


def capnp_file_id() -> str:
    """A fresh Cap'n Proto file id (64 bits, top bit set), as `capnp id` makes one."""
    return f"@0x{secrets.randbits(64) | (1 << 63):016x};"


def registry_files(today: dt.date) -> dict[str, str]:
    """The starter registry: one commented feed, a schema with its .capnp and hash, an env."""
    capnp = (
        f"{capnp_file_id()}\n"
        "# One trade as the feed handler writes it. Change a field only by adding a new one\n"
        "# with the next number (@3, @4...): readers of older data keep working.\n"
        "\n"
        "struct Trade {\n"
        "  timestamp @0 :UInt64;  # nanoseconds since the Unix epoch, UTC\n"
        "  price @1 :Float64;\n"
        "  size @2 :UInt32;\n"
        "}\n"
    )
    digest = hashlib.sha256(capnp.encode()).hexdigest()
    since = today.isoformat()
    feed = f"""\
# A market-data feed: where to connect and since when. The file name is the feed's name.
# Each version is in effect from its effective_from date until the next version's date;
# add a version (never edit an old one) when the endpoint or protocol changes.
# Rules and their codes: https://github.com/{PROJECT_REPOSITORY}/blob/main/docs/rules.md
name: example
display_name: Example Exchange
type: websocket
versions:
  - version: v1
    effective_from: {since}
    protocol: wss
    endpoint: wss://stream.example.com/ws
    supports_trades: true
calendar:
  timezone: UTC
  holiday_calendar: none
"""
    schema = f"""\
# A Cap'n Proto schema: its versions, their status and the sha256 of each .capnp file
# (a stale hash is an error: the registry must say exactly which bytes it means). To change
# the schema, register a new version from a later date:
#   ssmd schema register trade --file trade_v2.capnp --effective-from YYYY-MM-DD
# `ssmd schema hash trade` compares each file with its recorded hash; after editing a draft's
# file, the language server's quick fix records the new one.
name: trade
format: capnp
schema_file: trade.capnp
versions:
  - version: v1
    effective_from: {since}
    status: active
    hash: sha256:{digest}
"""
    environment = """\
# An environment: which feed and schema version a deployment uses, and where its data lives.
name: example-dev
feed: example
schema: trade:v1
transport:
  type: none
"""
    return {
        "exchanges/feeds/example.yaml": feed,
        "exchanges/schemas/trade.capnp": capnp,
        "exchanges/schemas/trade.yaml": schema,
        "exchanges/environments/example-dev.yaml": environment,
    }


def pre_commit_repo() -> str:
    """The `repos:` entry for ssmd's hook, as a list item of `repos:`."""
    return f"""\
  - repo: https://github.com/{PROJECT_REPOSITORY}
    rev: v{__version__}
    hooks:
      - id: ssmd-validate
"""


def pre_commit_config() -> str:
    return (
        "# pre-commit (https://pre-commit.com): `pipx install pre-commit && pre-commit install`\n"
        f"repos:\n{pre_commit_repo()}"
    )


def github_workflow() -> str:
    return f"""\
# Validate the registry on every push and pull request (annotations on the diff,
# code scanning alerts from SARIF, a summary of the change on the run page).
name: ssmd
on:
  push:
  pull_request:
permissions:
  contents: read
  security-events: write
jobs:
  validate:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - uses: {PROJECT_REPOSITORY}@v{__version__}
"""


def vscode_extensions() -> str:
    return '{\n  "recommendations": ["ssmd.ssmd"]\n}\n'


EXTRAS = {
    "pre-commit": {".pre-commit-config.yaml": pre_commit_config},
    "github": {".github/workflows/ssmd.yml": github_workflow},
    "vscode": {".vscode/extensions.json": vscode_extensions},
}
"""Optional files `ssmd init` writes on request, by option name."""

AT_REPOSITORY_TOP = frozenset({"pre-commit", "github"})
"""Extras read only at the top of a git work tree: pre-commit looks for its config there, and
GitHub for workflows in the top's .github/workflows/. Beside a registry in a subfolder of a
repository they would never run, so they go to the top (`.vscode/` stays with the registry:
VS Code reads it in whichever folder is opened)."""


def repository_top(target: Path) -> Path | None:
    """The top of the git work tree `target` is (or will be) in, relative like `target`
    (`../..` for `infra/registry`); None outside git."""
    existing = target.absolute()
    while not existing.exists():
        existing = existing.parent
    top = work_tree_top(existing)
    if top is None or target.is_absolute():
        return top
    return Path(os.path.relpath(top))


@dataclass
class Scaffolded:
    """The files written and kept, as paths: `target / ...`, or the repository top's."""

    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)
    advice: list[str] = field(default_factory=list)
    """What to do by hand where a kept file lacks what was asked for (sentences)."""


def scaffold(target: Path, extras: list[str], today: dt.date) -> Scaffolded:
    """Write the starter files under `target` (repository files at the git top, see
    AT_REPOSITORY_TOP), skipping every file that already exists."""
    files = {target / relative: text for relative, text in registry_files(today).items()}
    top = repository_top(target) if AT_REPOSITORY_TOP.intersection(extras) else None
    for extra in extras:
        base = top if top is not None and extra in AT_REPOSITORY_TOP else target
        files.update({base / relative: make() for relative, make in EXTRAS[extra].items()})
    outcome = Scaffolded()
    pair = [target / "exchanges/schemas/trade.yaml", target / "exchanges/schemas/trade.capnp"]
    if any(p.exists() for p in pair):
        # trade.yaml holds the hash of the .capnp written with it: never pair a new one
        # with an existing one, or the registry would start with a stale hash.
        for path in pair:
            files.pop(path)
            if path.exists():
                outcome.kept.append(path)
    for path, text in files.items():
        if path.exists() or path.is_symlink():
            outcome.kept.append(path)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8", newline="\n") as handle:  # "x": never overwrite
            handle.write(text)
        outcome.written.append(path)
    outcome.advice = _advice(outcome.kept)
    return outcome


def _advice(kept: list[Path]) -> list[str]:
    """A kept pre-commit config without ssmd's hook runs nothing of ssmd: say what to add."""
    for path in kept:
        if path.name != ".pre-commit-config.yaml":
            continue
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if "ssmd-validate" not in text:
            return [
                f"{path.as_posix()} has no ssmd hook, so pre-commit will not run ssmd; "
                f"add this entry under its repos:\n{pre_commit_repo().rstrip()}"
            ]
    return []
