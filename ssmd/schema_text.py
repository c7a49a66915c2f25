"""The Cap'n Proto text of one schema version.

The newest version on a file is the file in the work tree. An older version
that shares the file is found by its hash among the file's committed
revisions (`ssmd.history`), so `ssmd schema show trade:v1` prints v1's exact
bytes after the file has moved on, and says which commit they came from.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from ssmd.confine import escapes_schemas_dir, schema_file_path
from ssmd.models import Schema, SchemaVersion
from ssmd.workspace import Workspace


@dataclass(frozen=True, slots=True)
class VersionText:
    text: str | None
    source: str
    """Where the text came from, e.g. `work tree` or `git 1a2b3c4 (2025-06-01)`."""
    problem: str | None = None
    content: bytes | None = None
    """The exact bytes (the hash covers these, not the decoded text)."""
    commit: str | None = None
    """The commit the bytes were read from, when they came from history."""


def version_text(workspace: Workspace, schema: Schema, version: SchemaVersion) -> VersionText:
    file = version.schema_file or schema.schema_file
    if escapes_schemas_dir(file):
        return VersionText(None, "nowhere", f"{file} is outside exchanges/schemas/")
    path = schema_file_path(file)
    content = workspace.capnp_bytes.get(path)
    if content is not None and "sha256:" + hashlib.sha256(content).hexdigest() == version.hash:
        where = "work tree" if workspace.commit is None else f"git {workspace.commit[:7]}"
        return VersionText(content.decode("utf-8", "replace"), where, content=content)
    history = workspace.history
    revision = history.find(path, version.hash) if history.available else None
    if revision is not None:
        committed = history.content(revision)
        if committed is not None:
            return VersionText(
                committed.decode("utf-8", "replace"),
                history.describe(revision),
                content=committed,
                commit=revision.commit,
            )
    refused = workspace.documents.get(path)
    if content is None and refused is not None and refused.problems:
        # Not read at all (too large, or a link pointing out of the registry): say that.
        cause = refused.problems[0].message
        return VersionText(None, "not read", f"{file} was not read: {cause}")
    where = f"the work tree's {file}"
    if history.available:
        where += " or any committed revision of it"
    else:
        where += f" ({history.problem})"
    return VersionText(
        None,
        "not found",
        f"the text of {schema.name}:{version.version} (hash {version.hash[:19]}...) is not in "
        + where,
    )
