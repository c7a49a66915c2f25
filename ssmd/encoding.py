"""Registry files are UTF-8 text: bytes -> text, strictly, with the first bad byte located.

Why strict: decoding with "replace" turned a latin-1 `Börse` into U+FFFD, the
file validated clean, and the next write command saved the replacement
character back to disk: silent corruption of a user's file. A file that is not
UTF-8 is now one SSMD001 at the first byte that cannot be read, naming the
encoding when it is recognisably UTF-16 or UTF-32, and the document carries
that problem, so no write command edits it (they refuse files with problems).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from ssmd.span import DOCUMENT_START, LineIndex, Span

_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32 (little-endian)"),
    (codecs.BOM_UTF32_BE, "UTF-32 (big-endian)"),
    (codecs.BOM_UTF16_LE, "UTF-16 (little-endian)"),
    (codecs.BOM_UTF16_BE, "UTF-16 (big-endian)"),
)


@dataclass(frozen=True, slots=True)
class Decoded:
    """The text (undecodable bytes shown as U+FFFD, for display only) and why it is not UTF-8."""

    text: str
    problem: str | None = None
    span: Span = DOCUMENT_START


def wide_encoding(content: bytes) -> str | None:
    """UTF-16 or UTF-32, recognised by a byte order mark or by the zero bytes around ASCII."""
    for bom, name in _BOMS:
        if content.startswith(bom):
            return name
    head = content[:4]
    if len(head) == 4:
        if head[1:4] == b"\0\0\0" and head[0]:
            return "UTF-32 (little-endian)"
        if head[0:3] == b"\0\0\0" and head[3]:
            return "UTF-32 (big-endian)"
    if len(head) >= 2:
        if head[0] and head[1] == 0:
            return "UTF-16 (little-endian)"
        if head[0] == 0 and head[1]:
            return "UTF-16 (big-endian)"
    return None


def decode_registry_bytes(content: bytes) -> Decoded:
    """UTF-8 (a leading BOM allowed) -> text; anything else -> a located problem."""
    wide = wide_encoding(content)
    if wide is not None:
        message = (
            f"the file is encoded as {wide}, not UTF-8; registry files are UTF-8 text: "
            "save it as UTF-8 (without changing its content) and run the command again"
        )
        return Decoded(content.decode("utf-8", "replace"), message)
    try:
        return Decoded(content.decode("utf-8"))
    except UnicodeDecodeError as error:
        return _not_utf8(content, error.start)


def _not_utf8(content: bytes, start: int) -> Decoded:
    before = content[:start].decode("utf-8")  # valid up to the first bad byte
    lines = LineIndex(before)
    line = lines.count - 1
    column = lines.length(line)
    byte = content[start]
    guess = _guess_single_byte(content[start : start + 2])
    message = (
        f"byte 0x{byte:02X} is not UTF-8{guess}; registry files are UTF-8 text: "
        "save the file as UTF-8 and run the command again"
    )
    return Decoded(content.decode("utf-8", "replace"), message, Span.point(line, column))


def _guess_single_byte(sample: bytes) -> str:
    """Name the character the byte stands for in latin-1, the usual culprit (`Börse`)."""
    character = sample[:1].decode("latin-1")
    if character.isprintable() and ord(character) >= 0xA0:
        return f" (it reads as '{character}' in latin-1/Windows-1252, which the file seems to use)"
    return ""
