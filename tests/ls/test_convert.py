"""The one place positions change encoding, and the JSON fast path of diagnostics."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types as lsp
from lsprotocol.converters import get_converter

from ssmd.check import Diagnostic
from ssmd.rules import Severity
from ssmd.span import Position, RelatedLocation, Span
from ssmd_ls import convert

TEXT = "name: café-🚀-feed\nfeed: kalshi\n"
UTF16 = lsp.PositionEncodingKind.Utf16
UTF8 = lsp.PositionEncodingKind.Utf8
UTF32 = lsp.PositionEncodingKind.Utf32


def test_columns_convert_per_encoding_and_back() -> None:
    lines = convert.Lines(TEXT)
    after_rocket = Position(0, 12)  # code points: "name: café-🚀" is 12 long
    assert convert.to_client(after_rocket, lines, UTF32).character == 12
    assert convert.to_client(after_rocket, lines, UTF16).character == 13  # 🚀 is 2 units
    assert convert.to_client(after_rocket, lines, UTF8).character == 16  # é 2 bytes, 🚀 4
    for encoding in (UTF8, UTF16, UTF32):
        client = convert.to_client(after_rocket, lines, encoding)
        assert convert.from_client(client, lines, encoding) == after_rocket


def test_wire_diagnostics_equal_the_unstructured_objects() -> None:
    found = [
        Diagnostic("SSMD006", Severity.ERROR, "name differs", "x.yaml", Span.of(0, 6, 0, 17)),
        Diagnostic("SSMD307", Severity.WARNING, "inactive", "x.yaml", Span.of(1, 6, 1, 12)),
    ]
    lines = convert.Lines(TEXT)
    for encoding in (UTF8, UTF16):
        objects = [convert.diagnostic(d, lines, encoding) for d in found]
        wire = convert.wire_diagnostics(found, TEXT, encoding)
        assert wire == [get_converter().unstructure(o) for o in objects]
        assert convert.from_wire(wire) == objects
    assert objects[0].code_description is not None
    assert objects[0].code_description.href.endswith("docs/rules.md#ssmd006")


def test_related_information_is_converted_like_the_range() -> None:
    anchor = RelatedLocation("x.yaml", Span.of(0, 12, 0, 17), "defined here, at the anchor &a")
    elsewhere = RelatedLocation("y.yaml", Span.of(0, 0, 0, 1), "in another file: not sent")
    found = [
        Diagnostic(
            "SSMD005", Severity.ERROR, "bad", "x.yaml", Span.of(1, 6, 1, 12), related=(anchor,)
        ),
        Diagnostic(
            "SSMD006", Severity.ERROR, "x", "x.yaml", Span.of(1, 0, 1, 1), related=(elsewhere,)
        ),
    ]
    root = Path("/registry")
    lines = convert.Lines(TEXT)
    for encoding, start, end in ((UTF16, 13, 18), (UTF8, 16, 21), (UTF32, 12, 17)):
        objects = [convert.diagnostic(d, lines, encoding, root) for d in found]
        wire = convert.wire_diagnostics(found, TEXT, encoding, root)
        assert wire == [get_converter().unstructure(o) for o in objects]
        assert wire[0]["relatedInformation"] == [
            {
                "location": {
                    "uri": "file:///registry/x.yaml",
                    "range": {
                        "start": {"line": 0, "character": start},
                        "end": {"line": 0, "character": end},
                    },
                },
                "message": "defined here, at the anchor &a",
            }
        ]
        assert "relatedInformation" not in wire[1]
    # A client that does not show related information gets none.
    assert "relatedInformation" not in convert.wire_diagnostics(found, TEXT, UTF16)[0]
