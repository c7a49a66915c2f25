"""The registry's three file kinds as pydantic models (SPEC sections 2-4).

Models hold values only; positions live beside them in a `SourceMap`.
Unknown keys are rejected (`extra="forbid"`): a typo must never pass silently.
Field descriptions double as the documentation the language server shows.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from ssmd.choices import (
    AuthMethod as AuthMethod,
)
from ssmd.choices import (
    FeedStatus as FeedStatus,
)
from ssmd.choices import (
    FeedType as FeedType,
)
from ssmd.choices import (
    KeySource as KeySource,
)
from ssmd.choices import (
    KeyType as KeyType,
)
from ssmd.choices import (
    Protocol as Protocol,
)
from ssmd.choices import (
    SchemaFormat as SchemaFormat,
)
from ssmd.choices import (
    SchemaStatus as SchemaStatus,
)
from ssmd.choices import (
    StorageType as StorageType,
)
from ssmd.choices import (
    TransportType as TransportType,
)

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")
VERSION_PATTERN = re.compile(r"^v[0-9]+$")
HASH_PATTERN = re.compile(r"^sha256:[0-9a-f]{64}$")
SCHEMA_REF_PATTERN = re.compile(r"^(?P<name>[a-z][a-z0-9_-]{0,62})(?::(?P<version>v[0-9]+))?$")


def excerpt(value: object, limit: int = 60) -> str:
    """`value` as text, cut to `limit` characters: a message never repeats a megabyte line."""
    text = str(value)
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def _name(value: str) -> str:
    if not NAME_PATTERN.match(value):
        raise PydanticCustomError(
            "ssmd_name",
            "'{value}' is not a valid name: use lowercase letters, digits, '-' and '_', "
            "starting with a letter, at most 63 characters",
            {"value": excerpt(value)},
        )
    return value


def _version_id(value: str) -> str:
    if not VERSION_PATTERN.match(value):
        raise PydanticCustomError(
            "ssmd_version",
            "'{value}' is not a version id: write v1, v2, ...",
            {"value": excerpt(value)},
        )
    return value


def _hash(value: str) -> str:
    if not HASH_PATTERN.match(value):
        raise PydanticCustomError(
            "ssmd_hash",
            "hash must be 'sha256:' followed by 64 lowercase hex digits "
            "(run `ssmd schema hash NAME` to compute it)",
            {},
        )
    return value


def _url(value: str) -> str:
    parts = urlsplit(value)
    if not parts.scheme or not (parts.netloc or parts.path):
        raise PydanticCustomError(
            "ssmd_url",
            "'{value}' is not a URL: write scheme://host/path, e.g. wss://api.example.com/ws",
            {"value": excerpt(value)},
        )
    return value


def _schema_ref(value: str) -> str:
    if not SCHEMA_REF_PATTERN.match(value):
        raise PydanticCustomError(
            "ssmd_schema_ref",
            "'{value}' is not a schema reference: write NAME or NAME:VERSION, e.g. trade:v1",
            {"value": excerpt(value)},
        )
    return value


# WithJsonSchema: the exported JSON Schema (`ssmd json-schema`) carries the same patterns
# the validators check, without changing the validators' own messages.
Name = Annotated[
    str, AfterValidator(_name), WithJsonSchema({"type": "string", "pattern": NAME_PATTERN.pattern})
]
VersionId = Annotated[
    str,
    AfterValidator(_version_id),
    WithJsonSchema({"type": "string", "pattern": VERSION_PATTERN.pattern}),
]
Sha256 = Annotated[
    str, AfterValidator(_hash), WithJsonSchema({"type": "string", "pattern": HASH_PATTERN.pattern})
]
Url = Annotated[str, AfterValidator(_url)]
SchemaRefText = Annotated[
    str,
    AfterValidator(_schema_ref),
    WithJsonSchema(
        {"type": "string", "pattern": re.sub(r"\?P<\w+>", "", SCHEMA_REF_PATTERN.pattern)}
    ),
]
PositiveInt = Annotated[int, Field(gt=0, strict=True)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


class FeedVersion(_Strict):
    version: VersionId = Field(description="Version id, `v1`, `v2`, ...; unique in the feed.")
    effective_from: dt.date = Field(
        description="First day (ISO date) this version is in effect; unique in the feed."
    )
    protocol: Protocol = Field(description="Wire protocol; must fit the endpoint's URL scheme.")
    endpoint: Url = Field(description="Where the connector connects, e.g. `wss://host/path`.")
    auth_method: AuthMethod = Field(
        AuthMethod.NONE, description="How the connector authenticates (default `none`)."
    )
    rate_limit_per_second: PositiveInt | None = Field(
        None, description="Requests per second the venue allows (integer > 0)."
    )
    max_symbols_per_connection: PositiveInt | None = Field(
        None, description="Subscriptions one connection may hold (integer > 0)."
    )
    supports_orderbook: bool = Field(False, description="The feed carries order book data.")
    supports_trades: bool = Field(False, description="The feed carries trades.")


class Calendar(_Strict):
    timezone: str = Field(description="IANA time zone of the venue, e.g. `America/New_York`.")
    holiday_calendar: str = Field(
        "none", description="Holiday calendar: `us_equity` (NYSE), ... or `none`."
    )


class Feed(_Strict):
    name: Name = Field(description="The feed's name; equals the file name without `.yaml`.")
    display_name: str | None = Field(None, description="Human-readable name.")
    type: FeedType = Field(description="Kind of feed: websocket, rest, fix, multicast or file.")
    status: FeedStatus = Field(
        FeedStatus.ACTIVE, description="active, inactive or deprecated (default active)."
    )
    versions: list[FeedVersion] = Field(
        min_length=1,
        description="The feed's versions; the one in effect on a date is chosen "
        "by `effective_from`.",
    )
    calendar: Calendar | None = Field(None, description="Trading calendar of the venue.")


class SchemaVersion(_Strict):
    version: VersionId = Field(description="Version id, `v1`, `v2`, ...; unique in the schema.")
    effective_from: dt.date = Field(description="First day (ISO date) this version is in effect.")
    status: SchemaStatus = Field(
        description="Lifecycle: draft -> active -> deprecated, forward only."
    )
    hash: Sha256 = Field(description="`sha256:` + hex digest of the schema file's bytes.")
    compatible_with: list[VersionId] = Field(
        default_factory=list,
        description="Versions of this schema whose data this version reads and writes "
        "interchangeably.",
    )
    breaking_changes: str | None = Field(None, description="What this version breaks, in words.")
    schema_file: str | None = Field(
        None, description="This version's own `.capnp` file (overrides the top-level one)."
    )


def _evolution_rule(value: str) -> str:
    from ssmd.capnp.rules import RULES

    if value not in RULES:
        raise PydanticCustomError(
            "ssmd_evolution_rule",
            "'{value}' is not an evolution rule id (see docs/evolution.md), e.g. FIELD_SAME_NAME",
            {"value": excerpt(value)},
        )
    return value


EvolutionRuleId = Annotated[str, AfterValidator(_evolution_rule)]


class CompatibilityLevel(StrEnum):
    """What `compatible_with` promises (docs/evolution.md); the levels nest."""

    WIRE = "wire"
    WIRE_TEXT = "wire+text"
    SOURCE = "source"

    @property
    def rank(self) -> int:
        return list(CompatibilityLevel).index(self)

    def includes(self, other: CompatibilityLevel) -> bool:
        """True when checking at this level also checks `other`'s rules."""
        return other.rank <= self.rank


