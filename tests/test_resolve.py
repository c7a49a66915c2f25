"""The as-of resolver (SPEC section 5), table-tested around every boundary."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ssmd.models import (
    FeedVersion,
    Protocol,
    SchemaStatus,
    SchemaVersion,
)
from ssmd.resolve import (
    SchemaRef,
    in_date_order,
    parse_date,
    resolvable_schema_version,
    resolve_as_of,
)
from ssmd.views import resolve_schema_ref
from ssmd.workspace import Workspace

D = dt.date.fromisoformat
HASH = "sha256:" + "0" * 64


def feed_version(version: str, effective_from: str) -> FeedVersion:
    return FeedVersion(
        version=version,
        effective_from=D(effective_from),
        protocol=Protocol.WSS,
        endpoint=f"wss://{version}.example.com/ws",
    )


def schema_version(version: str, effective_from: str, status: str) -> SchemaVersion:
    return SchemaVersion(
        version=version, effective_from=D(effective_from), status=SchemaStatus(status), hash=HASH
    )


# Listed out of date order on purpose: the file order must not matter.
FEED = [feed_version("v2", "2025-01-01"), feed_version("v1", "2024-06-01")]


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        ("0001-01-01", None),
        ("2024-05-31", None),  # the day before the first version
        ("2024-06-01", "v1"),  # exactly effective_from
        ("2024-06-02", "v1"),
        ("2024-12-31", "v1"),  # the last day of v1
        ("2025-01-01", "v2"),  # exactly the next effective_from
        ("2025-06-15", "v2"),  # after the last version: it stays in effect
        ("9999-12-31", "v2"),
    ],
)
def test_feed_version_in_effect(as_of: str, expected: str | None) -> None:
    found = resolve_as_of(FEED, D(as_of))
    assert (found.version if found else None) == expected


def test_no_versions_resolve_to_nothing() -> None:
    assert resolve_as_of([], D("2025-01-01")) is None


def test_a_tie_on_effective_from_goes_to_the_later_listed_version() -> None:
    versions = [feed_version("v1", "2025-01-01"), feed_version("v2", "2025-01-01")]
    assert resolve_as_of(versions, D("2025-01-01")).version == "v2"  # type: ignore[union-attr]
    assert resolve_as_of(versions[::-1], D("2025-01-01")).version == "v1"  # type: ignore[union-attr]


# v1 active, v2 deprecated, v3 draft, v4 active: a lifecycle seen over time.
SCHEMA = [
    schema_version("v1", "2024-01-01", "deprecated"),
    schema_version("v2", "2024-07-01", "active"),
    schema_version("v3", "2025-01-01", "draft"),
    schema_version("v4", "2025-07-01", "active"),
    schema_version("v5", "2026-01-01", "draft"),
]


@pytest.mark.parametrize(
    ("as_of", "unpinned", "with_drafts"),
    [
        ("2023-12-31", None, None),  # before the first version
        ("2024-01-01", "v1", "v1"),  # a deprecated version still resolves
        ("2024-06-30", "v1", "v1"),
        ("2024-07-01", "v2", "v2"),
        ("2025-01-01", "v2", "v3"),  # the draft's own effective_from: skipped unless asked
        ("2025-06-30", "v2", "v3"),
        ("2025-07-01", "v4", "v4"),
        ("2026-01-01", "v4", "v5"),  # a trailing draft never resolves
        ("2030-01-01", "v4", "v5"),
    ],
)
def test_unpinned_schema_reference(
    as_of: str, unpinned: str | None, with_drafts: str | None
) -> None:
    plain = resolve_as_of(SCHEMA, D(as_of), resolvable_schema_version())
    drafts = resolve_as_of(SCHEMA, D(as_of), resolvable_schema_version(include_drafts=True))
    assert (plain.version if plain else None) == unpinned
    assert (drafts.version if drafts else None) == with_drafts


def test_a_schema_of_only_drafts_never_resolves_unpinned() -> None:
    drafts = [schema_version("v1", "2024-01-01", "draft")]
    assert resolve_as_of(drafts, D("2030-01-01"), resolvable_schema_version()) is None
    preview = resolve_as_of(drafts, D("2030-01-01"), resolvable_schema_version(True))
    assert preview is not None and preview.version == "v1"


@pytest.mark.parametrize(
    ("reference", "status"),
    [("trade:v3", "draft"), ("trade:v5", "draft"), ("trade:v1", "deprecated")],
)
def test_pinned_references_name_a_version_whatever_its_status_or_date(
    sample_root: Path, reference: str, status: str
) -> None:
    """A pinned ref means that version even when it is a draft or not yet in effect.

    (Whether an environment may pin a draft is a rule, SSMD304, not resolution.)
    """
    root = sample_root
    schemas = root / "exchanges" / "schemas" / "trade.yaml"
    lines = ["name: trade", "schema_file: trade.capnp", "versions:"]
    for version in SCHEMA:
        lines += [
            f"  - version: {version.version}",
            f"    effective_from: {version.effective_from}",
            f"    status: {version.status.value}",
            f"    hash: {version.hash}",
        ]
    schemas.write_text("\n".join(lines) + "\n")
    workspace = Workspace.load(root)
    for as_of in ("2000-01-01", "2025-03-01", "2030-01-01"):
        found = resolve_schema_ref(workspace, SchemaRef.parse(reference), D(as_of))
        assert found is not None and found.status.value == status
        assert str(found.version) == reference.split(":")[1]
    assert resolve_schema_ref(workspace, SchemaRef.parse("trade:v9"), D("2025-03-01")) is None
    unpinned = resolve_schema_ref(workspace, SchemaRef.parse("trade"), D("2025-03-01"))
    assert unpinned is not None and unpinned.version == "v2"
    preview = resolve_schema_ref(workspace, SchemaRef.parse("trade"), D("2025-03-01"), True)
    assert preview is not None and preview.version == "v3"


def test_in_date_order_sorts_by_effective_from() -> None:
    assert [v.version for v in in_date_order(FEED)] == ["v1", "v2"]


@pytest.mark.parametrize(
    ("text", "pinned", "name", "version"),
    [
        ("trade", False, "trade", None),
        ("trade:v12", True, "trade", "v12"),
        ("a-b_c:v1", True, "a-b_c", "v1"),
    ],
)
def test_schema_ref_parse(text: str, pinned: bool, name: str, version: str | None) -> None:
    ref = SchemaRef.parse(text)
    assert (ref.pinned, ref.name, ref.version, str(ref)) == (pinned, name, version, text)


@pytest.mark.parametrize(
    "text", ["", "Trade", "trade:", "trade:1", "trade:v1:v2", "trade v1", ":v1"]
)
def test_schema_ref_parse_refuses_malformed_references(text: str) -> None:
    with pytest.raises(ValueError, match="write NAME or NAME:VERSION"):
        SchemaRef.parse(text)


@pytest.mark.parametrize(
    "text", ["2025-13-01", "2025-02-30", "yesterday", "", "01/02/2025", "20250101", "2025-W01-1"]
)
def test_parse_date_refuses_non_dates_with_a_sentence(text: str) -> None:
    with pytest.raises(ValueError, match="write YYYY-MM-DD"):
        parse_date(text)


def test_parse_date_accepts_iso_dates() -> None:
    assert parse_date("2024-02-29") == dt.date(2024, 2, 29)
