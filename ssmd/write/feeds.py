"""`feed create` and `feed add-version` as changes to validate and write."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields, replace
from typing import Any
from urllib.parse import urlsplit

from ssmd.document import Kind, registry_path
from ssmd.introspect import model_keys
from ssmd.models import AuthMethod, Feed, FeedStatus, FeedType, FeedVersion, Protocol
from ssmd.resolve import in_date_order, resolve_as_of, today
from ssmd.rules.feeds import protocol_for_scheme
from ssmd.templates import feed_data
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
from ssmd.write.textedit import TextDocument, with_key

VERSION_KEYS = model_keys(FeedVersion)
FEED_KEYS = model_keys(Feed)


@dataclass(frozen=True, slots=True)
class VersionFields:
    """Version fields given on the command line; None means "not given" (inherit or omit)."""

    endpoint: str | None = None
    protocol: Protocol | None = None
    auth_method: AuthMethod | None = None
    rate_limit_per_second: int | None = None
    max_symbols_per_connection: int | None = None
    supports_orderbook: bool | None = None
    supports_trades: bool | None = None

    def given(self) -> dict[str, Any]:
        """The given fields as YAML values (enums as their names)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return {
            key: value.value if isinstance(value, Protocol | AuthMethod) else value
            for key, value in values.items()
            if value is not None
        }


def infer_protocol(endpoint: str) -> Protocol:
    """The protocol an endpoint's scheme implies, or a refusal saying to pass --protocol."""
    scheme = urlsplit(endpoint).scheme
    if not scheme or "://" not in endpoint:
        raise WriteRefused(
            f"'{endpoint}' is not a URL: write scheme://host/path, e.g. wss://api.example.com/ws"
        )
    protocol = protocol_for_scheme(scheme)
    if protocol is None:
        choices = ", ".join(p.value for p in Protocol)
        raise WriteRefused(
            f"cannot tell the protocol from the scheme '{scheme}' of {endpoint}; "
            f"pass --protocol ({choices})"
        )
    return protocol


def create_feed(
    workspace: Workspace,
    name: str,
    feed_type: FeedType,
    version_fields: VersionFields,
    *,
    version: str = "v1",
    effective_from: dt.date | None = None,
    display_name: str | None = None,
    status: FeedStatus | None = None,
) -> Proposal:
    require_name(Kind.FEED, name)
    path = registry_path(Kind.FEED, name)
    require_new(workspace, Kind.FEED, name, path)
    if version_fields.endpoint is None:
        raise WriteRefused("a new feed needs --endpoint, e.g. --endpoint wss://api.example.com/ws")
    protocol = version_fields.protocol or infer_protocol(version_fields.endpoint)
    date = effective_from or today()
    chosen = replace(version_fields, protocol=protocol)
    document = _new_feed(name, feed_type, chosen, version, date, display_name, status, path)
    return Proposal(
        {path: encode(document)},
        [
            f"feed {name}: created with version {version}, effective {date} "
            f"({protocol.value} {version_fields.endpoint})"
        ],
    )


def _new_feed(
    name: str,
    feed_type: FeedType,
    version_fields: VersionFields,
    version: str,
    effective_from: dt.date,
    display_name: str | None,
    status: FeedStatus | None,
    path: str,
) -> TextDocument:
    """`feed create`'s document: the core's one feed template (`ssmd.templates`)."""
    entry: dict[str, Any] = {"version": version, "effective_from": effective_from}
    entry.update(version_fields.given())
    data = feed_data(name, feed_type, entry, display_name=display_name, status=status)
    return TextDocument.new(data, path)


def add_feed_version(
    workspace: Workspace,
    name: str,
    effective_from: dt.date,
    version_fields: VersionFields,
    version: str | None = None,
) -> Proposal:
    """A new version inserted in date order; fields not given come from the version in effect
    the day before `effective_from` (or, before the first version, from the first one)."""
    document = existing(
        workspace,
        Kind.FEED,
        name,
        "create it with `ssmd feed create NAME --type ... --endpoint ...`",
    )
    feed = document.model
    assert isinstance(feed, Feed)
    base = resolve_as_of(feed.versions, effective_from - dt.timedelta(days=1))
    base = base or in_date_order(feed.versions)[0]
    version = version or next_version_id([v.version for v in feed.versions])

    editor = editable(document)
    items = editor.data["versions"]
    source_index = document.source_path(("versions", feed.versions.index(base)))[1]
    entry: dict[str, Any] = dict(items[source_index])
    given = version_fields.given()
    if "endpoint" in given and "protocol" not in given:
        given["protocol"] = infer_protocol(given["endpoint"]).value
    for key, value in {"version": version, "effective_from": effective_from, **given}.items():
        entry = with_key(entry, key, value, VERSION_KEYS)
    position = date_position(items, effective_from)
    editor.insert_item(("versions",), position, entry, like=("versions", source_index))

    changed = ", ".join(f"{k} {v}" for k, v in given.items()) or "no field changed"
    return Proposal(
        {document.path: encode(editor)},
        [
            f"feed {name}: version {version} added, effective {effective_from} "
            f"(from {base.version}; {changed})"
        ],
    )
