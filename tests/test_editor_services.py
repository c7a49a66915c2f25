"""The library side of the editor features: navigation, completion and hover, without LSP."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ssmd.document import Kind
from ssmd.ide.completion import complete, cursor_context
from ssmd.ide.hover import hover
from ssmd.ide.navigation import (
    RenameRefused,
    Symbol,
    definition,
    document_links,
    inlay_hints,
    outline,
    plan_rename,
    references,
    symbol_at,
    workspace_symbols,
)
from ssmd.span import Position
from ssmd.workspace import Workspace

DAY = dt.date(2026, 3, 1)
PROD = "exchanges/environments/kalshi-prod.yaml"
TRADE = "exchanges/schemas/trade.yaml"


@pytest.fixture
def workspace(sample_root: Path) -> Workspace:
    return Workspace.load(sample_root)


def labels(workspace: Workspace, kind: Kind, text: str, line: int, character: int) -> list[str]:
    found = complete(workspace, kind, text, Position(line, character))
    assert found is not None
    return [c.label for c in found.candidates]


def test_references_of_a_feed_name_cover_definition_and_environments(
    workspace: Workspace,
) -> None:
    places = references(workspace, Symbol(Kind.FEED, "kalshi"))
    assert [(p.file, p.span.start.line, p.span.start.character) for p in places] == [
        ("exchanges/feeds/kalshi.yaml", 1, 6),
        ("exchanges/environments/kalshi-dev.yaml", 1, 6),
        ("exchanges/environments/kalshi-prod.yaml", 1, 6),
    ]


def test_schema_reference_spans_only_the_name_part(workspace: Workspace) -> None:
    places = references(workspace, Symbol(Kind.SCHEMA, "trade"), include_declaration=False)
    dev = next(p for p in places if p.file.endswith("kalshi-dev.yaml"))
    assert (dev.span.start.character, dev.span.end.character) == (8, 13)  # `trade` of trade:v1


def test_symbol_and_definition_of_an_unpinned_schema_is_the_version_in_effect(
    workspace: Workspace,
) -> None:
    document = workspace.documents[PROD]
    assert symbol_at(workspace, document, Position(2, 9)) == Symbol(Kind.SCHEMA, "trade")
    target = definition(workspace, document, Position(2, 9), DAY)
    assert target is not None and target.file == TRADE
    assert target.span.start.line == 5  # the v1 entry (v2 is a draft: never resolved)


def test_definition_of_schema_file_opens_the_capnp(workspace: Workspace) -> None:
    document = workspace.documents[TRADE]
    target = definition(workspace, document, Position(3, 15), DAY)
    assert target is not None and target.file == "exchanges/schemas/trade.capnp"


def test_rename_edits_every_reference_and_moves_the_file(workspace: Workspace) -> None:
    plan = plan_rename(workspace, Symbol(Kind.FEED, "kalshi"), "kalshi-x")
    assert len(plan.edits) == 3
    assert plan.rename_file == ("exchanges/feeds/kalshi.yaml", "exchanges/feeds/kalshi-x.yaml")
    with pytest.raises(RenameRefused, match="already exists"):
        plan_rename(workspace, Symbol(Kind.FEED, "kalshi"), "coinbase")
    with pytest.raises(RenameRefused, match="not a valid name"):
        plan_rename(workspace, Symbol(Kind.FEED, "kalshi"), "Kalshi")


def test_outline_lists_versions_with_dates(workspace: Workspace) -> None:
    items = {item.name: item for item in outline(workspace.documents[TRADE])}
    versions = items["versions"].children
    assert [(v.name, v.detail) for v in versions] == [
        ("v1", "2025-01-01 active"),
        ("v2", "2026-01-01 draft"),
    ]


def test_workspace_symbols_find_names_and_versions(workspace: Workspace) -> None:
    names = [s.name for s in workspace_symbols(workspace, "trade")]
    assert names == ["trade", "trade:v1", "trade:v2"]


def test_inlay_hints_show_resolved_versions(workspace: Workspace) -> None:
    hints = inlay_hints(workspace, workspace.documents[PROD], DAY)
    assert [h.label for h in hints] == [" → v2", " → v1"]


def test_document_links_point_at_capnp_files(workspace: Workspace) -> None:
    links = document_links(workspace, workspace.documents[TRADE])
    assert [link.target for link in links] == [
        "exchanges/schemas/trade.capnp",
        "exchanges/schemas/trade.v2.capnp",
    ]


def test_completion_of_feed_names_and_schema_refs(workspace: Workspace) -> None:
    kind = Kind.ENVIRONMENT
    assert labels(workspace, kind, "name: a\nfeed: ka", 1, 8) == ["kalshi"]
    found = complete(workspace, kind, "name: a\nschema: tr", Position(1, 10))
    assert found is not None
    ordered = sorted(found.candidates, key=lambda c: c.sort_text or c.label)
    assert [c.label for c in ordered] == ["trade:v1", "trade", "trade:v2"]
    draft = ordered[-1]
    assert "draft" in draft.detail
    assert (found.replace.start.character, found.replace.end.character) == (8, 10)


def test_completion_of_keys_enums_versions_and_zones(workspace: Workspace) -> None:
    feed = "name: f\nversions:\n  - version: v1\n    prot"
    assert labels(workspace, Kind.FEED, feed, 3, 8) == ["protocol"]
    assert "wss" in labels(workspace, Kind.FEED, feed + "ocol: ", 3, 14)
    assert labels(workspace, Kind.FEED, "name: f\nstatus: ", 1, 8) == [
        "active",
        "inactive",
        "deprecated",
    ]
    assert "Europe/London" in labels(
        workspace, Kind.FEED, "calendar:\n  timezone: Europe/Lo", 1, 21
    )
    schema = "name: s\nversions:\n  - version: v1\n  - version: v2\n    compatible_with: [v"
    assert labels(workspace, Kind.SCHEMA, schema, 4, 23) == ["v1", "v2"]
    env = "name: e\nstorage:\n  type: "
    assert labels(workspace, Kind.ENVIRONMENT, env, 2, 8) == ["local", "s3"]


def test_cursor_context_walks_up_indentation() -> None:
    text = "keys:\n  kalshi:\n    type: api_key\n    sou"
    context = cursor_context(text, Position(3, 7))
    assert context is not None
    assert context.parent == ("keys", "kalshi")
    assert context.key is None and context.word == "sou"


def test_hover_on_environment_feed_shows_version_in_effect(workspace: Workspace) -> None:
    found = hover(workspace, workspace.documents[PROD], Position(1, 8), dt.date(2024, 7, 1))
    assert found is not None
    assert "As of 2024-07-01: **v1**" in found.markdown
    assert "Used by: kalshi-dev, kalshi-prod" in found.markdown


def test_hover_on_schema_version_shows_period_status_and_hash(workspace: Workspace) -> None:
    found = hover(workspace, workspace.documents[TRADE], Position(10, 8), DAY)
    assert found is not None
    assert "trade:v2** in effect 2026-01-01 .. open-ended" in found.markdown
    assert "status draft; hash matches" in found.markdown


def test_hover_on_a_key_shows_its_documentation(workspace: Workspace) -> None:
    found = hover(workspace, workspace.documents[PROD], Position(5, 6), DAY)
    assert found is not None and "api_key, hmac or oauth" in found.markdown


def test_nothing_crashes_on_broken_text(workspace: Workspace) -> None:
    for text in ("\x00\xff{[", "name: [", "feed:\n  - : :", "a" * 10_000):
        workspace.set_text(PROD, text)
        document = workspace.documents[PROD]
        for line in range(3):
            for character in (0, 3, 50):
                at = Position(line, character)
                shown = hover(workspace, document, at, DAY)
                assert shown is None or shown.markdown.strip(), (text, at)
                offered = complete(workspace, Kind.ENVIRONMENT, text, at)
                if offered is not None:  # what it replaces is on the cursor's line
                    assert offered.replace.start.line == offered.replace.end.line == line
                    assert all(c.label for c in offered.candidates), (text, at)
                target = definition(workspace, document, at, DAY)
                assert target is None or target.file in workspace.documents, (text, at)
