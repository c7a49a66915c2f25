"""The Cap'n Proto text of one schema version.

The newest version on a file is the file in the work tree. An older version
that shares the file is found by its hash; `ssmd.history` (git) extends the
search to committed revisions.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from ssmd.models import Schema, SchemaVersion
from ssmd.workspace import Workspace, escapes_schemas_dir, schema_file_path


@dataclass(frozen=True, slots=True)
class VersionText:
    text: str | None
    source: str
    """Where the text came from, e.g. `work tree` or `git 1a2b3c4`."""
    problem: str | None = None


def version_text(workspace: Workspace, schema: Schema, version: SchemaVersion) -> VersionText:
    file = version.schema_file or schema.schema_file
    if escapes_schemas_dir(file):
        return VersionText(None, "nowhere", f"{file} is outside exchanges/schemas/")
    path = schema_file_path(file)
    content = workspace.capnp_bytes.get(path)
    if content is not None and "sha256:" + hashlib.sha256(content).hexdigest() == version.hash:
        return VersionText(content.decode("utf-8", "replace"), "work tree")
    return VersionText(
        None,
        "not found",
        f"the text of {schema.name}:{version.version} (hash {version.hash[:19]}...) is not "
        f"in the work tree's {file}",
    )
