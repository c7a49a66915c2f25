"""The round-trip editor: layouts are detected and proven, edits keep their neighbours."""

from __future__ import annotations

import datetime as dt

import pytest

from ssmd.write.yamldoc import (
    LayoutNotPreserved,
    YamlDocument,
    insert_item,
    set_value,
    to_commented,
)

LAYOUTS = {
    "two-space, indented dash": "a: 1\nitems:\n  - x: 1\n    y: 2\nm:\n  k: v\n",
    "two-space, flush dash": "a: 1\nitems:\n- x: 1\n  y: 2\nm:\n  k: v\n",
    "four-space": "a: 1\nitems:\n    -   x: 1\n        y: 2\nm:\n    k: v\n",
    "four-space, dash at two": "a: 1\nitems:\n  - x: 1\n    y: 2\nm:\n    k: v\n",
    "explicit start": "---\na: 1\nitems:\n  - x: 1\n",
    "crlf": "a: 1\r\nitems:\r\n  - x: 1\r\n",
    "no final newline": "a: 1\nitems:\n  - x: 1",
    "long line": "a: " + "w" * 300 + "\n",
    "quotes and comments": "a: 'q'   # c\nb: \"d\"\n\n# c2\nc: [x, y]\n",
}


@pytest.mark.parametrize("text", LAYOUTS.values(), ids=LAYOUTS.keys())
def test_unchanged_document_dumps_byte_for_byte(text: str) -> None:
    assert YamlDocument.parse(text, "t.yaml").text() == text


def test_inserted_item_takes_the_files_layout() -> None:
    document = YamlDocument.parse(LAYOUTS["four-space"], "t.yaml")
    insert_item(document.data["items"], 1, to_commented({"x": 3, "y": dt.date(2025, 1, 2)}))
    assert document.text() == (
        "a: 1\nitems:\n    -   x: 1\n        y: 2\n    -   x: 3\n        y: 2025-01-02\n"
        "m:\n    k: v\n"
    )


def test_comment_before_an_item_stays_above_it() -> None:
    text = "items:\n  - x: 1\n\n  # about two\n  - x: 2\n"
    document = YamlDocument.parse(text, "t.yaml")
    insert_item(document.data["items"], 1, to_commented({"x": 9}))
    assert document.text() == "items:\n  - x: 1\n  - x: 9\n\n  # about two\n  - x: 2\n"


def test_new_key_goes_in_model_order_and_keeps_quoting_of_replaced_values() -> None:
    document = YamlDocument.parse("name: n\nfeed: 'f'   # why\nstorage: {}\n", "t.yaml")
    set_value(document.data, "feed", "g", ["name", "feed", "schema", "storage"])
    set_value(document.data, "schema", "s:v1", ["name", "feed", "schema", "storage"])
    assert document.text() == "name: n\nfeed: 'g'   # why\nschema: s:v1\nstorage: {}\n"


@pytest.mark.parametrize(
    "text",
    ["a: [1,2,   3]\n", "a: {x:   1}\n", "a:   1\n"],
    ids=["flow list spacing", "flow map spacing", "value spacing"],
)
def test_layout_that_cannot_be_reproduced_is_refused(text: str) -> None:
    with pytest.raises(LayoutNotPreserved, match="cannot reproduce byte for byte"):
        YamlDocument.parse(text, "t.yaml")


def test_not_yaml_is_refused_with_a_sentence() -> None:
    with pytest.raises(LayoutNotPreserved, match="is not valid YAML"):
        YamlDocument.parse("a: [\n", "t.yaml")
