"""`ssmd json-schema`: the schemas accept the registry's files and refuse what the models refuse.

Why: users of yaml-language-server without ssmd-ls see only what these schemas say,
so a schema looser or stricter than the models would teach them the wrong format.
The committed copy in schemas/ is what editors fetch; it must stay generated.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from ssmd.models import Environment, Feed, Schema
from ssmd.schema_export import KINDS, file_name, rendered

REPO = Path(__file__).resolve().parents[2]
SAMPLES = sorted(
    p
    for base in (REPO / "exchanges", REPO / "tests/write/decorated/exchanges")
    for p in base.glob("*/*.yaml")
)
FOLDER_KIND = {folder: kind for kind, (_, folder, _) in KINDS.items()}


def as_json(value: Any) -> Any:
    """What a YAML 1.2 editor sees: dates are strings."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


def validator(kind: str) -> Draft202012Validator:
    schema = json.loads(rendered()[file_name(kind)])
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_cli_writes_the_committed_schemas(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ssmd", "json-schema", "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    written = {p.name: p.read_text() for p in (tmp_path / "out").iterdir()}
    assert written == rendered()
    committed = {p.name: p.read_text() for p in (REPO / "schemas").glob("*.json")}
    assert committed == written, (
        "schemas/ drifted from the models: run `ssmd json-schema --out schemas` and commit"
    )


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_sample_file_validates(path: Path) -> None:
    document = as_json(yaml.safe_load(path.read_text()))
    errors = list(validator(FOLDER_KIND[path.parent.name]).iter_errors(document))
    assert errors == [], [e.message for e in errors]


def test_unknown_key_wrong_enum_and_bad_pattern_are_refused_like_the_models() -> None:
    feed = as_json(yaml.safe_load((REPO / "exchanges/feeds/kalshi.yaml").read_text()))
    env = as_json(yaml.safe_load((REPO / "exchanges/environments/kalshi-dev.yaml").read_text()))
    schema = as_json(yaml.safe_load((REPO / "exchanges/schemas/trade.yaml").read_text()))
    cases: list[tuple[str, type[Feed | Schema | Environment], dict[str, Any], str]] = [
        ("feed", Feed, {**feed, "colour": "blue"}, "colour"),
        ("feed", Feed, {**feed, "type": "carrier-pigeon"}, "carrier-pigeon"),
        ("feed", Feed, {**feed, "name": "Kalshi"}, "Kalshi"),
        ("environment", Environment, {**env, "schema": "trade:1"}, "trade:1"),
        ("environment", Environment, {**env, "keys": {"k": {"type": "api_key", "x": 1}}}, "x"),
        (
            "schema",
            Schema,
            {**schema, "versions": [{**schema["versions"][0], "hash": "md5:1"}]},
            "md5",
        ),
    ]
    for kind, model, document, needle in cases:
        errors = list(validator(kind).iter_errors(document))
        assert errors, f"the {kind} schema accepts {needle!r}"
        assert any(needle in e.message for e in errors), [e.message for e in errors]
        with pytest.raises(ValueError):
            model.model_validate(document)  # the models refuse the same document


def test_schemas_carry_descriptions_enums_and_the_catalog_maps_each_folder() -> None:
    feed = json.loads(rendered()[file_name("feed")])
    assert feed["additionalProperties"] is False
    assert feed["properties"]["name"]["description"]
    assert feed["$defs"]["FeedType"]["enum"] == ["websocket", "rest", "fix", "multicast", "file"]
    catalog = json.loads(rendered()["catalog.json"])
    assert {entry["url"]: entry["fileMatch"] for entry in catalog["schemas"]} == {
        "ssmd-feed.schema.json": ["**/exchanges/feeds/*.yaml"],
        "ssmd-schema.schema.json": ["**/exchanges/schemas/*.yaml"],
        "ssmd-environment.schema.json": ["**/exchanges/environments/*.yaml"],
    }
    based = json.loads(rendered("https://example.com/s/")["catalog.json"])
    assert based["schemas"][0]["url"] == "https://example.com/s/ssmd-feed.schema.json"
