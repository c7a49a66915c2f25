"""The effective configuration of an environment: what it does on a date, and when that changes.

An environment names a feed and a schema reference; which feed version and
which schema version it runs depends on the date (SPEC section 5). This
module answers that once, as frozen typed values, for every consumer:
`ssmd.Registry.environment(name).resolve(date)` (a connector's question),
`ssmd env resolve` (the same for shells and systemd), and `ssmd plan`, which
compares two registries' *timelines*: the periods between the dates where
anything the environment does can change.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from ssmd.confine import escapes_schemas_dir, schema_file_path
from ssmd.models import Environment, Feed, FeedVersion, Schema, SchemaVersion
from ssmd.resolve import SchemaRef, resolvable_schema_version, resolve_as_of, schema_version_for
from ssmd.schema_text import version_text
from ssmd.workspace import Workspace

ALWAYS = dt.date.min
"""Start of the first period of a timeline: before any version's `effective_from`."""


def variable_name(key: str, field: str) -> str:
    """The environment variable a key field is read from (`source: env`): `KALSHI_API_KEY`."""
    return f"{key}_{field}".upper().replace("-", "_")


@dataclass(frozen=True, slots=True)
class EffectiveFeed:
    """The feed version in effect: where and how the connector connects."""

    name: str
    version: str
    effective_from: dt.date
    protocol: str
    endpoint: str
    auth_method: str
    rate_limit_per_second: int | None
    max_symbols_per_connection: int | None
    supports_orderbook: bool
    supports_trades: bool


@dataclass(frozen=True, slots=True)
class EffectiveSchema:
    """The schema version in effect, with its `.capnp` file (root-relative) and hash."""

    name: str
    version: str
    effective_from: dt.date
    status: str
    pinned: bool
    """The environment names this version (`trade:v1`) rather than resolving `trade` by date."""
    file: str
    """Root-relative path of the version's `.capnp` file, e.g. `exchanges/schemas/trade.capnp`."""
    hash: str
    """`sha256:<hex>` of the version's `.capnp` bytes (what the registry declares)."""
    text: str | None = None
    """The version's `.capnp` text (an older version's from git history); None when not asked
    for or not found."""


@dataclass(frozen=True, slots=True)
class KeyVariable:
    """A credential the environment reads from a variable; never its value."""

    key: str
    field: str
    variable: str
    required: bool


@dataclass(frozen=True, slots=True)
class EffectiveTransport:
    type: str
    url: str | None


@dataclass(frozen=True, slots=True)
class EffectiveStorage:
    type: str
    path: str | None
    raw_bucket: str | None
    normalized_bucket: str | None
    prefix: str | None
    region: str | None
    endpoint_url: str | None


@dataclass(frozen=True, slots=True)
class EffectiveConfiguration:
    """Everything an environment does on one date; `feed`/`schema` are None when no version
    is in effect then (or the reference names nothing)."""

    environment: str
    as_of: dt.date
    feed_name: str
    schema_ref: str
    feed: EffectiveFeed | None
    schema: EffectiveSchema | None
    keys: tuple[KeyVariable, ...]
    transport: EffectiveTransport | None
    storage: EffectiveStorage | None

    def to_json(self) -> dict[str, Any]:
        """Plain JSON-ready data (dates as ISO text), the shape `ssmd env resolve` prints."""
        data = asdict(self)
        data["as_of"] = self.as_of.isoformat()
        for part in ("feed", "schema"):
            if data[part] is not None:
                data[part]["effective_from"] = data[part]["effective_from"].isoformat()
        data["keys"] = list(data["keys"])
        if data["schema"] is not None and data["schema"]["text"] is None:
            del data["schema"]["text"]
        return data

    def aspects(self) -> dict[str, str]:
        """What `ssmd plan` compares, flattened to `aspect -> shown value` (no date, no text)."""
        shown: dict[str, str] = {"feed": self.feed_name, "schema": self.schema_ref}
        shown.update(_shown("feed", self.feed, frozenset({"name", "effective_from"})))
        schema_skip = frozenset({"name", "effective_from", "text", "pinned"})
        shown.update(_shown("schema", self.schema, schema_skip))
        if self.feed is None:
            shown["feed.version"] = "(none in effect)"
        if self.schema is None:
            shown["schema.version"] = "(none in effect)"
        shown["keys"] = ", ".join(
            f"{k.variable}{'' if k.required else ' (optional)'}" for k in self.keys
        )
        shown.update(_shown("transport", self.transport, frozenset()))
        shown.update(_shown("storage", self.storage, frozenset()))
        return shown


