#!/usr/bin/env python3
"""Write the bundled sample data set: manifests only, a few weeks of two feeds.

`exchanges/environments/kalshi-dev.yaml` and `polymarket-dev.yaml` point at it
(`storage: {type: local, path: sample-data}`), so `ssmd data inventory` shows
a real report on a fresh clone. Every case the inventory distinguishes is in
it on purpose: complete, partial with gaps, processing, failed, a missing
day, weekends and a holiday (closed), one corrupt manifest, a schema version
that differs from the environment's, and raw/normalized counts that differ.
Deterministic: running it again gives the same bytes (a test checks that).

    python scripts/make_sample_data.py [OUT]     # OUT defaults to sample-data/
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import sys
import zoneinfo
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _jitter(day: dt.date, salt: str, spread: int) -> int:
    """A stable pseudo-random offset in [0, spread): same day, same number, on every machine."""
    digest = hashlib.sha256(f"{salt}{day}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % spread


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def manifest(
    feed: str,
    day: dt.date,
    data_type: str,
    timezone: str,
    status: str = "complete",
    gaps: list[tuple[str, str, str]] | None = None,
    records: int | None = None,
    schema_version: str | None = None,
    quality: float | None = None,
    stopped_at: str | None = None,
) -> dict[str, Any]:
    zone = zoneinfo.ZoneInfo(timezone)
    start = dt.datetime.combine(day, dt.time(), zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), zone)
    count = records if records is not None else 1_200_000 + _jitter(day, feed, 90_000)
    per_record = 430 if data_type == "raw" else 260
    last = end - dt.timedelta(milliseconds=13)
    if stopped_at is not None:
        last = dt.datetime.fromisoformat(stopped_at.replace("Z", "+00:00"))
    body: dict[str, Any] = {
        "feed": feed,
        "date": day.isoformat(),
        "data_type": data_type,
        "schema_version": schema_version if data_type == "normalized" else None,
        "status": status,
        "record_count": count,
        "byte_size": count * per_record,
        "first_timestamp": _iso(start + dt.timedelta(milliseconds=1234)),
        "last_timestamp": _iso(last),
        "gaps": [{"start": s, "end": e, "reason": r} for s, e, r in gaps or []],
        "quality_score": quality if quality is not None else (1.0 if not gaps else 0.95),
        "connector_version": "0.1.0",
        "created_at": _iso(end + dt.timedelta(minutes=5)),
    }
    if status == "processing":
        body.update(record_count=0, byte_size=0, last_timestamp=None, quality_score=None)
    return body


def kalshi() -> dict[str, bytes]:
    """2025-12-01 to 2025-12-28 (New York dates, NYSE holidays: Christmas is closed)."""
    feed, tz, files = "kalshi", "America/New_York", {}
    gaps = [
        ("2025-12-03T14:31:05.000Z", "2025-12-03T14:33:47.500Z", "websocket disconnect"),
        ("2025-12-03T19:02:00.000Z", "2025-12-03T19:02:41.000Z", "heartbeat timeout"),
    ]
    for offset in range(28):
        day = dt.date(2025, 12, 1) + dt.timedelta(days=offset)
        if day.weekday() >= 5 or day == dt.date(2025, 12, 25) or day == dt.date(2025, 12, 10):
            continue  # closed (weekends, Christmas), and 12-10 is the missing day
        raw = manifest(feed, day, "raw", tz)
        normalized = manifest(
            feed, day, "normalized", tz, records=raw["record_count"], schema_version="v1"
        )
        if day == dt.date(2025, 12, 3):
            raw = manifest(feed, day, "raw", tz, status="partial", gaps=gaps)
            normalized = manifest(
                feed,
                day,
                "normalized",
                tz,
                status="partial",
                gaps=gaps,
                records=raw["record_count"],
                schema_version="v1",
            )
        elif day == dt.date(2025, 12, 4):  # normalization dropped records
            normalized = manifest(
                feed,
                day,
                "normalized",
                tz,
                records=raw["record_count"] - 1_204,
                schema_version="v1",
                quality=0.99,
            )
        elif day == dt.date(2025, 12, 17):  # written with a schema the environment does not pin
            normalized = manifest(
                feed, day, "normalized", tz, records=raw["record_count"], schema_version="v2"
            )
        elif day == dt.date(2025, 12, 19):
            normalized = manifest(
                feed, day, "normalized", tz, status="failed", records=0, quality=0.0
            )
        elif day == dt.date(2025, 12, 26):  # today's capture, still being written
            files[_path("raw", feed, day)] = _json(manifest(feed, day, "raw", tz, "processing"))
            continue
        files[_path("raw", feed, day)] = _json(raw)
        files[_path("normalized", feed, day)] = _json(normalized)
    # The writer died mid-file: the day is reported with the reason, the rest still prints.
    files[_path("raw", feed, dt.date(2025, 12, 16))] = (
        b'{\n  "feed": "kalshi",\n  "date": "2025-12-16",\n  "data_type": "raw",\n  "status": "comp'
    )
    return files


def polymarket() -> dict[str, bytes]:
    """2025-12-01 to 2025-12-14 (UTC dates; the calendar has weekends only)."""
    feed, tz, files = "polymarket", "UTC", {}
    for offset in range(14):
        day = dt.date(2025, 12, 1) + dt.timedelta(days=offset)
        if day.weekday() >= 5 and day != dt.date(2025, 12, 6):
            continue  # 12-06 has data although the calendar says closed: reported, with a note
        raw = manifest(feed, day, "raw", tz)
        normalized = manifest(
            feed, day, "normalized", tz, records=raw["record_count"], schema_version="v1"
        )
        if day == dt.date(2025, 12, 9):
            gap = [("2025-12-09T03:10:00.000Z", "2025-12-09T04:25:30.000Z", "venue maintenance")]
            raw = manifest(feed, day, "raw", tz, status="partial", gaps=gap, quality=0.9)
            normalized = manifest(
                feed,
                day,
                "normalized",
                tz,
                status="partial",
                gaps=gap,
                records=raw["record_count"],
                schema_version="v1",
                quality=0.9,
            )
        elif day == dt.date(2025, 12, 11):  # the connector crashed at 06:40 and never came back
            files[_path("raw", feed, day)] = _json(
                manifest(
                    feed,
                    day,
                    "raw",
                    tz,
                    status="failed",
                    records=331_402,
                    quality=0.27,
                    stopped_at="2025-12-11T06:40:12.020Z",
                )
            )
            continue
        files[_path("raw", feed, day)] = _json(raw)
        files[_path("normalized", feed, day)] = _json(normalized)
    return files


def _path(data_type: str, feed: str, day: dt.date) -> str:
    return f"{data_type}/{feed}/{day:%Y/%m/%d}/manifest.json"


def _json(body: dict[str, Any]) -> bytes:
    return (json.dumps(body, indent=2) + "\n").encode()


def sample_files() -> dict[str, bytes]:
    return {**kalshi(), **polymarket()}


def write(out: Path) -> int:
    for data_type in ("raw", "normalized"):
        shutil.rmtree(out / data_type, ignore_errors=True)
    files = sample_files()
    for relative, content in sorted(files.items()):
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return len(files)


if __name__ == "__main__":
    destination = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "sample-data"
    print(f"wrote {write(destination)} manifests under {destination}")
