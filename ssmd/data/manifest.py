"""The per-day `manifest.json` a connector writes next to its data (SPEC section 8).

Parsing never raises: `parse_manifest` turns bytes into either a `Manifest`
or a sentence saying why not, because one bad file must not hide the rest
of a report. Keys the model does not know are ignored, so a newer connector
that adds fields does not turn a whole year of history into errors.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator


class DataType(StrEnum):
    RAW = "raw"
    NORMALIZED = "normalized"


class ManifestStatus(StrEnum):
    COMPLETE = "complete"
    PARTIAL = "partial"
    PROCESSING = "processing"
    FAILED = "failed"


NonNegativeInt = Annotated[int, Field(ge=0)]


class Gap(BaseModel):
    """A stretch of the day with no data, and why (disconnect, venue halt, ...)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    start: dt.datetime
    end: dt.datetime
    reason: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> Gap:
        if self.end < self.start:
            raise ValueError(f"gap ends ({self.end}) before it starts ({self.start})")
        return self

    @property
    def duration(self) -> dt.timedelta:
        return self.end - self.start


class Manifest(BaseModel):
    """One day of one feed, raw or normalized: what was written and how complete it is."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    feed: str
    date: dt.date
    data_type: DataType
    status: ManifestStatus
    schema_version: str | None = None
    record_count: NonNegativeInt = 0
    byte_size: NonNegativeInt = 0
    first_timestamp: dt.datetime | None = None
    last_timestamp: dt.datetime | None = None
    gaps: list[Gap] = Field(default_factory=list)
    quality_score: Annotated[float, Field(ge=0.0, le=1.0)] | None = None
    connector_version: str | None = None
    created_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class ManifestRead:
    """What reading one manifest gave: nothing there, a manifest, or the reason it is unusable."""

    manifest: Manifest | None = None
    problem: str | None = None

    @property
    def present(self) -> bool:
        return self.manifest is not None or self.problem is not None


ABSENT = ManifestRead()


def parse_manifest(content: bytes, feed: str, day: dt.date, data_type: DataType) -> ManifestRead:
    """Parse a manifest found at the place for (`feed`, `day`, `data_type`).

    A manifest that claims another feed, day or data type than where it sits
    is refused too: trusting it would count a day twice and hide another.
    """
    try:
        document = json.loads(content)
    except UnicodeDecodeError:
        return ManifestRead(problem="manifest is not UTF-8 text")
    except json.JSONDecodeError as error:
        return ManifestRead(
            problem=f"manifest is not valid JSON (line {error.lineno}, column {error.colno}: "
            f"{error.msg})"
        )
    if not isinstance(document, dict):
        return ManifestRead(problem="manifest is not a JSON object")
    try:
        manifest = Manifest.model_validate(document)
    except ValidationError as error:
        return ManifestRead(problem="manifest does not fit the format: " + _first_error(error))
    for field, found, expected in (
        ("feed", manifest.feed, feed),
        ("date", manifest.date.isoformat(), day.isoformat()),
        ("data_type", manifest.data_type.value, data_type.value),
    ):
        if found != expected:
            return ManifestRead(
                problem=f"manifest says {field} {found!r} but is stored as {field} {expected!r}"
            )
    return ManifestRead(manifest=manifest)


def _first_error(error: ValidationError) -> str:
    details = error.errors()
    first = details[0]
    where = ".".join(str(part) for part in first["loc"]) or "manifest"
    more = f" (and {len(details) - 1} more)" if len(details) > 1 else ""
    return f"{where}: {first['msg']}{more}"
