"""One feed-week and a bit of manifests covering every case the inventory distinguishes.

Kalshi trades on New York dates with NYSE holidays: 2025-11-27 is Thanksgiving,
11-29/30 a weekend. EXPECTED is what every backend must report for it.
"""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from typing import Any

from tests.data.conftest import Store

FEED = "kalshi"
START, END = dt.date(2025, 11, 24), dt.date(2025, 12, 4)
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def body(day: dt.date, data_type: str, status: str = "complete", **fields: Any) -> dict[str, Any]:
    start = dt.datetime.combine(day, dt.time(), NEW_YORK).astimezone(dt.UTC)
    manifest: dict[str, Any] = {
        "feed": FEED,
        "date": day.isoformat(),
        "data_type": data_type,
        "schema_version": "v1" if data_type == "normalized" else None,
        "status": status,
        "record_count": 1000,
        "byte_size": 400_000 if data_type == "raw" else 250_000,
        "first_timestamp": start.isoformat(),
        "last_timestamp": (start + dt.timedelta(days=1)).isoformat(),
        "gaps": [],
        "quality_score": 1.0,
        "connector_version": "0.3.1",
        "created_at": (start + dt.timedelta(days=1, minutes=5)).isoformat(),
    }
    manifest.update(fields)
    return manifest


def encoded(manifest: dict[str, Any]) -> bytes:
    return json.dumps(manifest).encode()


def at(day: dt.date, hour: int, minute: int = 0) -> str:
    return dt.datetime.combine(day, dt.time(hour, minute), NEW_YORK).isoformat()


NOV = {n: dt.date(2025, 11, n) for n in range(24, 31)}
DEC = {n: dt.date(2025, 12, n) for n in range(1, 5)}
GAPS_1125 = [
    {"start": at(NOV[25], 14), "end": at(NOV[25], 15), "reason": "websocket disconnect"},
    {"start": at(NOV[25], 9, 30), "end": at(NOV[25], 10), "reason": "venue halt"},
]


def manifests() -> dict[tuple[str, dt.date], bytes]:
    files = {
        ("raw", NOV[24]): encoded(body(NOV[24], "raw")),
        ("normalized", NOV[24]): encoded(body(NOV[24], "normalized")),
        ("raw", NOV[25]): encoded(
            body(NOV[25], "raw", "partial", gaps=GAPS_1125, quality_score=0.9)
        ),
        ("normalized", NOV[25]): encoded(body(NOV[25], "normalized", record_count=990)),
        ("raw", NOV[26]): encoded(
            body(NOV[26], "raw", "processing", last_timestamp=None, quality_score=None)
        ),
        # 11-27 Thanksgiving: nothing, closed.
        ("raw", NOV[28]): encoded(body(NOV[28], "raw", "failed", quality_score=0.3)),
        ("normalized", NOV[28]): encoded(body(NOV[28], "normalized")),
        # 11-29 Saturday: nothing, closed. 11-30 Sunday: data although closed.
        ("raw", NOV[30]): encoded(body(NOV[30], "raw")),
        ("normalized", NOV[30]): encoded(body(NOV[30], "normalized")),
        # 12-01: nothing on a trading day, missing.
        ("raw", DEC[2]): b'{"feed": "kalshi", "date": "2025-12-02", "sta',
        ("normalized", DEC[2]): encoded(body(DEC[2], "normalized")),
        ("raw", DEC[3]): encoded(body(DEC[3], "raw", "done")),
        ("raw", DEC[4]): encoded(body(DEC[4], "raw", date="2025-12-05")),
    }
    return files


def fill(store: Store) -> None:
    for (data_type, day), content in manifests().items():
        store.put(data_type, FEED, day, content)


EXPECTED_STATUS = {
    "2025-11-24": "complete",
    "2025-11-25": "partial",
    "2025-11-26": "processing",
    "2025-11-27": "closed",
    "2025-11-28": "failed",
    "2025-11-29": "closed",
    "2025-11-30": "complete",
    "2025-12-01": "missing",
    "2025-12-02": "invalid",
    "2025-12-03": "invalid",
    "2025-12-04": "invalid",
}
