"""`ssmd data gaps` and `ssmd data quality`: one day of a feed, raw and normalized side by side."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from enum import StrEnum

from pydantic import BaseModel

from ssmd.data.fetch import fetch_manifests
from ssmd.data.inventory import calendar_closed
from ssmd.data.manifest import DataType, Gap, ManifestRead, ManifestStatus
from ssmd.data.storage import StorageBackend
from ssmd.models import Environment, Feed
from ssmd.resolve import SchemaRef
from ssmd.views import resolve_schema_ref
from ssmd.workspace import Workspace


class SideState(StrEnum):
    PRESENT = "present"
    MISSING = "missing"
    INVALID = "invalid"


class GapRow(BaseModel):
    start: dt.datetime
    end: dt.datetime
    duration_seconds: float
    reason: str


class SideGaps(BaseModel):
    data_type: DataType
    state: SideState
    problem: str | None = None
    status: ManifestStatus | None = None
    gaps: list[GapRow] = []


class GapsReport(BaseModel):
    feed: str
    environment: str
    date: dt.date
    closed: str | None
    raw: SideGaps
    normalized: SideGaps


class SideQuality(BaseModel):
    data_type: DataType
    state: SideState
    problem: str | None = None
    status: ManifestStatus | None = None
    record_count: int | None = None
    byte_size: int | None = None
    first_timestamp: dt.datetime | None = None
    last_timestamp: dt.datetime | None = None
    coverage: float | None = None
    """Share of the venue's local day (23, 24 or 25 hours) with data: first to last, less gaps."""
    gap_count: int | None = None
    quality_score: float | None = None
    connector_version: str | None = None
    schema_version: str | None = None


class Verdict(StrEnum):
    MATCHES = "matches"
    DIFFERS = "differs"
    NOT_RECORDED = "not recorded"
    NOT_COMPARABLE = "not comparable"


class SchemaCheck(BaseModel):
    """Does the data's schema version match what the environment resolves to on that day?"""

    expected: str | None
    """`name:version` the environment's schema reference resolves to on the day."""
    recorded: str | None
    verdict: Verdict


class RecordCheck(BaseModel):
    """Did normalization keep every raw record?"""

    raw: int | None
    normalized: int | None
    difference: int | None
    verdict: Verdict


class QualityReport(BaseModel):
    feed: str
    environment: str
    date: dt.date
    timezone: str
    closed: str | None
    raw: SideQuality
    normalized: SideQuality
    schema_check: SchemaCheck
    records: RecordCheck


def _state(read: ManifestRead) -> SideState:
    if read.problem is not None:
        return SideState.INVALID
    return SideState.PRESENT if read.manifest is not None else SideState.MISSING


def _read_day(backend: StorageBackend, feed: Feed, day: dt.date) -> dict[DataType, ManifestRead]:
    reads = fetch_manifests(backend, feed.name, [day])
    return {data_type: reads[(data_type, day)] for data_type in DataType}


def gaps_report(
    backend: StorageBackend, feed: Feed, environment: Environment, day: dt.date
) -> GapsReport:
    reads = _read_day(backend, feed, day)

    def side(data_type: DataType) -> SideGaps:
        read = reads[data_type]
        manifest = read.manifest
        return SideGaps(
            data_type=data_type,
            state=_state(read),
            problem=read.problem,
            status=manifest.status if manifest else None,
            gaps=[
                GapRow(
                    start=g.start,
                    end=g.end,
                    duration_seconds=g.duration.total_seconds(),
                    reason=g.reason,
                )
                for g in sorted(manifest.gaps, key=lambda g: g.start)
            ]
            if manifest
            else [],
        )

    return GapsReport(
        feed=feed.name,
        environment=environment.name,
        date=day,
        closed=calendar_closed(feed, day),
        raw=side(DataType.RAW),
        normalized=side(DataType.NORMALIZED),
    )


