"""`ssmd json-schema`: write the JSON Schemas of feeds, schemas and environments, and a catalog."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ssmd.cli.common import fail
from ssmd.schema_export import rendered


def register(app: typer.Typer) -> None:
    @app.command("json-schema")
    def json_schema(
        out: Annotated[
            Path,
            typer.Option("--out", help="Folder to write the schemas and catalog.json into."),
        ] = Path("schemas"),
        base_url: Annotated[
            str,
            typer.Option(
                "--base-url",
                help="Prefix of each schema's URL in catalog.json, e.g. "
                "https://example.com/ssmd/schemas/ (default: names relative to the catalog).",
            ),
        ] = "",
    ) -> None:
        """Write one strict JSON Schema per file kind and a SchemaStore-style catalog.

        For editors that run yaml-language-server without ssmd-ls: structure, enums and
        descriptions of one file (references across files need ssmd-ls or ssmd validate).
        Example: ssmd json-schema --out schemas
        """
        files = rendered(base_url)
        try:
            out.mkdir(parents=True, exist_ok=True)
            for name, text in files.items():
                (out / name).write_text(text, encoding="utf-8")
        except OSError as error:
            fail(f"cannot write the schemas into {out}: {error.strerror or error}")
        typer.echo(f"wrote {len(files)} files into {out}")
