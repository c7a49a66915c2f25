"""How the reader words what it refuses: syntax errors with hints, forbidden characters.

Split from `ssmd/yamlsource.py` (the reader) so that module stays about reading;
every message here is what `ssmd validate`, the server and the writer show.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from ssmd.codes import YAML_SYNTAX
from ssmd.span import LineIndex, Span


@dataclass(frozen=True, slots=True)
class SyntaxProblem:
    """A problem found while reading YAML (SSMD001 syntax, SSMD002 duplicate key)."""

    code: str
    message: str
    span: Span
    related: Span | None = None
    """A second place in the same text (a duplicate key's first occurrence)."""


EMPTY_KEY_MESSAGE = (
    "mapping keys must be plain words; this key is empty: write the key's name before the ':'"
)
"""A registry rule (keys are names), its own message: valid YAML reads `: x` as a null key."""

COLLECTION_KEY_MESSAGE = "mapping keys must be plain words; this key is a collection"

SECOND_DOCUMENT_MESSAGE = (
    "YAML syntax error: expected a single document in the stream; but found another "
    "document (a registry file holds one document: remove the extra '---')"
)

FORBIDDEN = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters YAML 1.2 does not allow in a document (c-printable's complement)."""


def forbidden_problem(offset: int, character: str, lines: LineIndex) -> SyntaxProblem:
    """A character YAML forbids (NUL, control characters), located as an editor shows it."""
    line = lines.line_of(offset)
    code = ord(character)
    message = (
        f"the file holds a character YAML does not allow (#x{code:04x}); registry files "
        "are plain UTF-8 text: remove it, or check that this is the file you meant"
    )
    return SyntaxProblem(YAML_SYNTAX, message, Span.point(line, offset - lines.offset(line)))


def unreadable(error: Any, lines: LineIndex) -> SyntaxProblem:
    """Valid YAML that libyaml cannot read: refused in a sentence, not misread."""
    mark = error.problem_mark or error.context_mark
    span = lines.clamp_span(Span.point(mark.line, mark.column) if mark else Span.point(0))
    detail = "; ".join(p for p in (error.context, error.problem) if p) or "unreadable"
    message = (
        f"ssmd cannot read this YAML ({detail}): it is valid YAML, but written in a form the "
        "registry does not support; write it plainly (spaces, not tabs, around '-' and ':')"
    )
    return SyntaxProblem(YAML_SYNTAX, message, span)


def strict_problem(strict: tuple[str, int, int], lines: LineIndex) -> SyntaxProblem:
    problem, line, column = strict
    span = lines.clamp_span(Span.point(line, column))
    hint = next((h for needle, h in _STRICT_HINTS if needle in problem), None)
    message = f"YAML syntax error: {problem}" + (f" ({hint})" if hint else "")
    return SyntaxProblem(YAML_SYNTAX, message, span)


_STRICT_HINTS = (
    ("comments must be separated", "put a space before the '#'"),
    ("invalid indentation in flow", "indent the continuation line of a '[' or '{' list"),
    ("tab", "indent with spaces: YAML does not allow tabs for indentation"),
)


def other_problem(error: yaml.YAMLError, text: str, lines: LineIndex) -> SyntaxProblem:
    if isinstance(error, yaml.reader.ReaderError):
        return _reader_problem(error, text, lines)
    return SyntaxProblem(YAML_SYNTAX, f"YAML syntax error: {error}", Span.point(0))


def syntax_problem(error: yaml.MarkedYAMLError, text: str, lines: LineIndex) -> SyntaxProblem:
    span = lines.clamp_span(error_span(error, text))  # libyaml may point past the end
    return SyntaxProblem(YAML_SYNTAX, _syntax_message(error, text, span), span)


_HINTS = (
    ("tab character", "indent with spaces: YAML does not allow tabs for indentation"),
    (
        "quoted scalar; found unexpected end",
        "the quote opened here is never closed; add the closing quote",
    ),
    ("end of stream", "the quote or bracket opened here is never closed; close it"),
    ("expected ',' or ']'", "the '[' opened here is never closed; add the ']'"),
    ("expected ',' or '}'", "the '{' opened here is never closed; add the '}'"),
    (
        "mapping values are not allowed",
        "a ':' where no key may start: check this line's indentation, "
        "or quote a value that contains ': '",
    ),
    (
        "expected '-' indicator",
        "this line is indented differently from the list above it; line it up with "
        "the keys of its list item",
    ),
    (
        "expected <block end>",
        "this line is indented differently from the keys around it; line it up with them",
    ),
    ("single document", "a registry file holds one document: remove the extra '---'"),
    ("<document start>", "a registry file holds one document: remove what follows the '...'"),
    ("undefined alias", "an alias (*name) needs an anchor (&name) defined before it"),
)


def _syntax_message(error: yaml.MarkedYAMLError, text: str, span: Span) -> str:
    parts = [p for p in (error.context, error.problem) if p]
    detail = "; ".join(parts) if parts else "invalid YAML"
    hint = next((h for needle, h in _HINTS if needle in detail), None)
    if hint is None and _character_at(text, span) == "\t":
        hint = _TAB_HINT
    return f"YAML syntax error: {detail}" + (f" ({hint})" if hint else "")


_TAB_HINT = "indent with spaces: YAML does not allow tabs for indentation"
_ANCHOR = re.compile(r"&([^\s,\[\]{}]+)")


def duplicate_anchor_message(error: yaml.MarkedYAMLError, text: str) -> str:
    """YAML 1.2 lets a later anchor replace an earlier one; libyaml does not, nor does the
    registry: two values under one name is a mistake a reviewer would not spot."""
    mark = error.problem_mark
    lines = LineIndex(text)
    name = None
    if mark is not None:
        found = _ANCHOR.match(text, lines.offset(mark.line) + mark.column)
        name = found.group(1) if found else None
    first = error.context_mark.line + 1 if error.context_mark is not None else None
    shown = f"'&{name}'" if name else "an anchor"
    where = f" (first defined on line {first})" if first else ""
    return f"the anchor {shown} is defined twice{where}; give each anchor its own name"


def _character_at(text: str, span: Span) -> str:
    lines = LineIndex(text)
    offset = lines.offset(span.start.line) + span.start.character
    return text[offset] if offset < len(text) else ""


def error_span(error: yaml.MarkedYAMLError, text: str) -> Span:
    """Where the parser gave up, or where the unclosed thing began.

    An unclosed quote or bracket is only noticed at the end of the file (a line
    past anything the user wrote) or at the next line's `:`; the opening mark
    is the useful place.
    """
    mark = error.problem_mark or error.context_mark
    at_end = mark is not None and mark.index >= len(text.rstrip())
    unclosed = error.context is not None and error.context.startswith("while parsing a flow")
    if (at_end or unclosed) and error.context_mark is not None and error.problem_mark is not None:
        mark = error.context_mark
    return Span.point(mark.line, mark.column) if mark else Span.point(0, 0)


def _reader_problem(error: yaml.reader.ReaderError, text: str, lines: LineIndex) -> SyntaxProblem:
    """A character YAML forbids (binary junk, control characters), located by line and column.

    Lines are counted as editors count them (a lone `\r` ends one too).
    """
    # libyaml counts this position in UTF-8 bytes, not characters.
    encoded = text.encode("utf-8", "surrogatepass")
    byte = max(0, min(int(error.position), len(encoded)))
    position = len(encoded[:byte].decode("utf-8", "ignore"))
    line = lines.line_of(position)
    column = position - lines.offset(line)
    character = error.character
    code = ord(character) if isinstance(character, str) else int(character)
    message = (
        f"the file holds a character YAML does not allow (#x{code:04x}); registry files are "
        "plain UTF-8 text: remove it, or check that this is the file you meant"
    )
    return SyntaxProblem(YAML_SYNTAX, message, Span.point(line, column))
