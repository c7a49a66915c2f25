"""YAML text -> plain data plus a source map, fast and safe.

Why libyaml `compose` and not ruamel: indexing a workspace of thousands of
files must be quick (NOTES.md: compose with CSafeLoader is ~30x faster than a
ruamel round-trip load) and we need every key's and value's position, which
nodes carry. ruamel stays for the write side, where comments matter.

Safety: we build values from nodes ourselves with the safe scalar
constructors only, so no tag can construct an arbitrary object; aliases are
expanded under a node budget (an alias bomb is a diagnostic, not a hang) and
nesting is bounded.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field
from typing import Any

import yaml

from ssmd.span import LineIndex, Position, Span

try:  # libyaml bindings; the pure-Python loader is a correct, slower fallback.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

ModelPath = tuple[str | int, ...]

MAX_NODES = 200_000
"""Nodes one document may expand to (aliases included): far above any real registry file."""
MAX_DEPTH = 64
"""Nesting deeper than this is not a registry file; refuse it before recursion does."""

_YAML_ONLY_BREAKS = str.maketrans({"\x85": " ", "\u2028": " ", "\u2029": " "})
"""YAML 1.1 ends a line at NEL, LS and PS; editors do not. Read as spaces, so
libyaml's line numbers are the editor's (same length: columns do not move)."""

_SCALARS = yaml.constructor.SafeConstructor()
_STR = "tag:yaml.org,2002:str"
_PLAIN_CONSTRUCTORS = {
    tag: yaml.constructor.SafeConstructor.yaml_constructors[tag]
    for tag in (
        "tag:yaml.org,2002:int",
        "tag:yaml.org,2002:float",
        "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:null",
        "tag:yaml.org,2002:timestamp",
    )
}


@dataclass(frozen=True, slots=True)
class Located:
    """Where one value sits: its key (None for list items and the root) and the value."""

    key: Span | None
    value: Span


@dataclass(frozen=True, slots=True)
class SyntaxProblem:
    """A problem found while reading YAML (SSMD001 syntax, SSMD002 duplicate key)."""

    code: str
    message: str
    span: Span


RawSpan = tuple[int, int, int, int]
"""(line, column, end line, end column): what the loader stores; Spans are made on demand."""


def _to_span(raw: RawSpan) -> Span:
    return Span(Position(raw[0], raw[1]), Position(raw[2], raw[3]))


@dataclass(slots=True)
class SourceMap:
    """Model path -> position of its key and value, e.g. ("versions", 1, "effective_from")."""

    entries: dict[ModelPath, tuple[RawSpan | None, RawSpan]] = field(default_factory=dict)

    def get(self, path: ModelPath) -> Located | None:
        entry = self.entries.get(path)
        if entry is None:
            return None
        key, value = entry
        return Located(_to_span(key) if key else None, _to_span(value))

    def paths(self) -> list[ModelPath]:
        return list(self.entries)

    def span(self, path: ModelPath, part: str = "value") -> Span:
        """The span of `path`, or of its nearest located ancestor.

        `part="key"` prefers the key (a missing child is reported at its parent's key).
        """
        for depth in range(len(path), -1, -1):
            entry = self.entries.get(path[:depth])
            if entry is None:
                continue
            key, value = entry
            if part == "key" and key is not None:
                return _to_span(key)
            return _to_span(value)
        return Span.point(0, 0)

    def key_span(self, path: ModelPath) -> Span:
        return self.span(path, part="key")


@dataclass(slots=True)
class ParsedYaml:
    data: Any
    source_map: SourceMap
    problems: list[SyntaxProblem]


def parse_yaml(text: str) -> ParsedYaml:
    """Parse one YAML document; never raises on any input text."""
    source_map = SourceMap()
    problems: list[SyntaxProblem] = []
    lines = LineIndex(text)
    try:
        node = yaml.compose(text.translate(_YAML_ONLY_BREAKS), Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        span = lines.clamp_span(_error_span(error, text))  # libyaml may point past the end
        problems.append(SyntaxProblem("SSMD001", _syntax_message(error), span))
        return ParsedYaml(None, source_map, problems)
    except yaml.reader.ReaderError as error:
        problems.append(_reader_problem(error, text, lines))
        return ParsedYaml(None, source_map, problems)
    except yaml.YAMLError as error:
        problems.append(SyntaxProblem("SSMD001", f"YAML syntax error: {error}", Span.point(0)))
        return ParsedYaml(None, source_map, problems)
    except RecursionError:
        message = "YAML nesting is too deep to be a registry file; flatten the document"
        problems.append(SyntaxProblem("SSMD001", message, Span.point(0)))
        return ParsedYaml(None, source_map, problems)
    if node is None:
        return ParsedYaml(None, source_map, problems)
    builder = _Builder(source_map, problems)
    try:
        data = builder.build(node, (), None, 0)
    except _TooLarge as error:
        problems.append(SyntaxProblem("SSMD001", str(error), lines.clamp_span(_span(node))))
        return ParsedYaml(None, SourceMap(), problems)
    _clamp_entries(source_map, lines)
    return ParsedYaml(data, source_map, problems)


def _clamp_entries(source_map: SourceMap, lines: LineIndex) -> None:
    """Pull end marks libyaml puts just past the last line (no final newline) back inside."""
    last = lines.count - 1
    entries = source_map.entries
    for path, (key, value) in entries.items():
        if value[2] > last or (key is not None and key[2] > last):
            entries[path] = (_clamp_raw(key, lines) if key else None, _clamp_raw(value, lines))


def _clamp_raw(raw: RawSpan, lines: LineIndex) -> RawSpan:
    span = lines.clamp_span(_to_span(raw))
    return (span.start.line, span.start.character, span.end.line, span.end.character)


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
    ("undefined alias", "an alias (*name) needs an anchor (&name) defined before it"),
)


def _syntax_message(error: yaml.MarkedYAMLError) -> str:
    parts = [p for p in (error.context, error.problem) if p]
    detail = "; ".join(parts) if parts else "invalid YAML"
    hint = next((h for needle, h in _HINTS if needle in detail), None)
    return f"YAML syntax error: {detail}" + (f" ({hint})" if hint else "")


def _error_span(error: yaml.MarkedYAMLError, text: str) -> Span:
    """Where the parser gave up, or where the unclosed thing began when it gave up at the end.

    An unclosed quote or bracket is only noticed at the end of the file, a line
    past anything the user wrote; the opening mark is the useful place.
    """
    mark = error.problem_mark or error.context_mark
    at_end = mark is not None and mark.index >= len(text.rstrip())
    if at_end and error.context_mark is not None and error.problem_mark is not None:
        mark = error.context_mark
    return Span.point(mark.line, mark.column) if mark else Span.point(0, 0)


def _reader_problem(error: yaml.reader.ReaderError, text: str, lines: LineIndex) -> SyntaxProblem:
    """A character YAML forbids (binary junk, control characters), located by line and column.

    Lines are counted as editors count them (a lone `\r` ends one too).
    """
    position = max(0, min(int(error.position), len(text)))
    line = lines.line_of(position)
    column = position - lines.offset(line)
    character = error.character
    code = ord(character) if isinstance(character, str) else int(character)
    message = (
        f"the file holds a character YAML does not allow (#x{code:04x}); registry files are "
        "plain UTF-8 text: remove it, or check that this is the file you meant"
    )
    return SyntaxProblem("SSMD001", message, Span.point(line, column))


def _span(node: yaml.Node) -> Span:
    return _to_span(_raw(node))


def _raw(node: yaml.Node) -> RawSpan:
    start, end = node.start_mark, node.end_mark
    return (start.line, start.column, end.line, end.column)


class _TooLarge(Exception):
    pass


class _Builder:
    def __init__(self, source_map: SourceMap, problems: list[SyntaxProblem]) -> None:
        self.entries = source_map.entries
        self.problems = problems
        self.budget = MAX_NODES

    def build(self, node: yaml.Node, path: ModelPath, key: RawSpan | None, depth: int) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise _TooLarge(
                f"the document expands to more than {MAX_NODES} values (an alias bomb?); "
                "registry files never need that many"
            )
        if depth > MAX_DEPTH:
            raise _TooLarge(f"values are nested more than {MAX_DEPTH} levels deep; flatten them")
        start, end = node.start_mark, node.end_mark
        self.entries[path] = (key, (start.line, start.column, end.line, end.column))
        node_type = type(node)
        if node_type is yaml.ScalarNode:
            return node.value if node.tag == _STR else scalar_value(node)
        if node_type is yaml.MappingNode:
            return self._mapping(typing.cast(yaml.MappingNode, node), path, depth)
        return [
            self.build(item, (*path, index), None, depth + 1)
            for index, item in enumerate(node.value)
        ]

    def _mapping(self, node: yaml.MappingNode, path: ModelPath, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, RawSpan] = {}
        for key_node, value_node in node.value:
            key_span = _raw(key_node)
            if not isinstance(key_node, yaml.ScalarNode):
                message = "mapping keys must be plain words; this key is a collection"
                self.problems.append(SyntaxProblem("SSMD001", message, _to_span(key_span)))
                continue
            key = str(key_node.value)
            if key in first_seen:
                line = first_seen[key][0] + 1
                message = (
                    f"duplicate key '{key}' (first defined on line {line}); remove one of them"
                )
                self.problems.append(SyntaxProblem("SSMD002", message, _to_span(key_span)))
                continue
            first_seen[key] = key_span
            result[key] = self.build(value_node, (*path, key), key_span, depth + 1)
        return result


def scalar_value(node: yaml.Node) -> Any:
    """The Python value of a scalar node, using only YAML's safe core types."""
    constructor = _PLAIN_CONSTRUCTORS.get(node.tag)
    if constructor is None:
        return node.value  # str, or a tag we never construct (e.g. !!python/object)
    try:
        return constructor(_SCALARS, node)
    except (ValueError, TypeError, OverflowError, yaml.YAMLError):
        return node.value  # e.g. 2025-13-45: keep the text, the model reports it
