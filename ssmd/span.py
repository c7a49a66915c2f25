"""Source positions: produced once by the loader, converted only at the edges."""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import NamedTuple

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class Position(NamedTuple):
    """A 0-based line and character (code point) offset in a document."""

    line: int
    character: int


class Span(NamedTuple):
    """A 0-based, end-exclusive range in a document.

    Tuples, not dataclasses: the loader makes one per YAML node, and tuple
    construction is several times cheaper than a frozen dataclass's.
    """

    start: Position
    end: Position

    @classmethod
    def of(cls, line: int, character: int, end_line: int, end_character: int) -> Span:
        return cls(Position(line, character), Position(end_line, end_character))

    @classmethod
    def point(cls, line: int, character: int = 0) -> Span:
        return cls(Position(line, character), Position(line, character))

    @classmethod
    def whole_line(cls, text: str, line: int) -> Span:
        """The span of one line's text, clamped to the document (for compiler messages)."""
        lines = LineIndex(text)
        line = max(0, min(line, lines.count - 1))
        return cls.of(line, 0, line, lines.length(line))

    def contains(self, position: Position) -> bool:
        return self.start <= position <= self.end

    def one_based(self) -> tuple[int, int]:
        """(line, column) as people and CI tools count them."""
        return self.start.line + 1, self.start.character + 1


def editor_lines(text: str) -> list[str]:
    """The text's lines as an editor shows them: split at `\\n`, `\\r\\n` and a lone `\\r` only.

    The one line model of the code base (the loader, the CLI, the language
    server and completion all count lines this way): not `str.split("\\n")`,
    which misses a lone `\\r`, nor `str.splitlines`, which also splits at form
    feeds and U+2028.
    """
    if "\r" not in text:  # the usual case; str.split is ~5x cheaper than the regex
        return text.split("\n")
    return _LINE_BREAK.split(text)


class RelatedLocation(NamedTuple):
    """A second place a finding is about: the anchor an alias repeats, a key's first occurrence.

    Shown as SARIF `relatedLocations`, LSP `relatedInformation`, a JSON `related`
    entry and a `note:` line under the finding in text output.
    """

    file: str
    """Root-relative posix path, like `Diagnostic.file`."""
    span: Span
    message: str


class LineIndex:
    """Where each line of a text starts, with line breaks counted as LSP clients count them.

    Only `\\n`, `\\r\\n` and `\\r` end a line (not `str.splitlines`' form feeds or
    U+2028), so a position computed here is the position an editor shows. Built
    once per text, it answers offset and clamping questions in O(log n), which
    keeps positions cheap on a file with thousands of findings.
    """

    __slots__ = ("_ends", "_starts", "_text_length")

    def __init__(self, text: str) -> None:
        self._starts = [0]
        self._ends: list[int] = []
        for match in _LINE_BREAK.finditer(text):
            self._ends.append(match.start())
            self._starts.append(match.end())
        self._ends.append(len(text))
        self._text_length = len(text)

    @property
    def count(self) -> int:
        return len(self._starts)

    def offset(self, line: int) -> int:
        """Offset of the start of `line` (the text's end for a line past the last)."""
        if line >= len(self._starts):
            return self._text_length
        return self._starts[max(line, 0)]

    def length(self, line: int) -> int:
        """Characters on `line`, without its line break."""
        line = max(0, min(line, len(self._starts) - 1))
        return self._ends[line] - self._starts[line]

    def line_of(self, offset: int) -> int:
        return max(bisect_right(self._starts, offset) - 1, 0)

    def clamp(self, position: Position) -> Position:
        """The nearest position inside the text (past the end -> end of the last line)."""
        if position.line >= self.count:
            last = self.count - 1
            return Position(last, self.length(last))
        line = max(position.line, 0)
        return Position(line, max(0, min(position.character, self.length(line))))

    def clamp_span(self, span: Span) -> Span:
        start, end = self.clamp(span.start), self.clamp(span.end)
        return Span(start, max(start, end))


DOCUMENT_START = Span.point(0, 0)