@functools.lru_cache(maxsize=65536)
def _shown(stem: str, value: Any, skip: frozenset[str]) -> tuple[tuple[str, str], ...]:
    """One part's aspects; cached by value, since `ssmd plan` asks for the same version in
    every period of every environment that runs it."""
    if value is None:
        key = stem + ".type" if stem in ("transport", "storage") else stem + ".version"
        return ((key, "(none)"),)
    shown = []
    for field in fields(value):
        item = getattr(value, field.name)
        if field.name not in skip and item is not None:
            text = str(item).lower() if isinstance(item, bool) else str(item)
            shown.append((f"{stem}.{field.name}", text))
    return tuple(shown)


@dataclass(frozen=True, slots=True)
class Period:
    """One stretch of a timeline: the configuration from `start` to `until` (inclusive)."""

    start: dt.date
    """First day; `ALWAYS` for the stretch before any version's date."""
    until: dt.date | None
    """Last day, None while open-ended."""
    configuration: EffectiveConfiguration


def feed_in_effect(feed: Feed, version: FeedVersion) -> EffectiveFeed:
    return EffectiveFeed(
        name=feed.name,
        version=version.version,
        effective_from=version.effective_from,
        protocol=version.protocol.value,
        endpoint=version.endpoint,
        auth_method=version.auth_method.value,
        rate_limit_per_second=version.rate_limit_per_second,
        max_symbols_per_connection=version.max_symbols_per_connection,
        supports_orderbook=version.supports_orderbook,
        supports_trades=version.supports_trades,
    )


def schema_in_effect(
    schema: Schema, version: SchemaVersion, pinned: bool, text: str | None = None
) -> EffectiveSchema:
    file = version.schema_file or schema.schema_file
    path = file if escapes_schemas_dir(file) else schema_file_path(file)
    return EffectiveSchema(
        name=schema.name,
        version=version.version,
        effective_from=version.effective_from,
        status=version.status.value,
        pinned=pinned,
        file=path,
        hash=version.hash,
        text=text,
    )


Fixed = tuple[tuple[KeyVariable, ...], EffectiveTransport | None, EffectiveStorage | None]
"""The parts of a configuration that do not depend on the date."""


def fixed_parts(environment: Environment) -> Fixed:
    keys = tuple(
        KeyVariable(name, field, variable_name(name, field), key.required)
        for name, key in environment.keys.items()
        for field in key.fields
    )
    transport = (
        EffectiveTransport(environment.transport.type.value, environment.transport.url)
        if environment.transport
        else None
    )
    storage = (
        EffectiveStorage(
            **{
                f.name: (v.value if f.name == "type" else v)
                for f in fields(EffectiveStorage)
                for v in [getattr(environment.storage, f.name)]
            }
        )
        if environment.storage
        else None
    )
    return keys, transport, storage


def configuration(
    workspace: Workspace, environment: Environment, as_of: dt.date, fixed: Fixed | None = None
) -> EffectiveConfiguration:
    """What `environment` does on `as_of` (no schema text: see `with_schema_text`).

    `fixed` is `fixed_parts(environment)` when the caller asks for many dates."""
    keys, transport, storage = fixed or fixed_parts(environment)
    feed = workspace.feed(environment.feed)
    feed_version = resolve_as_of(feed.versions, as_of) if feed else None
    ref = SchemaRef.parse(environment.schema_ref)
    schema = workspace.schema(ref.name)
    schema_version = schema_version_for(schema, ref, as_of) if schema else None
    return EffectiveConfiguration(
        environment=environment.name,
        as_of=as_of,
        feed_name=environment.feed,
        schema_ref=environment.schema_ref,
        feed=feed_in_effect(feed, feed_version) if feed and feed_version else None,
        schema=(
            schema_in_effect(schema, schema_version, ref.pinned)
            if schema and schema_version
            else None
        ),
        keys=keys,
        transport=transport,
        storage=storage,
    )