class EvolutionIgnore(_Strict):
    rule: EvolutionRuleId = Field(
        description="The evolution rule id accepted, e.g. `FIELD_SAME_NAME`."
    )
    element: str | None = Field(
        None,
        description="Only this element, e.g. `Trade.size` (a declaration accepts its members); "
        "without it, every finding of the rule.",
    )
    reason: str = Field(min_length=1, description="Why the change is accepted, in words.")


class Schema(_Strict):
    name: Name = Field(description="The schema's name; equals the file name without `.yaml`.")
    format: SchemaFormat = Field(SchemaFormat.CAPNP, description="Only `capnp` today.")
    schema_file: str = Field(description="The `.capnp` file, relative to `exchanges/schemas/`.")
    versions: list[SchemaVersion] = Field(min_length=1, description="The schema's versions.")
    compatibility: CompatibilityLevel = Field(
        CompatibilityLevel.WIRE,
        description="What `compatible_with` promises: `wire` (binary data and RPC, the "
        "default), `wire+text` (also JSON and text codecs: names), `source` (also generated code).",
    )
    compatibility_ignore: list[EvolutionIgnore] = Field(
        default_factory=list,
        description="Evolution findings accepted for this schema: `{rule, element?, reason}`.",
    )


class KeySpec(_Strict):
    type: KeyType = Field(description="api_key, hmac or oauth.")
    required: bool = Field(True, description="The connector refuses to start without it.")
    fields: list[str] = Field(
        default_factory=list, description="Secret fields, e.g. `[api_key, api_secret]`."
    )
    source: KeySource = Field(
        KeySource.ENV, description="`env`: read from variables NAME_FIELD (upper case)."
    )


class Transport(_Strict):
    type: TransportType = Field(description="nats or none.")
    url: str | None = Field(None, description="Broker URL, e.g. `nats://localhost:4222`.")


class Storage(_Strict):
    type: StorageType = Field(description="local or s3.")
    path: str | None = Field(
        None, description="local: data folder; relative paths resolve against the root."
    )
    raw_bucket: str | None = Field(None, description="s3: bucket of raw data (default ssmd-raw).")
    normalized_bucket: str | None = Field(
        None, description="s3: bucket of normalized data (default ssmd-normalized)."
    )
    prefix: str | None = Field(None, description="s3: key prefix inside the buckets.")
    region: str | None = Field(None, description="s3: AWS region.")
    endpoint_url: str | None = Field(
        None, description="s3: endpoint of an S3-compatible store, e.g. `http://127.0.0.1:9000`."
    )


class Environment(_Strict):
    name: Name = Field(description="The environment's name; equals the file name.")
    feed: Name = Field(description="The feed this environment runs.")
    schema_ref: SchemaRefText = Field(
        alias="schema",
        description="`name:version` (pinned) or `name` (resolved as of the date).",
    )
    keys: dict[str, KeySpec] = Field(
        default_factory=dict, description="Credentials the connector needs; never the secrets."
    )
    transport: Transport | None = Field(None, description="Where normalized messages go.")
    storage: Storage | None = Field(None, description="Where raw and normalized data lands.")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


S3_DEFAULT_RAW_BUCKET = "ssmd-raw"
S3_DEFAULT_NORMALIZED_BUCKET = "ssmd-normalized"
