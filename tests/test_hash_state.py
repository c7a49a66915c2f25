"""One core decision for "does the recorded hash still hold": `ssmd.views.version_hash`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ssmd.models import Schema
from ssmd.views import HashState, schema_view, version_hash
from ssmd.workspace import Workspace

TRADE = "exchanges/schemas/trade.yaml"


def _trade(workspace: Workspace) -> Schema:
    schema = workspace.schema("trade")
    assert schema is not None
    return schema


def _with_v2_file(sample_root: Path, schema_file: str) -> Workspace:
    workspace = Workspace.load(sample_root)
    text = (sample_root / TRADE).read_text(encoding="utf-8")
    workspace.set_text(
        TRADE, text.replace("schema_file: trade.v2.capnp", f"schema_file: {schema_file}")
    )
    return workspace


def test_the_sample_hashes_match_and_the_file_hash_is_given(sample_root: Path) -> None:
    workspace = Workspace.load(sample_root)
    checked = [version_hash(workspace, _trade(workspace), v) for v in _trade(workspace).versions]
    assert [c.state for c in checked] == [HashState.MATCHES, HashState.MATCHES]
    assert [c.actual for c in checked] == [v.hash for v in _trade(workspace).versions]
    assert not any(c.state.mismatch for c in checked)


@pytest.mark.parametrize(
    ("schema_file", "state"),
    [("gone.capnp", HashState.FILE_MISSING), ("../../outside.capnp", HashState.FILE_OUTSIDE)],
)
def test_a_file_that_cannot_be_hashed_is_a_mismatch_without_a_hash(
    sample_root: Path, schema_file: str, state: HashState
) -> None:
    workspace = _with_v2_file(sample_root, schema_file)
    v2 = _trade(workspace).versions[1]
    checked = version_hash(workspace, _trade(workspace), v2)
    assert (checked.state, checked.actual, checked.file) == (state, None, schema_file)
    assert checked.state.mismatch


def test_an_older_version_of_a_changed_file_is_no_mismatch(sample_root: Path) -> None:
    # v2 records trade.capnp too, and the file is edited: both hashes differ from it, but
    # only v2's must hold (v1's content is in git history).
    workspace = _with_v2_file(sample_root, "trade.capnp")
    capnp = "exchanges/schemas/trade.capnp"
    workspace.set_bytes(capnp, (sample_root / capnp).read_bytes() + b"# edited\n")
    v1, v2 = _trade(workspace).versions
    assert version_hash(workspace, _trade(workspace), v1).state is HashState.OLDER
    assert version_hash(workspace, _trade(workspace), v2).state is HashState.DIFFERS
    assert not HashState.OLDER.mismatch and HashState.DIFFERS.mismatch


def test_the_json_view_keeps_the_plain_strings(sample_root: Path) -> None:
    workspace = _with_v2_file(sample_root, "gone.capnp")
    view = schema_view(workspace, _trade(workspace), _trade(workspace).versions[0].effective_from)
    states = [v["hash_state"] for v in json.loads(view.model_dump_json())["versions"]]
    assert states == ["matches", "file missing"]
