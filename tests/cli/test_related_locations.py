"""A finding's second place (an alias's anchor, a duplicate key's first occurrence) in every
output of `ssmd validate`: a text `note:` line, JSON `related`, SARIF `relatedLocations`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.cli.test_validate_cli import CAPNP, SCHEMA, sarif_validator
from tests.conftest import WriteFiles, run_ssmd

FEED = "exchanges/feeds/kalshi.yaml"
ENV = "exchanges/environments/dev.yaml"
ALIASED = """\
name: kalshi
type: websocket
versions:
  - version: v1
    effective_from: 2024-01-01
    protocol: &p carrier
    endpoint: wss://a.example.com/ws
  - version: v2
    effective_from: 2025-01-01
    protocol: *p
    endpoint: wss://a.example.com/ws
"""
"""`carrier` is not a protocol: one finding at the anchor's value (6:15), one at the alias
(10:15) whose related place is the anchor's value."""
TWICE = "name: dev\nfeed: kalshi\nschema: trade:v1\nfeed: kalshi\n"

ANCHOR_NOTE = "defined here, at the anchor &p (the alias *p repeats it)"


@pytest.fixture
def root(write_files: WriteFiles) -> Path:
    return write_files(
        {
            FEED: ALIASED,
            "exchanges/schemas/trade.capnp": CAPNP,
            "exchanges/schemas/trade.yaml": SCHEMA,
            ENV: TWICE,
        }
    )


def test_text_output_puts_a_gcc_note_under_the_finding(root: Path) -> None:
    result = run_ssmd("validate", root=root, cwd=root)
    lines = result.stdout.splitlines()
    alias = next(i for i, line in enumerate(lines) if line.startswith(f"{FEED}:10:15: error "))
    assert lines[alias + 1] == f"{FEED}:6:15: note: {ANCHOR_NOTE}"
    duplicate = next(i for i, line in enumerate(lines) if line.startswith(f"{ENV}:4:1: error "))
    assert re.match(rf"{ENV}:4:1: error SSMD002 duplicate key 'feed'", lines[duplicate])
    assert lines[duplicate + 1] == f"{ENV}:2:1: note: first defined here"
    anchor = next(i for i, line in enumerate(lines) if line.startswith(f"{FEED}:6:15: error "))
    assert not lines[anchor + 1].startswith(f"{FEED}:6:15: note")  # the anchor's own: none
    notes = [line for line in lines if ": note: " in line]
    assert len(notes) == 2


def test_json_output_has_related_for_every_finding(root: Path) -> None:
    payload = json.loads(run_ssmd("validate", "--format", "json", root=root).stdout)
    by_place = {(d["file"], d["line"], d["column"]): d for d in payload["diagnostics"]}
    assert by_place[(FEED, 10, 15)]["related"] == [
        {
            "file": FEED,
            "line": 6,
            "column": 15,
            "end_line": 6,
            "end_column": 25,
            "message": ANCHOR_NOTE,
        }
    ]
    assert by_place[(FEED, 6, 15)]["related"] == []
    assert by_place[(ENV, 4, 1)]["related"] == [
        {
            "file": ENV,
            "line": 2,
            "column": 1,
            "end_line": 2,
            "end_column": 5,
            "message": "first defined here",
        }
    ]


def test_sarif_output_has_related_locations_and_validates(root: Path) -> None:
    log = json.loads(run_ssmd("validate", "--format", "sarif", root=root).stdout)
    errors = sorted(sarif_validator().iter_errors(log), key=lambda e: list(e.path))
    assert errors == [], [f"{list(e.path)}: {e.message}" for e in errors]
    results = log["runs"][0]["results"]

    def at(uri: str, line: int, column: int) -> dict[str, object]:
        return next(
            r
            for r in results
            if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == uri
            and r["locations"][0]["physicalLocation"]["region"]["startLine"] == line
            and r["locations"][0]["physicalLocation"]["region"]["startColumn"] == column
        )

    assert at(FEED, 10, 15)["relatedLocations"] == [
        {
            "id": 0,
            "physicalLocation": {
                "artifactLocation": {"uri": FEED, "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 6, "startColumn": 15, "endLine": 6, "endColumn": 25},
            },
            "message": {"text": ANCHOR_NOTE},
        }
    ]
    assert "relatedLocations" not in at(FEED, 6, 15)
    duplicate = at(ENV, 4, 1)["relatedLocations"]
    assert isinstance(duplicate, list)
    assert duplicate[0]["physicalLocation"]["region"] == {
        "startLine": 2,
        "startColumn": 1,
        "endLine": 2,
        "endColumn": 5,
    }
