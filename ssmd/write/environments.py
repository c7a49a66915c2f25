"""`env create` and `env update` as changes to validate and write.

Unknown feeds, unknown schemas or versions and draft schemas are refused by
the validation every change goes through (SSMD301-304), with the rules' own
"did you mean" messages, before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ssmd.document import Kind, registry_path
from ssmd.introspect import model_keys
from ssmd.models import (
    NAME_PATTERN,
    Environment,
    KeySource,
    KeySpec,
    KeyType,
    Storage,
    StorageType,
    Transport,
    TransportType,
)
from ssmd.workspace import Workspace
from ssmd.write.proposal import (
    Proposal,
    WriteRefused,
    editable,
    encode,
    existing,
    require_name,
    require_new,
)
from ssmd.write.textedit import TextDocument
from ssmd.yamlemit import FlowList

ENVIRONMENT_KEYS = model_keys(Environment)
STORAGE_KEYS = model_keys(Storage)
KEY_SPEC_KEYS = model_keys(KeySpec)
_FIELD = NAME_PATTERN
TRANSPORT_KEYS = model_keys(Transport)


@dataclass(frozen=True, slots=True)
class Placement:
    """Transport and storage options given on the command line (None = not given)."""

    transport_url: str | None = None
    no_transport: bool = False
    storage_path: str | None = None
    s3_raw_bucket: str | None = None
    s3_normalized_bucket: str | None = None
    s3_prefix: str | None = None
    s3_region: str | None = None
    s3_endpoint_url: str | None = None

    def transport(self) -> dict[str, Any] | None:
        if self.transport_url is not None and self.no_transport:
            raise WriteRefused("give either --transport-url or --no-transport, not both")
        if self.transport_url is not None:
            return {"type": TransportType.NATS.value, "url": self.transport_url}
        if self.no_transport:
            return {"type": TransportType.NONE.value}
        return None

    def storage(self) -> dict[str, Any] | None:
        s3 = {
            "raw_bucket": self.s3_raw_bucket,
            "normalized_bucket": self.s3_normalized_bucket,
            "prefix": self.s3_prefix,
            "region": self.s3_region,
            "endpoint_url": self.s3_endpoint_url,
        }
        s3 = {key: value for key, value in s3.items() if value is not None}
        if self.storage_path is not None and s3:
            raise WriteRefused(
                "give either --storage-path (local storage) or --s3-* options, not both"
            )
        if self.storage_path is not None:
            return {"type": StorageType.LOCAL.value, "path": self.storage_path}
        if s3:
            return {"type": StorageType.S3.value, **s3}
        return None


def parse_key(text: str) -> tuple[str, dict[str, Any]]:
    """`NAME:TYPE:FIELD[,FIELD...]` -> a `keys` entry read from environment variables."""
    parts = text.split(":")
    types = ", ".join(t.value for t in KeyType)
    if len(parts) != 3 or not parts[2]:
        raise WriteRefused(
            f"'{text}' is not a key: write NAME:TYPE:FIELD[,FIELD...], "
            "e.g. kalshi:api_key:api_key,api_secret"
        )
    name, key_type, field_list = parts
    fields = [f.strip() for f in field_list.split(",")]
    if key_type not in {t.value for t in KeyType}:
        raise WriteRefused(f"'{key_type}' in --key {text} is not a key type ({types})")
    bad = [f for f in [name, *fields] if not _FIELD.match(f)]
    if bad:
        raise WriteRefused(
            f"'{bad[0]}' in --key {text} is not a valid name: use lowercase letters, digits, "
            "'-' and '_'"
        )
    entry = {
        "type": key_type,
        "required": True,
        "fields": FlowList(fields),
        "source": KeySource.ENV.value,
    }
    return name, entry


def _set_keys(editor: TextDocument, keys: list[str]) -> list[str]:
    names = []
    for text in keys:
        name, entry = parse_key(text)
        block = editor.data.get("keys")
        if not isinstance(block, dict):
            editor.set_value((), "keys", {name: entry}, ENVIRONMENT_KEYS)
        elif isinstance(block.get(name), dict):  # keep the entry's comments
            for field_name, value in entry.items():
                editor.set_value(("keys", name), field_name, value, KEY_SPEC_KEYS)
        else:
            editor.set_value(("keys",), name, entry, [])
        names.append(name)
    return names


def create_environment(
    workspace: Workspace,
    name: str,
    feed: str,
    schema: str,
    placement: Placement,
    keys: list[str] | None = None,
) -> Proposal:
    require_name(Kind.ENVIRONMENT, name)
    path = registry_path(Kind.ENVIRONMENT, name)
    require_new(workspace, Kind.ENVIRONMENT, name, path)
    data: dict[str, Any] = {"name": name, "feed": feed, "schema": schema}
    if keys:
        data["keys"] = dict(parse_key(text) for text in keys)
    transport, storage = placement.transport(), placement.storage()
    if transport is not None:
        data["transport"] = transport
    if storage is not None:
        data["storage"] = storage
    return Proposal(
        {path: encode(TextDocument.new(data, path))},
        [f"environment {name}: created (feed {feed}, schema {schema})"],
    )


def update_environment(
    workspace: Workspace,
    name: str,
    placement: Placement,
    feed: str | None = None,
    schema: str | None = None,
    keys: list[str] | None = None,
) -> Proposal:
    """Change only what is given; a storage of the same type keeps its other keys, and a
    `--key` replaces only the entry of that name."""
    transport, storage = placement.transport(), placement.storage()
    if feed is None and schema is None and transport is None and storage is None and not keys:
        raise WriteRefused(
            "nothing to change: pass --feed, --schema, --key, --transport-url, --no-transport, "
            "--storage-path or an --s3-* option"
        )
    document = existing(
        workspace,
        Kind.ENVIRONMENT,
        name,
        "create it with `ssmd env create NAME --feed F --schema S`",
    )
    model = document.model
    assert isinstance(model, Environment)
    editor = editable(document)
    summary = []
    if feed is not None and feed != model.feed:
        editor.set_value((), "feed", feed, ENVIRONMENT_KEYS)
        summary.append(f"feed {model.feed} -> {feed}")
    if schema is not None and schema != model.schema_ref:
        editor.set_value((), "schema", schema, ENVIRONMENT_KEYS)
        summary.append(f"schema {model.schema_ref} -> {schema}")
    if keys:
        summary.append(f"keys {', '.join(_set_keys(editor, keys))}")
    if transport is not None:
        _set_block(editor, "transport", transport, TRANSPORT_KEYS)
        summary.append(f"transport {transport['type']}")
    if storage is not None:
        _set_block(editor, "storage", storage, STORAGE_KEYS)
        summary.append(f"storage {storage['type']}")
    if not summary:
        return Proposal({}, [f"environment {name}: already as asked; nothing changed"])
    return Proposal({document.path: encode(editor)}, [f"environment {name}: {'; '.join(summary)}"])


def _set_block(editor: TextDocument, key: str, values: dict[str, Any], order: list[str]) -> None:
    """Update a transport/storage block in place when its type stays, else replace it."""
    block = editor.data.get(key)
    if isinstance(block, dict) and block.get("type") == values["type"]:
        for field_name, value in values.items():
            editor.set_value((key,), field_name, value, order)
        return
    ordered = {k: values[k] for k in order if k in values}
    editor.set_value((), key, ordered, ENVIRONMENT_KEYS)
