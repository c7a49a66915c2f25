"""Inventory, gaps and quality over each backend: same data, same reports."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from ssmd.data.day_report import Verdict, gaps_report, quality_report
from ssmd.data.inventory import DayStatus, Inventory, build_inventory
from ssmd.data.selection import select_environment
from ssmd.data.stores import open_storage
from ssmd.workspace import Workspace
from tests.conftest import run_ssmd
from tests.data import dataset
from tests.data.conftest import LocalStore, MotoServer, S3Store, Store, add_environment
from tests.data.dataset import DEC, END, EXPECTED_STATUS, FEED, NOV, START

ENV = "kalshi-test"


@pytest.fixture
def root(sample_root: Path, store: Store) -> Path:
    dataset.fill(store)
    add_environment(sample_root, ENV, FEED, "trade:v1", store.storage_block())
    return sample_root


def inventory(root: Path, workers: int = 16) -> Inventory:
    workspace = Workspace.load(root)
    selection = select_environment(workspace, FEED, ENV, None)
    backend = open_storage(selection.environment, root, selection.path)
    try:
        return build_inventory(backend, selection.feed, ENV, START, END, workers)
    finally:
        backend.close()


def test_every_day_gets_its_status(root: Path) -> None:
    report = inventory(root)
    assert {str(row.date): row.status.value for row in report.days} == EXPECTED_STATUS


def test_sequential_and_parallel_reads_agree(root: Path) -> None:
    assert inventory(root, workers=1) == inventory(root, workers=16)


def test_closed_days_say_why(root: Path) -> None:
    rows = {row.date: row for row in inventory(root).days}
    assert rows[NOV[27]].closed == "holiday: Thanksgiving Day"
    assert rows[NOV[29]].closed == "weekend"
    assert rows[DEC[1]].closed is None
    sunday = rows[NOV[30]]  # data on a closed day is reported, not hidden
    assert sunday.status is DayStatus.COMPLETE
    assert sunday.note is not None and "calendar: weekend" in sunday.note


def test_a_day_is_as_bad_as_its_worse_half(root: Path) -> None:
    rows = {row.date: row for row in inventory(root).days}
    partial = rows[NOV[25]]
    assert (partial.quality_score, partial.gap_count) == (0.9, 2)
    assert partial.raw is not None and partial.raw.status is not None
    assert partial.raw.status.value == "partial"
    assert rows[NOV[28]].status is DayStatus.FAILED  # raw failed, normalized complete
    processing = rows[NOV[26]]
    assert processing.raw is not None and processing.raw.byte_size is None
    assert processing.normalized is None
    assert processing.note == "no normalized manifest"


def test_unusable_manifests_are_rows_with_their_reason(root: Path) -> None:
    rows = {row.date: row for row in inventory(root).days}
    not_json, bad_status, misplaced = rows[DEC[2]], rows[DEC[3]], rows[DEC[4]]
    assert not_json.note is not None and "raw: manifest is not valid JSON" in not_json.note
    assert not_json.normalized is not None and not_json.normalized.byte_size == 250_000
    assert bad_status.note is not None and "status" in bad_status.note
    assert misplaced.note == (
        "raw: manifest says date '2025-12-05' but is stored as date '2025-12-04'"
    )


def test_summary_counts_days_bytes_and_records(root: Path) -> None:
    summary = inventory(root).summary
    assert summary.days == 11
    counts = {status.value: count for status, count in summary.counts.items() if count}
    assert counts == {
        "complete": 2,
        "partial": 1,
        "processing": 1,
        "failed": 1,
        "missing": 1,
        "invalid": 3,
        "closed": 2,
    }
    # valid raw manifests: 11-24, 25, 26, 28, 30; normalized: 24, 25, 28, 30, 12-02
    assert summary.raw_bytes == 5 * 400_000
    assert summary.normalized_bytes == 5 * 250_000
    assert summary.raw_records == 5 * 1000
    assert summary.normalized_records == 4 * 1000 + 990


def test_gaps_of_a_day_side_by_side(root: Path) -> None:
    workspace = Workspace.load(root)
    selection = select_environment(workspace, FEED, ENV, None)
    backend = open_storage(selection.environment, root, selection.path)
    report = gaps_report(backend, selection.feed, selection.environment, NOV[25])
    assert [(g.reason, g.duration_seconds) for g in report.raw.gaps] == [
        ("venue halt", 1800.0),
        ("websocket disconnect", 3600.0),
    ]
    assert report.normalized.state.value == "present" and report.normalized.gaps == []
    missing = gaps_report(backend, selection.feed, selection.environment, DEC[1])
    assert (missing.raw.state.value, missing.normalized.state.value) == ("missing", "missing")


def test_quality_of_a_day(root: Path) -> None:
    workspace = Workspace.load(root)
    selection = select_environment(workspace, FEED, ENV, None)
    backend = open_storage(selection.environment, root, selection.path)
    report = quality_report(workspace, backend, selection.feed, selection.environment, NOV[25])
    assert report.raw.coverage == pytest.approx((86400 - 5400) / 86400, abs=1e-6)
    assert report.normalized.coverage == 1.0
    assert report.raw.connector_version == "0.3.1"
    assert (report.schema_check.expected, report.schema_check.recorded) == ("trade:v1", "v1")
    assert report.schema_check.verdict is Verdict.MATCHES
    assert (report.records.difference, report.records.verdict) == (-10, Verdict.DIFFERS)
    invalid = quality_report(workspace, backend, selection.feed, selection.environment, DEC[3])
    assert invalid.raw.state.value == "invalid" and invalid.raw.problem is not None


def test_schema_check_follows_the_environment_as_of_the_day(sample_root: Path) -> None:
    """An unpinned environment resolves trade as of the day; v2 data then differs from v1."""
    store = LocalStore(sample_root / "store")
    store.put("normalized", FEED, NOV[24], dataset.encoded(dataset.body(NOV[24], "normalized")))
    day = NOV[24]
    store.put(
        "normalized",
        FEED,
        day + dt.timedelta(days=1),
        dataset.encoded(
            dataset.body(day + dt.timedelta(days=1), "normalized", schema_version="v2")
        ),
    )
    add_environment(sample_root, ENV, FEED, "trade", store.storage_block())
    workspace = Workspace.load(sample_root)
    selection = select_environment(workspace, FEED, ENV, None)
    backend = open_storage(selection.environment, sample_root, selection.path)
    matching = quality_report(workspace, backend, selection.feed, selection.environment, day)
    assert matching.schema_check.expected == "trade:v1"  # v2 is a draft in the sample registry
    assert matching.schema_check.verdict is Verdict.MATCHES
    next_day = day + dt.timedelta(days=1)
    differing = quality_report(workspace, backend, selection.feed, selection.environment, next_day)
    assert differing.schema_check.verdict is Verdict.DIFFERS


def cli_inventory(root: Path) -> dict[str, object]:
    result = run_ssmd(
        "data", "inventory", "--feed", FEED, "--from", str(START), "--to", str(END),
        "--env", ENV, "--json", root=root,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no progress bar or log when piped
    document: dict[str, object] = json.loads(result.stdout)
    return document


def test_cli_inventory_text_and_json(root: Path) -> None:
    document = cli_inventory(root)
    days = document["days"]
    assert isinstance(days, list)
    assert {d["date"]: d["status"] for d in days} == EXPECTED_STATUS
    text = run_ssmd(
        "data", "inventory", "--feed", FEED, "--from", str(START), "--to", str(END),
        "--env", ENV, root=root,
    )  # fmt: skip
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0] == f"Feed: {FEED}"
    assert "Date Range: 2025-11-24 to 2025-12-04 (America/New_York, holidays us_equity)" in lines
    assert any(line.startswith("2025-11-25  400KB  250KB       partial") for line in lines)
    assert any(
        line.startswith("2025-11-27") and "holiday: Thanksgiving Day" in line for line in lines
    )
    assert (
        "Summary: 11 days: 2 complete, 1 partial, 1 missing, 1 processing, 1 failed, "
        "3 invalid, 2 closed" in lines
    )


def test_cli_gaps_and_quality(root: Path) -> None:
    gaps = run_ssmd("data", "gaps", "--feed", FEED, "--date", "2025-11-25", "--env", ENV, root=root)
    assert gaps.returncode == 0, gaps.stderr
    assert "Raw: partial, 2 gaps" in gaps.stdout
    assert "Normalized: complete, 0 gaps" in gaps.stdout
    assert "raw   2025-11-25T14:30:00Z  2025-11-25T15:00:00Z  30m00s    venue halt" in gaps.stdout
    quality = run_ssmd(
        "data", "quality", "--feed", FEED, "--date", "2025-11-25", "--env", ENV, "--json", root=root
    )
    assert quality.returncode == 0, quality.stderr
    document = json.loads(quality.stdout)
    assert document["schema_check"] == {
        "expected": "trade:v1",
        "recorded": "v1",
        "verdict": "matches",
    }
    assert document["records"]["verdict"] == "differs"


def test_local_and_s3_give_the_same_reports(
    sample_root: Path, tmp_path: Path, moto_server: MotoServer, s3_client: str
) -> None:
    """Day for day, through either S3 client (SSMD_S3_CLIENT reaches the CLI child)."""
    local = LocalStore(tmp_path / "local-store")
    remote = S3Store(moto_server, f"raw-same-{s3_client}", f"normalized-same-{s3_client}")
    reports = []
    for store in (local, remote):
        dataset.fill(store)
        add_environment(sample_root, ENV, FEED, "trade:v1", store.storage_block())
        document = cli_inventory(sample_root)
        assert str(document.pop("storage")).startswith(
            "local folder" if store is local else f"s3://raw-same-{s3_client}"
        )
        reports.append(document)
    assert reports[0] == reports[1]


def test_rows_sharing_a_fields_set_still_copy_and_assign_on_their_own(root: Path) -> None:
    """Entries and rows share one fields set (to save memory); changing one leaves the rest."""
    report = inventory(root)
    first, second = report.days[0], report.days[1]
    entries = [row.raw for row in report.days if row.raw is not None]
    problems = [entry.problem for entry in entries[1:]]
    copied = first.model_copy(update={"note": "copied"})
    first.note = "assigned"
    entries[0].problem = "assigned"
    assert (copied.note, first.note) == ("copied", "assigned")
    assert second.note != "assigned"
    assert [entry.problem for entry in entries[1:]] == problems
    assert first.model_fields_set == second.model_fields_set == set(type(first).model_fields)
    assert entries[0].model_fields_set == set(type(entries[0]).model_fields)
