"""Every refusal: exit code 1, a sentence that says why, and not one byte changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_ssmd
from tests.write.textdiff import inserted_lines, snapshot

REFUSALS = [
    pytest.param(
        ["feed", "add-version", "kalshii", "--effective-from", "2026-07-01"],
        "no feed named 'kalshii'",
        id="unknown-feed",
    ),
    pytest.param(
        ["env", "create", "kalshi-x", "--feed", "kalsh", "--schema", "trade:v1"],
        "SSMD301 unknown feed 'kalsh'; did you mean 'kalshi'?",
        id="env-unknown-feed",
    ),
    pytest.param(
        ["env", "create", "kalshi-x", "--feed", "kalshi", "--schema", "trade:v2"],
        "SSMD304",
        id="draft-schema",
    ),
    pytest.param(
        ["env", "update", "kalshi-dev", "--schema", "trade:v2"],
        "SSMD304",
        id="update-to-draft-schema",
    ),
    pytest.param(
        ["env", "create", "kalshi-x", "--feed", "kalshi", "--schema", "quote:v1"],
        "SSMD302",
        id="unknown-schema",
    ),
    pytest.param(
        ["env", "create", "kalshi-x", "--feed", "kalshi", "--schema", "trade:v7"],
        "SSMD303 schema trade has no version v7",
        id="unknown-schema-version",
    ),
    pytest.param(
        ["feed", "add-version", "kalshi", "--version", "v1", "--effective-from", "2026-07-01"],
        "SSMD101 version 'v1' is listed twice",
        id="duplicate-version",
    ),
    pytest.param(
        ["feed", "add-version", "kalshi", "--effective-from", "2025-01-01"],
        "SSMD102",
        id="duplicate-date",
    ),
    pytest.param(
        ["schema", "set-status", "trade:v1", "draft"],
        "trade:v1 is active and cannot go back to draft",
        id="backwards-status",
    ),
    pytest.param(
        ["feed", "create", "venue", "--type", "websocket", "--endpoint", "api.venue.com/ws"],
        "'api.venue.com/ws' is not a URL",
        id="bad-url",
    ),
    pytest.param(
        ["feed", "create", "venue", "--type", "websocket", "--endpoint", "gopher://venue.com"],
        "cannot tell the protocol from the scheme 'gopher'",
        id="unknown-scheme",
    ),
    pytest.param(
        [
            "feed",
            "create",
            "venue",
            "--type",
            "rest",
            "--endpoint",
            "wss://venue.com/ws",
            "--protocol",
            "https",
        ],
        "SSMD103",
        id="scheme-protocol-mismatch",
    ),
    pytest.param(
        ["feed", "add-version", "kalshi", "--effective-from", "2026-07-01", "--endpoint", "wss://"],
        "SSMD005",
        id="url-without-host",
    ),
    pytest.param(
        ["feed", "create", "Venue!", "--type", "websocket", "--endpoint", "wss://venue.com"],
        "'Venue!' is not a valid feed name",
        id="invalid-name",
    ),
    pytest.param(
        ["feed", "create", "kalshi", "--type", "websocket", "--endpoint", "wss://venue.com"],
        "a feed named 'kalshi' already exists",
        id="feed-exists",
    ),
    pytest.param(
        ["env", "create", "kalshi-dev", "--feed", "kalshi", "--schema", "trade:v1"],
        "an environment named 'kalshi-dev' already exists",
        id="env-exists",
    ),
    pytest.param(
        ["schema", "set-status", "trade:v9", "active"],
        "schema trade has no version v9 (versions: v1, v2)",
        id="set-status-unknown-version",
    ),
    pytest.param(
        ["schema", "set-status", "trade", "active"],
        "name the version: write trade:VERSION",
        id="set-status-unpinned",
    ),
    pytest.param(
        ["env", "update", "kalshi-dev", "--key", "kalshi:api_key"],
        "'kalshi:api_key' is not a key: write NAME:TYPE:FIELD[,FIELD...]",
        id="bad-key",
    ),
    pytest.param(
        ["env", "update", "kalshi-dev"],
        "nothing to change",
        id="update-nothing",
    ),
    pytest.param(
        ["env", "update", "kalshi-dev", "--storage-path", "x", "--s3-raw-bucket", "raw"],
        "either --storage-path (local storage) or --s3-* options, not both",
        id="local-and-s3",
    ),
]


@pytest.mark.parametrize(("arguments", "message"), REFUSALS)
def test_refusal_changes_nothing(sample_root: Path, arguments: list[str], message: str) -> None:
    before = snapshot(sample_root)
    result = run_ssmd(*arguments, root=sample_root)
    assert result.returncode == 1, result.stdout + result.stderr
    assert message in result.stderr
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr
    assert snapshot(sample_root) == before


def test_validation_refusal_points_at_the_line_in_the_refused_text(sample_root: Path) -> None:
    result = run_ssmd(
        "feed", "add-version", "kalshi", "--effective-from", "2025-01-01", root=sample_root
    )
    assert "refused: the change would leave 1 error (nothing was written)" in result.stderr
    # v3 would be inserted after v2 (same date): its effective_from is on line 26, column 21.
    assert "exchanges/feeds/kalshi.yaml:26:21: error SSMD102" in result.stderr


def test_name_not_matching_the_file_is_refused(sample_root: Path) -> None:
    feed = sample_root / "exchanges/feeds/kalshi.yaml"
    feed.write_text(feed.read_text().replace("name: kalshi", "name: kalshi-two"))
    before = snapshot(sample_root)
    result = run_ssmd(
        "feed", "add-version", "kalshi-two", "--effective-from", "2026-07-01", root=sample_root
    )
    assert result.returncode == 1
    assert "declares name 'kalshi-two', which does not match its file name" in result.stderr
    assert snapshot(sample_root) == before


def test_a_file_with_load_errors_is_not_edited(sample_root: Path) -> None:
    feed = sample_root / "exchanges/feeds/kalshi.yaml"
    feed.write_text(feed.read_text().replace("rate_limit_per_second: 5", "rate_limt: 5"))
    before = snapshot(sample_root)
    result = run_ssmd(
        "feed", "add-version", "kalshi", "--effective-from", "2026-07-01", root=sample_root
    )
    assert result.returncode == 1
    assert "has errors already" in result.stderr and "did you mean 'rate_limit" in result.stderr
    assert snapshot(sample_root) == before


def test_dependent_error_blocks_a_change_that_causes_it(sample_root: Path) -> None:
    """Deprecating is allowed (a warning), but a feed change that breaks an environment is not."""
    before = snapshot(sample_root)
    result = run_ssmd(
        "feed",
        "add-version",
        "kalshi",
        "--effective-from",
        "2026-07-01",
        "--endpoint",
        "wss://api.kalshi.com/ws",
        "--protocol",
        "https",
        root=sample_root,
    )
    assert result.returncode == 1 and "SSMD103" in result.stderr
    assert snapshot(sample_root) == before


def test_uncompilable_schema_is_not_registered(sample_root: Path, tmp_path: Path) -> None:
    source = tmp_path / "quote.capnp"
    source.write_text("@0xc5a1f2e3d4b59687;\nstruct Quote {\n  bid @0 :Nope;\n}\n")
    before = snapshot(sample_root)
    result = run_ssmd("schema", "register", "quote", "--file", str(source), root=sample_root)
    assert result.returncode == 1
    assert f"{source} does not compile" in result.stderr
    assert f"{source}:3:" in result.stderr and "Nope" in result.stderr
    assert snapshot(sample_root) == before


def test_a_layout_a_round_trip_library_would_rewrite_is_edited_in_place(
    sample_root: Path,
) -> None:
    """The text path splices at the reader's positions: odd spacing elsewhere stays as it is."""
    feed = sample_root / "exchanges/feeds/polymarket.yaml"
    text = feed.read_text().replace(
        "calendar:\n  timezone: UTC\n  holiday_calendar: none\n",
        "calendar: {timezone:   UTC,  holiday_calendar: none}\n",
    )
    feed.write_text(text)
    result = run_ssmd(
        "feed", "add-version", "polymarket", "--effective-from", "2026-07-01", root=sample_root
    )
    assert result.returncode == 0, result.stderr
    added = inserted_lines(text, feed.read_text())
    assert added[0].strip() == "- version: v2"
    assert "calendar: {timezone:   UTC,  holiday_calendar: none}" in feed.read_text()


def test_register_refuses_to_overwrite_another_schemas_file(
    sample_root: Path, tmp_path: Path
) -> None:
    source = tmp_path / "orderbook.capnp"
    original = (sample_root / "exchanges/schemas/orderbook.capnp").read_text()
    source.write_text(
        original.replace("sequence @5 :UInt64;", "sequence @5 :UInt64;\n  x @6 :Text;")
    )
    before = snapshot(sample_root)
    result = run_ssmd("schema", "register", "trade", "--file", str(source), root=sample_root)
    assert result.returncode == 1
    assert "orderbook.capnp is schema orderbook's file" in result.stderr
    assert snapshot(sample_root) == before
