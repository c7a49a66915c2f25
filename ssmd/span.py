"""Source positions: produced once by the loader, converted only at the edges."""

from __future__ import annotations

from typing import NamedTuple


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
        lines = text.splitlines() or [""]
        line = max(0, min(line, len(lines) - 1))
        return cls.of(line, 0, line, len(lines[line]))

    def contains(self, position: Position) -> bool:
        return self.start <= position <= self.end

    def one_based(self) -> tuple[int, int]:
        """(line, column) as people and CI tools count them."""
        return self.start.line + 1, self.start.character + 1


DOCUMENT_START = Span.point(0, 0)
