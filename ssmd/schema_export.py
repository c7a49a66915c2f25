"""JSON Schemas of the registry's file kinds, generated from the pydantic models.

For editors without ssmd-ls (yaml-language-server in VS Code, Helix, Emacs,
JetBrains): strict schemas (unknown keys refused, enums and patterns kept, each
field's description shown on hover) and a SchemaStore-style catalog whose
`fileMatch` globs map `exchanges/<kind>/*.yaml` to its schema. They check the
structure of one file only: cross-file references need ssmd-ls or `ssmd validate`.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from ssmd.models import Environment, Feed, Schema

DRAFT = "https://json-schema.org/draft/2020-12/schema"
CATALOG_SCHEMA = "https://json.schemastore.org/schema-catalog.json"
KINDS: dict[str, tuple[type[BaseModel], str, str]] = {
    "feed": (Feed, "feeds", "An ssmd feed: a market-data source and its versions."),
    "schema": (Schema, "schemas", "An ssmd schema: a Cap'n Proto file and its versions."),
    "environment": (
        Environment,
        "environments",
        "An ssmd environment: the feed, schema, keys, transport and storage one deployment uses.",
    ),
}
"""kind -> (model, folder under exchanges/, description)."""


def file_name(kind: str) -> str:
    return f"ssmd-{kind}.schema.json"


def file_match(folder: str) -> list[str]:
    return [f"**/exchanges/{folder}/*.yaml"]


def schema_of(kind: str) -> dict[str, Any]:
    model, _, description = KINDS[kind]
    generated = model.model_json_schema(by_alias=True, mode="validation")
    return {"$schema": DRAFT, "$id": file_name(kind), "description": description, **generated}


def catalog(base_url: str = "") -> dict[str, Any]:
    """The catalog; each `url` is `base_url` + the schema's file name (relative when empty)."""
    return {
        "$schema": CATALOG_SCHEMA,
        "version": 1,
        "schemas": [
            {
                "name": f"ssmd {kind}",
                "description": description,
                "fileMatch": file_match(folder),
                "url": base_url + file_name(kind),
            }
            for kind, (_, folder, description) in KINDS.items()
        ],
    }


def rendered(base_url: str = "") -> dict[str, str]:
    """Every file `ssmd json-schema` writes: name -> text (stable, newline-terminated)."""
    files = {file_name(kind): schema_of(kind) for kind in KINDS}
    files["catalog.json"] = catalog(base_url)
    return {
        name: json.dumps(value, indent=2, sort_keys=False) + "\n" for name, value in files.items()
    }
