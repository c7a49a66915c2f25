"""Manifest parsing never raises; coverage follows the venue's local day."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from ssmd.data.day_report import coverage, local_day
from ssmd.data.manifest import DataType, Gap, parse_manifest

DAY = dt.date(2025, 12, 1)
VALID = {"feed": "kalshi", "date": "2025-12-01", "data_type": "raw", "status": "complete"}


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"\xff\xfe{", "manifest is not UTF-8 text"),
        (b"[1, 2]", "manifest is not a JSON object"),
        (b"", "manifest is not valid JSON (line 1, column 1: Expecting value)"),
        (json.dumps({**VALID, "record_count": -1}).encode(), "record_count: Input should be"),
        (json.dumps({**VALID, "quality_score": 1.5}).encode(), "quality_score: Input should be"),
        (json.dumps({k: v for k, v in VALID.items() if k != "status"}).encode(), "status: Field"),
        (
            json.dumps({**VALID, "gaps": [{"start": "2025-12-01T10:00:00Z",
                                           "end": "2025-12-01T09:00:00Z"}]}).encode(),
            "gaps.0: Value error, gap ends",
        ),
        (json.dumps({**VALID, "feed": "polymarket"}).encode(), "manifest says feed 'polymarket'"),
        (json.dumps({**VALID, "data_type": "normalized"}).encode(), "says data_type"),
    ],
)  # fmt: skip
def test_unusable_manifests_give_a_reason(content: bytes, problem: str) -> None:
    read = parse_manifest(content, "kalshi", DAY, DataType.RAW)
    assert read.manifest is None
    assert read.problem is not None and problem in read.problem


def test_unknown_keys_are_ignored_and_defaults_apply() -> None:
    read = parse_manifest(
        json.dumps({**VALID, "compression": "zstd"}).encode(), "kalshi", DAY, DataType.RAW
    )
    assert read.manifest is not None and read.problem is None
    assert (read.manifest.record_count, read.manifest.gaps) == (0, [])


def test_a_dst_day_has_25_hours_in_new_york() -> None:
    day = dt.date(2025, 11, 2)
    start, end = local_day(day, "America/New_York")
    assert end - start == dt.timedelta(hours=25)
    assert coverage(start, end, [], day, "America/New_York") == 1.0
    hour = Gap(start=start, end=start + dt.timedelta(hours=1))
    assert coverage(start, end, [hour, hour], day, "America/New_York") == pytest.approx(24 / 25)


def test_coverage_clips_to_the_local_day() -> None:
    start, end = local_day(DAY, "UTC")
    before = start - dt.timedelta(hours=6)
    assert coverage(before, start + dt.timedelta(hours=12), [], DAY, "UTC") == 0.5
    assert coverage(end, end + dt.timedelta(hours=1), [], DAY, "UTC") == 0.0
    assert coverage(None, end, [], DAY, "UTC") is None