def change_points(workspace: Workspace, environment: Environment) -> list[dt.date]:
    """The dates on which what `environment` does may change, with `ALWAYS` first."""
    points = {ALWAYS}
    feed = workspace.feed(environment.feed)
    if feed is not None:
        points |= {v.effective_from for v in feed.versions}
    ref = SchemaRef.parse(environment.schema_ref)
    schema = workspace.schema(ref.name)
    if schema is not None and not ref.pinned:
        eligible = resolvable_schema_version()
        points |= {v.effective_from for v in schema.versions if eligible(v)}
    return sorted(points)


def timeline(
    workspace: Workspace, environment: Environment, points: list[dt.date] | None = None
) -> list[Period]:
    """The environment's configuration period by period, at `points` (default: its own
    change points); adjacent periods with the same configuration are kept apart only when
    `points` asks for them."""
    dates = sorted(set(points)) if points is not None else change_points(workspace, environment)
    fixed = fixed_parts(environment)
    periods = []
    for index, start in enumerate(dates):
        until = dates[index + 1] - dt.timedelta(days=1) if index + 1 < len(dates) else None
        effective = configuration(workspace, environment, start, fixed)
        periods.append(Period(start, until, effective))
    return periods


def with_schema_text(
    workspace: Workspace, effective: EffectiveConfiguration
) -> EffectiveConfiguration:
    """The same configuration with the schema version's `.capnp` text filled in (an older
    version's text comes from git history, as `ssmd schema show` finds it)."""
    if effective.schema is None:
        return effective
    schema = workspace.schema(effective.schema.name)
    if schema is None:
        return effective
    version = next(v for v in schema.versions if v.version == effective.schema.version)
    text = version_text(workspace, schema, version).text
    return replace(effective, schema=replace(effective.schema, text=text))


def environment_variables(effective: EffectiveConfiguration, root: Path) -> list[tuple[str, str]]:
    """`SSMD_*` variables for a shell or a systemd `EnvironmentFile=` (`ssmd env resolve
    --format env`). Key *names* only (`SSMD_KEY_VARIABLES`), never a secret's value."""
    pairs = [("SSMD_ENVIRONMENT", effective.environment), ("SSMD_AS_OF", str(effective.as_of))]
    parts: list[tuple[str, Any]] = [("FEED", effective.feed), ("SCHEMA", effective.schema)]
    parts += [("TRANSPORT", effective.transport), ("STORAGE", effective.storage)]
    for stem, value in parts:
        if value is None:
            continue
        for field in fields(value):
            item = getattr(value, field.name)
            if item is None or field.name == "text":
                continue
            if field.name == "file" or (stem == "STORAGE" and field.name == "path"):
                item = str(root / item)  # relative storage paths resolve against the root
            shown = str(item).lower() if isinstance(item, bool) else str(item)
            pairs.append((f"SSMD_{stem}_{field.name.upper()}", shown))
    pairs.append(("SSMD_KEY_VARIABLES", ",".join(k.variable for k in effective.keys)))
    return pairs


_PLAIN = re.compile(r"^[A-Za-z0-9_./:@+,=-]*$")


def env_file_line(name: str, value: str) -> str:
    """`NAME=value`, double-quoted when needed, read the same by sh and systemd."""
    if _PLAIN.match(value):
        return f"{name}={value}"
    escaped = "".join("\\" + c if c in '\\"$`' else c for c in value.replace("\n", " "))
    return f'{name}="{escaped}"'
