"""The text edit path: each edit is one splice in the file's own style, proven by the reader."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ssmd.write.textedit import NotEditable, TextDocument
from ssmd.yamlemit import FlowList, render_scalar
from ssmd.yamlsource import parse_yaml
from tests.conftest import run_ssmd

LAYOUTS = {
    "two-space, indented dash": (
        "a: 1\nitems:\n  - x: 1\n    y: 2\nm:\n  k: v\n",
        "a: 1\nitems:\n  - x: 1\n    y: 2\n  - x: 3\n    z: 2025-01-02\nm:\n  k: v\n",
    ),
    "two-space, flush dash": (
        "a: 1\nitems:\n- x: 1\n  y: 2\nm:\n  k: v\n",
        "a: 1\nitems:\n- x: 1\n  y: 2\n- x: 3\n  z: 2025-01-02\nm:\n  k: v\n",
    ),
    "four-space": (
        "a: 1\nitems:\n    -   x: 1\n        y: 2\nm:\n    k: v\n",
        "a: 1\nitems:\n    -   x: 1\n        y: 2\n    -   x: 3\n        z: 2025-01-02\n"
        "m:\n    k: v\n",
    ),
    "crlf": (
        "a: 1\r\nitems:\r\n  - x: 1\r\n",
        "a: 1\r\nitems:\r\n  - x: 1\r\n  - x: 3\r\n    z: 2025-01-02\r\n",
    ),
    "lone cr": (
        "a: 1\ritems:\r  - x: 1\r",
        "a: 1\ritems:\r  - x: 1\r  - x: 3\r    z: 2025-01-02\r",
    ),
    "no final newline": (
        "a: 1\nitems:\n  - x: 1",
        "a: 1\nitems:\n  - x: 1\n  - x: 3\n    z: 2025-01-02",
    ),
    "flow list": (
        "a: 1\nitems: [{x: 1},   {x: 2}]   # odd spacing kept\n",
        "a: 1\nitems: [{x: 1},   {x: 2}, {x: 3, z: 2025-01-02}]   # odd spacing kept\n",
    ),
}


@pytest.mark.parametrize(("text", "expected"), LAYOUTS.values(), ids=LAYOUTS.keys())
def test_an_appended_item_takes_the_files_layout_and_line_ending(text: str, expected: str) -> None:
    document = TextDocument.parse(text, "t.yaml")
    items = document.data["items"]
    document.insert_item(("items",), len(items), {"x": 3, "z": dt.date(2025, 1, 2)})
    assert document.text() == expected


def test_a_comment_before_an_item_stays_above_it() -> None:
    document = TextDocument.parse("items:\n  - x: 1\n\n  # about two\n  - x: 2\n", "t.yaml")
    document.insert_item(("items",), 1, {"x": 9})
    assert document.text() == "items:\n  - x: 1\n  - x: 9\n\n  # about two\n  - x: 2\n"


def test_a_first_item_goes_before_the_first_dash() -> None:
    document = TextDocument.parse("# head\nitems:\n  - x: 1  # one\n", "t.yaml")
    document.insert_item(("items",), 0, {"x": 0, "y": "z"})
    assert document.text() == "# head\nitems:\n  - x: 0\n    y: z\n  - x: 1  # one\n"


def test_a_new_key_goes_in_model_order_and_a_replaced_value_keeps_its_quoting() -> None:
    order = ["name", "feed", "schema", "storage"]
    document = TextDocument.parse("name: n\nfeed: 'f'   # why\nstorage: {}\n", "t.yaml")
    document.set_value((), "feed", "g", order)
    document.set_value((), "schema", "s:v1", order)
    assert document.text() == "name: n\nfeed: 'g'   # why\nschema: s:v1\nstorage: {}\n"


def test_an_item_copied_from_another_is_written_like_it() -> None:
    text = 'v:\n  - id: v1\n    on: 2024-01-01\n    url: "wss://a"\n    ids: [a, b]\n'
    document = TextDocument.parse(text, "t.yaml")
    entry = {**document.data["v"][0], "id": "v2", "url": "wss://b"}
    document.insert_item(("v",), 1, entry, like=("v", 0))
    assert (
        document.text()
        == text + '  - id: v2\n    on: 2024-01-01\n    url: "wss://b"\n    ids: [a, b]\n'
    )


def test_an_item_copied_before_an_anchor_writes_the_aliased_value() -> None:
    text = "v:\n  - id: v1\n    url: &u wss://a\n  - id: v2\n    url: *u\n"
    document = TextDocument.parse(text, "t.yaml")
    document.insert_item(("v",), 0, {**document.data["v"][1], "id": "v0"}, like=("v", 1))
    assert document.text() == "v:\n  - id: v0\n    url: wss://a\n" + text[3:]


def test_a_block_replaces_a_flow_value_and_a_block() -> None:
    text = "name: e\nstorage: {}  # set later\ntransport:\n  type: nats\n  url: x  # old\nz: 1\n"
    document = TextDocument.parse(text, "t.yaml")
    document.set_value((), "storage", {"type": "local", "path": "/d"}, [])
    document.set_value((), "transport", {"type": "none"}, [])
    assert document.text() == (
        "name: e\nstorage:\n  type: local\n  path: /d  # set later\ntransport:\n  type: none\n"
        "z: 1\n"
    )


def test_a_key_with_a_flow_list_is_added_to_a_nested_mapping() -> None:
    document = TextDocument.parse("keys:\n    k1:\n        type: api_key\n", "t.yaml")
    document.set_value(("keys",), "k2", {"type": "api_key", "fields": FlowList(["a", "b"])}, [])
    assert document.text() == (
        "keys:\n    k1:\n        type: api_key\n    k2:\n        type: api_key\n"
        "        fields: [a, b]\n"
    )


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("no", "'no'"),  # YAML 1.1 reads a bool
        ("012", "'012'"),  # YAML 1.2 reads a number
        ("1:30", "'1:30'"),  # YAML 1.1 reads a sexagesimal number
        ("a: b", "'a: b'"),
        ("it's", "it's"),
        ("- x", "'- x'"),
        ("line\nbreak", '"line\\nbreak"'),
        ("Börse", "Börse"),
        ("\u2028", '"\\u2028"'),
        (dt.date(2025, 1, 2), "2025-01-02"),
        (True, "true"),
    ],
)
def test_a_scalar_is_quoted_when_a_yaml_reader_would_read_it_otherwise(
    value: object, text: str
) -> None:
    assert render_scalar(value) == text
    read = parse_yaml(f"k: {text}\n").data["k"]
    assert read == (value.isoformat() if isinstance(value, dt.date) else value)


TABS = {
    "trailing tab after versions:": "name: f\nversions:\t\n  - version: v1\n",
    "tab after the dash": "name: f\nversions:\n  -\tversion: v1\n",
    "tab on a blank line": "name: f\nversions:\n  - version: v1\n\t\n",
}


@pytest.mark.parametrize("text", TABS.values(), ids=TABS.keys())
def test_tabs_the_reader_accepts_are_kept_and_the_file_is_edited(text: str) -> None:
    document = TextDocument.parse(text, "t.yaml")
    document.insert_item(("versions",), 1, {"version": "v2"}, like=("versions", 0))
    assert document.data["versions"] == [{"version": "v1"}, {"version": "v2"}]
    new = document.text()
    assert new.count("\t") == text.count("\t")
    added = new.replace(text.rstrip("\t\n"), "", 1)
    assert "version: v2" in added


def test_a_byte_order_mark_is_kept_and_positions_after_it_are_right() -> None:
    document = TextDocument.parse("\ufeffname: a\nversions:\n  - v: 1\n", "t.yaml")
    document.set_value((), "name", "b", [])
    document.set_value((), "first", "x", ["first", "name"])
    document.insert_item(("versions",), 1, {"v": 2})
    assert document.text() == "\ufefffirst: x\nname: b\nversions:\n  - v: 1\n  - v: 2\n"


def test_the_writer_refuses_what_the_reader_refuses_with_its_message() -> None:
    with pytest.raises(NotEditable, match=r"line 2:1: SSMD001 .*fix it first"):
        TextDocument.parse("a: [\n", "t.yaml")


def test_an_edit_that_would_change_other_values_is_refused() -> None:
    document = TextDocument.parse("a: &s draft\nb: *s\n", "t.yaml")
    with pytest.raises(NotEditable, match="holds the anchor &s, which is used elsewhere as \\*s"):
        document.set_value((), "a", "active", [])
    assert document.text() == "a: &s draft\nb: *s\n"


def test_an_edit_the_reader_would_read_differently_is_refused_and_nothing_changes() -> None:
    text = "block:\t|\n  x\n"  # a tab before `|` (suite J3BT's shape): `1` does not read back
    document = TextDocument.parse(text, "t.yaml")
    with pytest.raises(NotEditable, match="would not read back as intended"):
        document.set_value((), "block", 1, [])
    assert document.text() == text


def test_a_block_that_ends_the_file_on_a_line_of_spaces_is_refused_as_the_reader_refuses_it() -> (
    None
):
    """libyaml drops that line (`'x\\n '` for YAML 1.2's `'x\\n \\n'`): the reader refuses
    the file rather than misread it, and the writer refuses it with the reader's message."""
    with pytest.raises(NotEditable, match=r"libyaml reads this value differently from YAML 1\.2"):
        TextDocument.parse("foo: |\n  x\n   ", "t.yaml")


def test_a_new_file_is_written_in_the_registry_layout() -> None:
    data = {
        "name": "feed",
        "versions": [{"version": "v1", "effective_from": dt.date(2024, 1, 1)}],
        "keys": {"k": {"fields": FlowList(["a", "b"]), "required": True}},
    }
    assert TextDocument.new(data).text() == (
        "name: feed\nversions:\n  - version: v1\n    effective_from: 2024-01-01\n"
        "keys:\n  k:\n    fields: [a, b]\n    required: true\n"
    )


def test_env_update_on_a_crlf_file_with_tabs_keeps_every_other_byte(sample_root: Path) -> None:
    """The issue's hazard in another command: tabs validate accepts, CRLF, a flow mapping."""
    file = sample_root / "exchanges/environments/kalshi-dev.yaml"
    text = file.read_text().replace("storage:\n", "storage:\t\n").replace("\n", "\r\n")
    text = text.replace(
        "transport:\r\n  type: nats\r\n  url: nats://localhost:4222",
        "transport: {type:  nats, url: 'nats://localhost:4222'}",
    )
    file.write_bytes(text.encode())
    assert run_ssmd("validate", root=sample_root).returncode == 0
    result = run_ssmd(
        "env",
        "update",
        "kalshi-dev",
        "--transport-url",
        "nats://n:4222",
        "--storage-path",
        "d",
        root=sample_root,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    new = file.read_bytes().decode()
    assert new == text.replace("'nats://localhost:4222'", "'nats://n:4222'").replace(
        "path: sample-data", "path: d"
    )