def local_day(day: dt.date, timezone: str) -> tuple[dt.datetime, dt.datetime]:
    """The venue's day as an aware [start, end) interval (23 or 25 hours on DST changes)."""
    zone = zoneinfo.ZoneInfo(timezone)
    start = dt.datetime.combine(day, dt.time(), zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), zone)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def coverage(
    first: dt.datetime | None, last: dt.datetime | None, gaps: list[Gap], day: dt.date, tz: str
) -> float | None:
    """Share of the local day between the first and last record, less the gaps (merged)."""
    if first is None or last is None:
        return None
    day_start, day_end = local_day(day, tz)

    def clip(start: dt.datetime, end: dt.datetime) -> tuple[dt.datetime, dt.datetime] | None:
        start, end = max(_aware(start), day_start), min(_aware(end), day_end)
        return (start, end) if end > start else None

    span = clip(first, last)
    if span is None:
        return 0.0
    covered = (span[1] - span[0]).total_seconds()
    holes = sorted(c for g in gaps if (c := clip(max(g.start, span[0]), min(g.end, span[1]))))
    merged: list[tuple[dt.datetime, dt.datetime]] = []
    for start, end in holes:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    covered -= sum((end - start).total_seconds() for start, end in merged)
    return round(max(covered, 0.0) / (day_end - day_start).total_seconds(), 6)


def _aware(moment: dt.datetime) -> dt.datetime:
    """Timestamps without an offset are taken as UTC, as connectors write them."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def quality_report(
    workspace: Workspace,
    backend: StorageBackend,
    feed: Feed,
    environment: Environment,
    day: dt.date,
) -> QualityReport:
    reads = _read_day(backend, feed, day)
    timezone = feed.calendar.timezone if feed.calendar else "UTC"

    def side(data_type: DataType) -> SideQuality:
        read = reads[data_type]
        m = read.manifest
        if m is None:
            return SideQuality(data_type=data_type, state=_state(read), problem=read.problem)
        return SideQuality(
            data_type=data_type,
            state=SideState.PRESENT,
            status=m.status,
            record_count=m.record_count,
            byte_size=m.byte_size,
            first_timestamp=m.first_timestamp,
            last_timestamp=m.last_timestamp,
            coverage=coverage(m.first_timestamp, m.last_timestamp, m.gaps, day, timezone),
            gap_count=len(m.gaps),
            quality_score=m.quality_score,
            connector_version=m.connector_version,
            schema_version=m.schema_version,
        )

    raw, normalized = side(DataType.RAW), side(DataType.NORMALIZED)
    return QualityReport(
        feed=feed.name,
        environment=environment.name,
        date=day,
        timezone=timezone,
        closed=calendar_closed(feed, day),
        raw=raw,
        normalized=normalized,
        schema_check=schema_check(workspace, environment, day, normalized, raw),
        records=record_check(raw, normalized),
    )


def schema_check(
    workspace: Workspace,
    environment: Environment,
    day: dt.date,
    normalized: SideQuality,
    raw: SideQuality,
) -> SchemaCheck:
    """The normalized data carries the schema version; raw data usually has none."""
    ref = SchemaRef.parse(environment.schema_ref)
    version = resolve_schema_ref(workspace, ref, day)
    expected = f"{ref.name}:{version.version}" if version else None
    recorded = normalized.schema_version or raw.schema_version
    if recorded is None:
        verdict = Verdict.NOT_RECORDED
    elif version is None:
        verdict = Verdict.NOT_COMPARABLE
    elif recorded in (version.version, expected):
        verdict = Verdict.MATCHES
    else:
        verdict = Verdict.DIFFERS
    return SchemaCheck(expected=expected, recorded=recorded, verdict=verdict)


def record_check(raw: SideQuality, normalized: SideQuality) -> RecordCheck:
    complete = ManifestStatus.COMPLETE, ManifestStatus.PARTIAL
    if raw.record_count is None or normalized.record_count is None:
        return RecordCheck(
            raw=raw.record_count,
            normalized=normalized.record_count,
            difference=None,
            verdict=Verdict.NOT_COMPARABLE,
        )
    difference = normalized.record_count - raw.record_count
    comparable = raw.status in complete and normalized.status in complete
    verdict = (
        Verdict.NOT_COMPARABLE
        if not comparable
        else (Verdict.MATCHES if difference == 0 else Verdict.DIFFERS)
    )
    return RecordCheck(
        raw=raw.record_count,
        normalized=normalized.record_count,
        difference=difference,
        verdict=verdict,
    )
