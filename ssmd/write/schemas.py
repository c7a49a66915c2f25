"""`schema register` and `schema set-status` as changes to validate and write."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

from ssmd.confine import schema_file_path
from ssmd.document import Kind, registry_path
from ssmd.introspect import model_keys
from ssmd.models import Schema, SchemaStatus, SchemaVersion
from ssmd.resolve import SchemaRef, today
from ssmd.workspace import Workspace
from ssmd.write.proposal import (
    Proposal,
    WriteRefused,
    date_position,
    editable,
    encode,
    existing,
    next_version_id,
    require_name,
    require_new,
)
from ssmd.write.textedit import TextDocument

VERSION_KEYS = model_keys(SchemaVersion)


def content_hash(content: bytes) -> str:
    return "sha256:" + hashlib.sha256(content).hexdigest()


def register_schema(
    workspace: Workspace, name: str, source: Path, effective_from: dt.date | None = None
) -> Proposal:
    """Compile `source`, copy it into exchanges/schemas/ and record a draft version of it.

    A new schema gets a file with v1; an existing one gets the next version id.
    Content some version already records is not registered twice (an empty change
    whose summary names that version).
    """
    require_name(Kind.SCHEMA, name)
    content = _read_capnp(source)
    file_name = source.name
    target = schema_file_path(file_name)
    digest = content_hash(content)
    _require_not_another_schemas_file(workspace, name, target)
    _require_compiles(workspace, source, target, content)
    date = effective_from or today()
    files = {} if workspace.capnp_bytes.get(target) == content else {target: content}

    document = workspace.named(Kind.SCHEMA, name)
    if document is None:
        path = registry_path(Kind.SCHEMA, name)
        require_new(workspace, Kind.SCHEMA, name, path)
        data: dict[str, Any] = {
            "name": name,
            "format": "capnp",
            "schema_file": file_name,
            "versions": [
                {"version": "v1", "effective_from": date, "status": "draft", "hash": digest}
            ],
        }
        files[path] = encode(TextDocument.new(data, path))
        return Proposal(
            files, [f"schema {name}: created with v1 (draft), effective {date}, {file_name}"]
        )

    document = existing(workspace, Kind.SCHEMA, name, "")
    schema = document.model
    assert isinstance(schema, Schema)
    same = next((v for v in schema.versions if v.hash == digest), None)
    if same is not None:
        return Proposal(
            {},
            [
                f"schema {name}: {name}:{same.version} ({same.status.value}) already has this "
                f"content ({digest[:19]}...); nothing registered"
            ],
        )
    version = next_version_id([v.version for v in schema.versions])
    entry: dict[str, Any] = {
        "version": version,
        "effective_from": date,
        "status": "draft",
        "hash": digest,
    }
    if file_name != schema.schema_file:
        entry["schema_file"] = file_name
    editor = editable(document)
    items = editor.data["versions"]
    editor.insert_item(("versions",), date_position(items, date), entry)
    files[document.path] = encode(editor)
    return Proposal(
        files, [f"schema {name}: version {version} added (draft), effective {date}, {file_name}"]
    )


def _require_not_another_schemas_file(workspace: Workspace, name: str, target: str) -> None:
    """Copying over a file another schema records would silently change that schema."""
    for document in workspace.of_kind(Kind.SCHEMA):
        other = document.model
        if not isinstance(other, Schema) or other.name == name:
            continue
        if target in workspace.schema_files(other):
            raise WriteRefused(
                f"{Path(target).name} is schema {other.name}'s file ({document.path}); "
                f"registering it for {name} would change {other.name}. Give the file another "
                f"name (e.g. {name}.capnp) and run again"
            )


def _read_capnp(source: Path) -> bytes:
    if source.suffix != ".capnp":
        raise WriteRefused(f"{source} is not a Cap'n Proto file: its name must end in .capnp")
    try:
        content = source.read_bytes()
        content.decode("utf-8")
    except OSError as error:
        raise WriteRefused(f"cannot read {source}: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise WriteRefused(
            f"{source} is not UTF-8 text (byte {error.start}); save it as UTF-8 and run again"
        ) from None
    return content


def _require_compiles(workspace: Workspace, source: Path, target: str, content: bytes) -> None:
    """Compile the file as it will sit in exchanges/schemas/ (its imports resolve there)."""
    files = {**workspace.capnp_bytes, target: content}
    result = workspace.compiler.compile(files, [target])[target]
    if result.ok:
        return
    lines = []
    for error in result.errors:
        where = str(source) if error.file == target else error.file
        column = f":{error.column + 1}" if error.column is not None else ""
        lines.append(f"{where}:{error.line + 1}{column}: {error.message}")
    raise WriteRefused(
        f"{source} does not compile, so it was not registered; fix it and run again:\n  "
        + "\n  ".join(lines)
    )


def set_schema_status(workspace: Workspace, reference: str, status: SchemaStatus) -> Proposal:
    """Move one version along draft -> active -> deprecated; never backwards."""
    try:
        ref = SchemaRef.parse(reference)
    except ValueError as error:
        raise WriteRefused(str(error)) from None
    if not ref.pinned:
        raise WriteRefused(f"name the version: write {ref.name}:VERSION, e.g. {ref.name}:v1")
    document = existing(workspace, Kind.SCHEMA, ref.name, "register it with `ssmd schema register`")
    schema = document.model
    assert isinstance(schema, Schema)
    index = next((i for i, v in enumerate(schema.versions) if v.version == ref.version), None)
    if index is None:
        versions = ", ".join(v.version for v in schema.versions)
        raise WriteRefused(f"schema {ref.name} has no version {ref.version} (versions: {versions})")
    current = schema.versions[index].status
    if current is status:
        return Proposal({}, [f"{ref} is already {status.value}; nothing changed"])
    if status.rank < current.rank:
        raise WriteRefused(
            f"{ref} is {current.value} and cannot go back to {status.value}: a status only moves "
            "forward (draft -> active -> deprecated), because data may already have been written "
            f"with it; to change the schema, register a new version "
            f"(`ssmd schema register {ref.name} --file FILE.capnp`)"
        )
    editor = editable(document)
    source_index = document.source_path(("versions", index))[1]
    editor.set_value(("versions", source_index), "status", status.value, VERSION_KEYS)
    return Proposal(
        {document.path: encode(editor)}, [f"{ref}: status {current.value} -> {status.value}"]
    )
