"""The loader: positions of every key and value, repair of broken lists, hostile input."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from ssmd.check import check
from ssmd.document import Document, load_document
from ssmd.models import Environment, Feed
from ssmd.span import Span
from ssmd.workspace import Workspace
from ssmd.yamlsource import MAX_DEPTH, parse_yaml

FEED = "exchanges/feeds/kalshi.yaml"
ENV = "exchanges/environments/dev.yaml"

THREE_VERSIONS = """\
name: kalshi
type: websocket
versions:
  - version: v1
    effective_from: 2024-01-01
    protocol: wss
    endpoint: wss://one.example.com/ws
  - version: v2
    effective_from: 2024-06-01
    protocol: carrier-pigeon
    endpoint: wss://two.example.com/ws
  - version: v3
    effective_from: 2025-01-01
    protocol: wss
    endpoint: https://three.example.com/ws
calendar:
  timezone: UTC
"""


def one_based(span: Span) -> tuple[int, int, int, int]:
    return (
        span.start.line + 1,
        span.start.character + 1,
        span.end.line + 1,
        span.end.character + 1,
    )


def codes(document: Document) -> list[tuple[str, int, int]]:
    return [(p.code, *p.span.one_based()) for p in document.problems]


# -- positions ---------------------------------------------------------------------


def test_keys_and_values_in_nested_lists_have_their_positions() -> None:
    doc = load_document(FEED, THREE_VERSIONS.replace("carrier-pigeon", "wss"))
    located = doc.source_map.get(("versions", 2, "endpoint"))
    assert located is not None and located.key is not None
    assert one_based(located.key) == (15, 5, 15, 13)
    assert one_based(located.value) == (15, 15, 15, 43)
    item = doc.source_map.get(("versions", 1))
    assert item is not None and item.key is None  # list items have no key
    assert item.value.start.line + 1 == 8 and item.value.start.character + 1 == 5
    timezone = doc.source_map.get(("calendar", "timezone"))
    assert timezone is not None and one_based(timezone.value) == (17, 13, 17, 16)


def test_flow_list_items_and_deep_keys_have_positions() -> None:
    text = (
        "name: dev\nfeed: kalshi\nschema: trade\nkeys:\n  kalshi:\n"
        "    type: api_key\n    fields: [api_key,  api_secret]\n"
    )
    doc = load_document(ENV, text)
    assert isinstance(doc.model, Environment)
    second = doc.source_map.get(("keys", "kalshi", "fields", 1))
    assert second is not None and one_based(second.value) == (7, 24, 7, 34)
    # The model says `schema_ref`; the source map speaks the file's language, `schema`.
    assert doc.span(("schema",)).one_based() == (3, 9)


def test_a_block_value_is_pointed_at_by_its_first_line_only() -> None:
    doc = load_document(FEED, THREE_VERSIONS)
    assert one_based(doc.span(("calendar",))) == (17, 3, 17, 16)
    assert doc.full_span(("calendar",)).end.line + 1 == 18  # the whole block, for outlines


def test_a_missing_path_falls_back_to_its_nearest_located_ancestor() -> None:
    doc = load_document(FEED, THREE_VERSIONS.replace("carrier-pigeon", "wss"))
    assert doc.span(("versions", 0, "auth_method")) == doc.span(("versions", 0))
    assert doc.span(("versions", 0, "auth_method"), part="key").one_based() == (4, 5)
    assert doc.span(("nothing", "here")) == doc.span(())


def test_positions_count_code_points_not_bytes() -> None:
    doc = load_document(FEED, "name: kalshi\ndisplay_name: Käläshï €\ntype: websocket\nx: 1\n")
    assert sorted(p.code for p in doc.problems) == ["SSMD003", "SSMD004"]
    unknown = next(p for p in doc.problems if p.code == "SSMD003")
    assert unknown.span.one_based() == (4, 1)
    value = doc.source_map.get(("display_name",))
    assert value is not None and one_based(value.value) == (2, 15, 2, 24)


# -- dropped list items ------------------------------------------------------------


def test_a_broken_version_is_dropped_and_model_paths_map_back_to_the_source() -> None:
    doc = load_document(FEED, THREE_VERSIONS)
    assert isinstance(doc.model, Feed)
    assert [v.version for v in doc.model.versions] == ["v1", "v3"]
    assert codes(doc) == [("SSMD005", 10, 15)]
    assert doc.source_path(("versions", 1, "endpoint")) == ("versions", 2, "endpoint")
    assert doc.source_path(("versions", 0)) == ("versions", 0)
    assert doc.source_path(("calendar", "timezone")) == ("calendar", "timezone")
    assert doc.span(("versions", 1, "endpoint")).one_based() == (15, 15)


def test_rules_on_versions_after_a_dropped_one_point_at_the_right_line(tmp_path: Path) -> None:
    (tmp_path / "exchanges" / "feeds").mkdir(parents=True)
    (tmp_path / FEED).write_text(THREE_VERSIONS)
    results = check(Workspace.load(tmp_path), as_of=dt.date(2025, 6, 1))
    found = [(d.code, *d.span.one_based()) for d in results[FEED]]
    assert found == [("SSMD005", 10, 15), ("SSMD103", 15, 15)]
    (scheme_mismatch,) = [d for d in results[FEED] if d.code == "SSMD103"]
    assert scheme_mismatch.fix is not None
    (edit,) = scheme_mismatch.fix.edits
    assert one_based(edit.span) == (14, 15, 14, 18)  # v3's protocol, not v2's


def test_two_dropped_versions_keep_the_mapping_right() -> None:
    text = THREE_VERSIONS.replace("version: v1", "version: one").replace("carrier-pigeon", "wss")
    text = text.replace("https://three", "wss://three")
    text += "  # trailing comment\n"
    doc = load_document(FEED, text.replace("effective_from: 2025-01-01", "effective_from: soon"))
    assert isinstance(doc.model, Feed) and [v.version for v in doc.model.versions] == ["v2"]
    assert doc.source_path(("versions", 0, "endpoint")) == ("versions", 1, "endpoint")
    assert doc.span(("versions", 0, "endpoint")).one_based() == (11, 15)


# -- hostile and odd input ---------------------------------------------------------


def load_in_child(text: str, path: str = FEED) -> list[list[object]]:
    """Load in a child process with a time limit, so a hang fails the test instead of the run."""
    code = (
        "import json, sys\nfrom ssmd.document import load_document\n"
        "doc = load_document(sys.argv[1], sys.stdin.read())\n"
        "print(json.dumps([[p.code, *p.span.one_based(), p.message] for p in doc.problems]))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code, path],
        input=text,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    problems: list[list[object]] = json.loads(completed.stdout)
    return problems


def test_an_alias_bomb_is_a_syntax_error_not_a_hang() -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for index in range(1, 10):
        name, previous = chr(ord("a") + index), chr(ord("a") + index - 1)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    problems = load_in_child("name: kalshi\n" + "\n".join(lines) + "\n")
    assert len(problems) == 1
    assert problems[0][0] == "SSMD001" and "alias bomb" in str(problems[0][3])


@pytest.mark.parametrize(
    "text",
    [
        "name: kalshi\nx: " + "[" * 100_000 + "]" * 100_000 + "\n",
        "name: kalshi\nx: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n",
        "name: kalshi\n" + "".join(" " * i + f"k{i}:\n" for i in range(MAX_DEPTH + 5)),
        # yaml-rs (the conformance check) dies of a stack overflow on this; it must not run
        "x:\n" + "- " * 100_000 + "x\n",
        "x:\n" + "- " * 3_000 + "x\n",
    ],
    ids=["flow-100000", "flow-just-too-deep", "block-too-deep", "dashes-100000", "dashes-3000"],
)
def test_deep_nesting_is_a_syntax_error_not_a_crash(text: str) -> None:
    problems = load_in_child(text)
    assert [p[0] for p in problems] == ["SSMD001"]
    assert "nest" in str(problems[0][3])


def test_nesting_within_the_limit_is_fine() -> None:
    parsed = parse_yaml("x: " + "[" * (MAX_DEPTH - 2) + "]" * (MAX_DEPTH - 2) + "\n")
    assert parsed.problems == []


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ("- a\n- b\n", "SSMD005", "a feed file must be a mapping"),
        ("just words\n", "SSMD005", "a feed file must be a mapping"),
        ("42\n", "SSMD005", "a feed file must be a mapping"),
        ("", "SSMD004", "the file is empty"),
        ("\n\n   \n", "SSMD004", "the file is empty"),
        ("# a comment only\n", "SSMD004", "the file is empty"),
        ("---\n...\n", "SSMD004", "the file is empty"),
    ],
)
def test_documents_that_are_not_a_mapping(text: str, code: str, message: str) -> None:
    doc = load_document(FEED, text)
    assert doc.model is None
    assert [(p.code, p.span.one_based()) for p in doc.problems] == [(code, (1, 1))]
    assert message in doc.problems[0].message


def test_binary_junk_gives_one_syntax_error_with_a_position(tmp_path: Path) -> None:
    (tmp_path / "exchanges" / "feeds").mkdir(parents=True)
    (tmp_path / FEED).write_bytes(b"name: kalshi\ntype: websocket\n" + bytes(range(256)) * 4)
    workspace = Workspace.load(tmp_path)
    found = check(workspace)[FEED]
    # The first byte that is not UTF-8 is 0x80; \x0a and a lone \x0d before it end lines 3 and 4.
    assert [(d.code, *d.span.one_based()) for d in found] == [("SSMD001", 5, 115)]
    assert found[0].message.startswith("byte 0x80 is not UTF-8;")


def test_invalid_utf8_is_one_located_error_not_replaced(tmp_path: Path) -> None:
    (tmp_path / "exchanges" / "feeds").mkdir(parents=True)
    (tmp_path / FEED).write_bytes(b"name: kal\xffshi\ntype: websocket\n")
    found = check(Workspace.load(tmp_path))[FEED]
    assert [(d.code, *d.span.one_based()) for d in found] == [("SSMD001", 1, 10)]
    assert found[0].message.startswith("byte 0xFF is not UTF-8")


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:os.system ['touch {marker}']",
        "!!python/object/new:os.system ['touch {marker}']",
        "!!python/object:os.system {{}}",
        "!!python/name:os.system ''",
        "!!python/module:os ''",
        "!custom 'touch {marker}'",
    ],
)
def test_python_tags_never_construct_objects(tag: str, tmp_path: Path) -> None:
    marker = tmp_path / "constructed"
    text = f"name: kalshi\ntype: {tag.format(marker=marker)}\n"
    parsed = parse_yaml(text)

    def plain(value: object) -> bool:
        if isinstance(value, dict):
            return all(isinstance(k, str) and plain(v) for k, v in value.items())
        if isinstance(value, list):
            return all(plain(v) for v in value)
        return value is None or isinstance(value, str | int | float | bool | dt.date)

    assert plain(parsed.data)
    assert not marker.exists()
    doc = load_document(FEED, text)
    assert doc.model is None
    assert "SSMD005" in [p.code for p in doc.problems]  # `type` is not a feed type


def test_a_duplicate_key_keeps_the_first_value_and_reports_the_second() -> None:
    doc = load_document(FEED, THREE_VERSIONS.replace("carrier-pigeon", "wss") + "name: other\n")
    assert codes(doc) == [("SSMD002", 18, 1)]
    assert doc.declared_name == "kalshi"
    assert isinstance(doc.model, Feed)


def test_a_collection_used_as_a_key_is_a_syntax_error() -> None:
    doc = load_document(FEED, "name: kalshi\n? [a, b]\n: value\n")
    assert ("SSMD001", 2, 3) in codes(doc)


# -- unknown keys ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "text", "position", "suggestion"),
    [
        (FEED, "nmae: kalshi\n", (1, 1), "name"),
        (FEED, THREE_VERSIONS.replace("  timezone", "  timezon"), (17, 3), "timezone"),
        (
            FEED,
            THREE_VERSIONS.replace(
                "    protocol: wss\n    endpoint: https", "    protocl: wss\n    endpoint: https"
            ),
            (14, 5),
            "protocol",
        ),
        (
            ENV,
            "name: dev\nfeed: kalshi\nschema: trade\nstorage:\n  type: s3\n  raw_buckt: x\n",
            (6, 3),
            "raw_bucket",
        ),
        (
            ENV,
            "name: dev\nfeed: kalshi\nschema: trade\nkeys:\n  k:\n"
            "    type: hmac\n    feilds: [a]\n",
            (7, 5),
            "fields",
        ),
        (
            ENV,
            "name: dev\nfeed: kalshi\nschema: trade\ntransprot:\n  type: none\n",
            (4, 1),
            "transport",
        ),
    ],
)
def test_unknown_keys_suggest_the_closest_known_key(
    path: str, text: str, position: tuple[int, int], suggestion: str
) -> None:
    doc = load_document(path, text)
    unknown = [p for p in doc.problems if p.code == "SSMD003"]
    assert len(unknown) == 1
    assert unknown[0].span.one_based() == position
    assert unknown[0].replacement == suggestion
    assert f"did you mean '{suggestion}'?" in unknown[0].message
    missing = [p.message for p in doc.problems if p.code == "SSMD004"]
    assert not any(f"'{suggestion}'" in m for m in missing), "one typo, one finding"


def test_an_unknown_key_nothing_like_a_known_one_lists_the_allowed_keys() -> None:
    doc = load_document(ENV, "name: dev\nfeed: kalshi\nschema: trade\nzzz: 1\n")
    (problem,) = doc.problems
    assert problem.replacement is None
    assert "allowed keys: feed, keys, name, schema, storage, transport" in problem.message
