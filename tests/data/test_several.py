"""Several environments in one call, the status filter, --fail-on, CSV: a local and an S3 store."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from ssmd.data.combined import CombinedInventory
from tests.conftest import REPO, run_ssmd
from tests.data import dataset
from tests.data.conftest import LocalStore, MotoServer, S3Store, add_environment
from tests.data.dataset import END, EXPECTED_STATUS, FEED, START

RANGE = ("--from", str(START), "--to", str(END))


@pytest.fixture
def root(sample_root: Path, tmp_path: Path, moto_server: MotoServer) -> Path:
    """kalshi-local on a folder and kalshi-prod (the sample's S3 environment) on moto: same data."""
    local = LocalStore(tmp_path / "local-store")
    remote = S3Store(moto_server, "raw-several", "normalized-several")
    for store in (local, remote):
        dataset.fill(store)
    (sample_root / "sample-data").symlink_to(REPO / "sample-data")  # kalshi-dev, polymarket-dev
    add_environment(sample_root, "kalshi-local", FEED, "trade:v1", local.storage_block())
    add_environment(sample_root, "kalshi-prod", FEED, "trade", remote.storage_block())
    return sample_root


def inventory(root: Path, *args: str) -> Any:
    result = run_ssmd("data", "inventory", *RANGE, *args, "--json", root=root)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def statuses(report: dict[str, Any]) -> dict[str, str]:
    return {day["date"]: day["status"] for day in report["days"]}


def test_repeated_env_reads_each_environment_with_its_feed(root: Path) -> None:
    document = inventory(root, "--env", "kalshi-local", "--env", "kalshi-prod")
    reports = document["environments"]
    assert [r["environment"] for r in reports] == ["kalshi-local", "kalshi-prod"]
    assert reports[0]["storage"].startswith("local folder")
    assert reports[1]["storage"].startswith("s3://raw-several")
    assert statuses(reports[0]) == statuses(reports[1]) == EXPECTED_STATUS
    summary = document["summary"]
    assert summary["environments"] == 2 and summary["days"] == 22
    assert summary["counts"]["invalid"] == 6 and summary["counts"]["closed"] == 4
    assert summary["raw_bytes"] == 2 * reports[0]["summary"]["raw_bytes"]


def test_json_of_several_is_pydantic_s_own_text(root: Path) -> None:
    """The CLI writes the combined JSON an environment at a time; the bytes must not change."""
    result = run_ssmd(
        "data", "inventory", *RANGE, "--env", "kalshi-local", "--env", "kalshi-prod", "--json",
        "--status", "missing", root=root,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    document = CombinedInventory.model_validate_json(result.stdout)
    assert result.stdout == document.model_dump_json(indent=2) + "\n"


def test_all_takes_every_environment_with_storage(root: Path) -> None:
    document = inventory(root, "--all")
    names = [r["environment"] for r in document["environments"]]
    assert names == ["kalshi-dev", "kalshi-local", "kalshi-prod", "polymarket-dev"]
    assert {r["feed"] for r in document["environments"]} == {"kalshi", "polymarket"}
    only_polymarket = inventory(root, "--all", "--feed", "polymarket")
    assert [r["environment"] for r in only_polymarket["environments"]] == ["polymarket-dev"]


def test_feed_alone_keeps_the_single_report(root: Path) -> None:
    document = inventory(root, "--feed", "polymarket")
    assert document["environment"] == "polymarket-dev" and "environments" not in document


def test_text_ends_with_a_combined_summary(root: Path) -> None:
    result = run_ssmd(
        "data", "inventory", *RANGE, "--env", "kalshi-local", "--env", "kalshi-prod", root=root
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines.count(f"Feed: {FEED}") == 2
    assert (
        "Combined: 2 environments (kalshi-local, kalshi-prod), 22 days: 4 complete, 2 partial, "
        "2 missing, 2 processing, 2 failed, 6 invalid, 4 closed"
    ) in lines


def test_status_filters_rows_not_the_summary(root: Path) -> None:
    document = inventory(root, "--env", "kalshi-local", "--status", "invalid, missing")
    assert statuses(document) == {
        day: status for day, status in EXPECTED_STATUS.items() if status in ("invalid", "missing")
    }
    assert document["summary"]["days"] == 11


def test_fail_on_exits_1_with_one_line(root: Path) -> None:
    result = run_ssmd(
        "data", "inventory", *RANGE, "--env", "kalshi-local", "--env", "kalshi-prod",
        "--fail-on", "missing,failed", root=root,
    )  # fmt: skip
    assert result.returncode == 1
    assert "Combined: 2 environments" in result.stdout  # the report is still printed
    assert result.stderr.splitlines() == [
        "fail-on: 4 days 2025-11-24 to 2025-12-04 match --fail-on (2 failed, 2 missing): "
        "kalshi-local 2 (first 2025-11-28, last 2025-12-01); "
        "kalshi-prod 2 (first 2025-11-28, last 2025-12-01)"
    ]
    clean = run_ssmd(
        "data", "inventory", *RANGE, "--env", "kalshi-local", "--fail-on", "closed",
        "--from", "2025-11-24", "--to", "2025-11-26", root=root,
    )  # fmt: skip
    assert (clean.returncode, clean.stderr) == (0, "")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("--env", "kalshi-local", "--fail-on", "late"), 2, "--fail-on: unknown status 'late'"),
        (("--env", "kalshi-local", "--status", ","), 2, "--status needs at least one status"),
        (("--env", "kalshi-local", "--format", "calendar", "--status", "missing"), 2,
         "the calendar view shows every day"),
        (("--all", "--env", "kalshi-local"), 1, "--all takes every environment with storage"),
        ((), 1, "say which data to report: --feed F, --env E (repeatable) or --all"),
        (("--env", "kalshi-local", "--env", "nope"), 1, "no environment named 'nope' (--env)"),
        (("--feed", "polymarket", "--env", "kalshi-local", "--env", "polymarket-dev"), 1,
         "environment kalshi-local (--env) runs feed kalshi, not polymarket"),
    ],
)  # fmt: skip
def test_bad_choices_are_refused_in_one_sentence(
    root: Path, args: tuple[str, ...], code: int, message: str
) -> None:
    """Usage mistakes exit 2, a choice that cannot be served exits 1; never a traceback."""
    result = run_ssmd("data", "inventory", *RANGE, *args, root=root)
    assert result.returncode == code, result.stdout + result.stderr
    assert result.stderr.startswith("error: ") and message in result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr


