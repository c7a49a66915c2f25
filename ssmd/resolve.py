"""Temporal resolution (SPEC section 5): which version is in effect on a date.

One function, `resolve_as_of`, answers it for feeds and schemas alike; every
command, rule and hover goes through it.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from ssmd.models import SCHEMA_REF_PATTERN, Schema, SchemaStatus, SchemaVersion

_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


class Versioned(Protocol):
    @property
    def version(self) -> str: ...

    @property
    def effective_from(self) -> dt.date: ...


V = TypeVar("V", bound=Versioned)


def resolve_as_of(
    versions: Iterable[V], as_of: dt.date, eligible: Callable[[V], bool] = lambda _: True
) -> V | None:
    """The eligible version with the greatest `effective_from <= as_of`, or None before the first.

    Ties on `effective_from` are a rule violation (SSMD102); should they occur
    anyway the later-listed version wins, deterministically.
    """
    best: V | None = None
    for version in versions:
        if version.effective_from > as_of or not eligible(version):
            continue
        if best is None or version.effective_from >= best.effective_from:
            best = version
    return best


def resolvable_schema_version(include_drafts: bool = False) -> Callable[[SchemaVersion], bool]:
    """Unpinned schema references resolve among active and deprecated versions only."""
    if include_drafts:
        return lambda _: True
    return lambda version: version.status is not SchemaStatus.DRAFT


def schema_version_for(
    schema: Schema, ref: SchemaRef, as_of: dt.date, include_drafts: bool = False
) -> SchemaVersion | None:
    """The version of `schema` a reference means on a date, or None.

    Pinned (`name:version`): that version by id, whatever its status. Unpinned: the
    version in effect on `as_of` among active and deprecated ones (drafts too when
    `include_drafts`, for previews). The one place this is decided: rules, views, the
    effective configuration and the editor all ask here.
    """
    if ref.pinned:
        return next((v for v in schema.versions if v.version == ref.version), None)
    return resolve_as_of(schema.versions, as_of, resolvable_schema_version(include_drafts))


def in_date_order(versions: Iterable[V]) -> list[V]:
    return sorted(versions, key=lambda v: v.effective_from)


def today() -> dt.date:
    """Today in UTC: the default as-of date everywhere."""
    return dt.datetime.now(dt.UTC).date()


def parse_date(text: str) -> dt.date:
    """Parse YYYY-MM-DD or raise ValueError with a sentence for the user.

    Only that form: `date.fromisoformat` also takes `20251201` and week dates
    (`2025-W49-1`), which nobody means when typing `--as-of`.
    """
    problem = f"'{text}' is not a date: write YYYY-MM-DD, e.g. 2025-12-01"
    if not _ISO_DATE.match(text):
        raise ValueError(problem)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(problem) from None


@dataclass(frozen=True, slots=True)
class SchemaRef:
    """`name` (resolved as of a date) or `name:version` (pinned)."""

    name: str
    version: str | None = None

    @classmethod
    def parse(cls, text: str) -> SchemaRef:
        return _parse_schema_ref(text)

    @property
    def pinned(self) -> bool:
        return self.version is not None

    def __str__(self) -> str:
        return f"{self.name}:{self.version}" if self.version else self.name


@functools.lru_cache(maxsize=4096)
def _parse_schema_ref(text: str) -> SchemaRef:
    """Cached: several rules parse every environment's reference on every check."""
    match = SCHEMA_REF_PATTERN.match(text)
    if match is None:
        raise ValueError(
            f"'{text}' is not a schema reference: write NAME or NAME:VERSION, e.g. trade:v1"
        )
    return SchemaRef(match["name"], match["version"])
