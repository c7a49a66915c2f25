"""Resolved views of registry entries: what is in effect on a date, and who uses what.

The CLI's `show` commands render these, `--json` dumps them, and the
language server's hovers are built from them: one answer to "what is in
effect", wherever it is asked.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel

from ssmd.confine import escapes_schemas_dir, schema_file_path
from ssmd.effective import variable_name
from ssmd.models import Environment, Feed, FeedVersion, Schema, SchemaVersion
from ssmd.resolve import (
    SchemaRef,
    in_date_order,
    resolvable_schema_version,
    resolve_as_of,
    schema_version_for,
)
from ssmd.workspace import Workspace


class VersionPeriod(BaseModel):
    version: str
    effective_from: dt.date
    effective_until: dt.date | None
    """Last day in effect (the day before the next version), None while open-ended."""
    status: str | None = None
    in_effect: bool = False


class FeedView(BaseModel):
    feed: Feed
    as_of: dt.date
    in_effect: FeedVersion | None
    timeline: list[VersionPeriod]
    used_by: list[str]


class HashState(StrEnum):
    """How a schema version's recorded hash compares with its `.capnp` file (the JSON value)."""

    MATCHES = "matches"
    DIFFERS = "differs"
    OLDER = "older"
    """Differs, but a newer version records the same file: its hash is covered by git history."""
    FILE_MISSING = "file missing"
    FILE_OUTSIDE = "file outside exchanges/schemas"

    @property
    def mismatch(self) -> bool:
        """True when the recorded hash cannot be trusted (`ssmd schema hash` exits 1)."""
        return self in (HashState.DIFFERS, HashState.FILE_MISSING, HashState.FILE_OUTSIDE)


class SchemaVersionView(BaseModel):
    version: SchemaVersion
    file: str
    hash_state: HashState


class SchemaView(BaseModel):
    schema_: Schema
    as_of: dt.date
    in_effect: SchemaVersion | None
    versions: list[SchemaVersionView]
    timeline: list[VersionPeriod]
    used_by: list[str]


class KeyVariable(BaseModel):
    key: str
    field: str
    variable: str
    required: bool
    is_set: bool


class EnvironmentView(BaseModel):
    environment: Environment
    as_of: dt.date
    feed_version: FeedVersion | None
    schema_version: SchemaVersion | None
    schema_resolved: str | None
    """`name:version` the schema reference resolves to on the date."""
    variables: list[KeyVariable]


def timeline(
    versions: list[FeedVersion] | list[SchemaVersion],
    in_effect: FeedVersion | SchemaVersion | None,
    include_drafts: bool = True,
) -> list[VersionPeriod]:
    """Each version's period: from its effective_from to the day before the next one.

    Without `include_drafts` a draft ends no period (unpinned references skip
    drafts), so the version before it stays open, as resolution has it.
    """
    ordered = in_date_order(versions)
    ends_period = resolvable_schema_version(include_drafts)
    periods = []
    for index, version in enumerate(ordered):
        following = next(
            (
                later
                for later in ordered[index + 1 :]
                if not isinstance(later, SchemaVersion) or ends_period(later)
            ),
            None,
        )
        until = following.effective_from - dt.timedelta(days=1) if following else None
        status = version.status.value if isinstance(version, SchemaVersion) else None
        periods.append(
            VersionPeriod(
                version=version.version,
                effective_from=version.effective_from,
                effective_until=until,
                status=status,
                in_effect=version is in_effect,
            )
        )
    return periods


def feed_view(workspace: Workspace, feed: Feed, as_of: dt.date) -> FeedView:
    current = resolve_as_of(feed.versions, as_of)
    return FeedView(
        feed=feed,
        as_of=as_of,
        in_effect=current,
        timeline=timeline(feed.versions, current),
        used_by=[_stem(p) for p in workspace.environments_using_feed(feed.name)],
    )


@dataclass(frozen=True, slots=True)
class VersionHash:
    """One schema version's recorded hash beside its file's (`ssmd schema hash`)."""

    version: SchemaVersion
    file: str
    """The `schema_file` value, relative to exchanges/schemas/."""
    actual: str | None
    """The file's hash now; None when it is missing or outside exchanges/schemas/."""
    state: HashState


def version_hash(workspace: Workspace, schema: Schema, version: SchemaVersion) -> VersionHash:
    file = version.schema_file or schema.schema_file
    if escapes_schemas_dir(file):
        return VersionHash(version, file, None, HashState.FILE_OUTSIDE)
    actual = workspace.file_hash(schema_file_path(file))
    if actual is None:
        return VersionHash(version, file, None, HashState.FILE_MISSING)
    if version.hash == actual:
        return VersionHash(version, file, actual, HashState.MATCHES)
    sharing = [v for v in schema.versions if (v.schema_file or schema.schema_file) == file]
    newest = max(sharing, key=lambda v: v.effective_from)
    state = HashState.DIFFERS if version is newest else HashState.OLDER
    return VersionHash(version, file, actual, state)


def hash_state(workspace: Workspace, schema: Schema, version: SchemaVersion) -> HashState:
    return version_hash(workspace, schema, version).state


def schema_view(
    workspace: Workspace, schema: Schema, as_of: dt.date, include_drafts: bool = False
) -> SchemaView:
    current = resolve_as_of(schema.versions, as_of, resolvable_schema_version(include_drafts))
    return SchemaView(
        schema_=schema,
        as_of=as_of,
        in_effect=current,
        versions=[
            SchemaVersionView(
                version=v,
                file=v.schema_file or schema.schema_file,
                hash_state=hash_state(workspace, schema, v),
            )
            for v in in_date_order(schema.versions)
        ],
        timeline=timeline(schema.versions, current, include_drafts),
        used_by=[_stem(p) for p in workspace.environments_using_schema(schema.name)],
    )


def resolve_schema_ref(
    workspace: Workspace, ref: SchemaRef, as_of: dt.date, include_drafts: bool = False
) -> SchemaVersion | None:
    """The schema version a reference means on a date (pinned: by id, whatever its status)."""
    schema = workspace.schema(ref.name)
    if schema is None:
        return None
    return schema_version_for(schema, ref, as_of, include_drafts)


def key_variables(environment: Environment) -> list[KeyVariable]:
    """The environment variables each key reads (`source: env`), and whether each is set.

    Never the values: secrets are not printed anywhere.
    """
    variables = []
    for key_name, key in environment.keys.items():
        for field in key.fields:
            variable = variable_name(key_name, field)
            variables.append(
                KeyVariable(
                    key=key_name,
                    field=field,
                    variable=variable,
                    required=key.required,
                    is_set=bool(os.environ.get(variable)),
                )
            )
    return variables


def environment_view(
    workspace: Workspace, environment: Environment, as_of: dt.date
) -> EnvironmentView:
    feed = workspace.feed(environment.feed)
    ref = SchemaRef.parse(environment.schema_ref)
    version = resolve_schema_ref(workspace, ref, as_of)
    return EnvironmentView(
        environment=environment,
        as_of=as_of,
        feed_version=resolve_as_of(feed.versions, as_of) if feed else None,
        schema_version=version,
        schema_resolved=f"{ref.name}:{version.version}" if version else None,
        variables=key_variables(environment),
    )


def _stem(path: str) -> str:
    return path.rsplit("/", 1)[-1].removesuffix(".yaml")