def test_a_store_fault_names_its_environment(root: Path) -> None:
    broken = {"type": "s3", "raw_bucket": "absent-raw", "normalized_bucket": "absent-norm",
              "region": "us-east-1", "endpoint_url": f"http://127.0.0.1:{1}"}  # fmt: skip
    add_environment(root, "kalshi-gone", FEED, "trade", broken)
    result = run_ssmd(
        "data", "inventory", *RANGE, "--env", "kalshi-local", "--env", "kalshi-gone", root=root,
        env={"AWS_MAX_ATTEMPTS": "1"},
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.startswith("error: environment kalshi-gone: cannot reach the S3 endpoint")


def test_csv_has_a_row_per_day_and_environment(root: Path) -> None:
    result = run_ssmd(
        "data", "inventory", *RANGE, "--env", "kalshi-local", "--env", "kalshi-prod",
        "--format", "csv", root=root,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 22
    assert {(r["environment"], r["date"]): r["status"] for r in rows} == {
        (env, day): status
        for env in ("kalshi-local", "kalshi-prod")
        for day, status in EXPECTED_STATUS.items()
    }
    partial = next(r for r in rows if r["date"] == "2025-11-25")
    assert (partial["raw_bytes"], partial["normalized_records"]) == ("400000", "990")
    assert (partial["quality_score"], partial["gap_count"]) == ("0.9", "2")
    missing = next(r for r in rows if r["date"] == "2025-12-01")
    assert (missing["raw_bytes"], missing["quality_score"]) == ("", "")


def test_out_writes_the_file_and_nothing_to_stdout(root: Path, tmp_path: Path) -> None:
    target = tmp_path / "inventory.csv"
    result = run_ssmd(
        "data", "inventory", *RANGE, "--env", "kalshi-local", "--format", "csv",
        "--out", str(target), root=root,
    )  # fmt: skip
    assert (result.returncode, result.stdout) == (0, "")
    assert target.read_text().splitlines()[0].startswith("environment,feed,date,status")
