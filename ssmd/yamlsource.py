"""YAML text -> plain data plus a source map, fast and safe.

Why libyaml `compose` and not ruamel: indexing a workspace of thousands of
files must be quick (NOTES.md: compose with CSafeLoader is ~30x faster than a
ruamel round-trip load) and we need every key's and value's position, which
nodes carry. The write side splices text at these positions (`ssmd.write.textedit`);
ruamel's parser is only a second reading (`ssmd.yamlfallback`).

Safety: we build values from nodes ourselves with the safe scalar
constructors only, so no tag can construct an arbitrary object; aliases are
expanded under a node budget (an alias bomb is a diagnostic, not a hang) and
nesting is bounded.
"""

from __future__ import annotations

import contextlib
import re
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from ssmd.codes import DUPLICATE_KEY, YAML_SYNTAX
from ssmd.span import LineIndex, Position, Span
from ssmd.yamlcore import (
    CORE_SCALAR_TAGS,
    CORE_TAGS,
    MAP,
    NO_DATA,
    PLAIN,
    SEQ,
    STR,
    conformance_error,
    core_value,
    first_difference,
    strict_data,
    strict_reading,
    tag_problem,
    tagged_value,
)
from ssmd.yamlerrors import (
    COLLECTION_KEY_MESSAGE,
    EMPTY_KEY_MESSAGE,
    FORBIDDEN,
    SECOND_DOCUMENT_MESSAGE,
    SyntaxProblem,
    duplicate_anchor_message,
    error_span,
    forbidden_problem,
    other_problem,
    strict_problem,
    syntax_problem,
    unreadable,
)
from ssmd.yamlfallback import (
    SecondDocument,
    bad_key,
    compose_with_ruamel,
    empty_key_span,
    hide_directives,
    no_document,
)

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


class _Loader12(_Loader):
    """libyaml's composer with the resolver swapped: plain scalars stay untyped (PLAIN).

    PyYAML's resolver types by YAML 1.1; `yamlcore` types those later, by 1.2.
    Overriding `resolve` is also cheaper than PyYAML's regex loop per scalar.
    """

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            return PLAIN if implicit[0] else STR
        return SEQ if kind is yaml.SequenceNode else MAP


@dataclass(frozen=True, slots=True)
class Located:
    """Where one value sits: its key (None for list items and the root) and the value."""

    key: Span | None
    value: Span


RawSpan = tuple[int, int, int, int]
"""(line, column, end line, end column): what the loader stores; Spans are made on demand."""


def _to_span(raw: RawSpan) -> Span:
    return Span(Position(raw[0], raw[1]), Position(raw[2], raw[3]))


@dataclass(slots=True)
class SourceMap:
    """Model path -> position of its key and value, e.g. ("versions", 1, "effective_from")."""

    entries: dict[ModelPath, tuple[RawSpan | None, RawSpan]] = field(default_factory=dict)
    anchors: dict[ModelPath, RawSpan] = field(default_factory=dict)
    """Paths read through an alias -> where the anchored value is written (the related place)."""
    anchor_paths: dict[ModelPath, ModelPath] = field(default_factory=dict)
    """Paths read through an alias -> the path where the anchored value was first read."""
    key_anchors: dict[ModelPath, RawSpan] = field(default_factory=dict)
    """Paths whose key is an alias (`*a : x`; the key's span is the alias) -> the anchor."""

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

    def anchored(self, path: ModelPath, part: str = "value") -> tuple[Span, Span] | None:
        """For a path read through an alias (or under one): (where the same value is written
        under the anchor, where the anchored value starts, at its `&name`). None otherwise."""
        if part == "key" and path in self.key_anchors:
            written = _to_span(self.key_anchors[path])  # `*a : x`: the key is the anchored value
            return written, written
        for depth in range(len(path), 0, -1):
            prefix = path[:depth]
            anchor = self.anchors.get(prefix)
            if anchor is None:
                continue
            origin = self.anchor_paths.get(prefix)
            inner = self.entries.get(origin + path[depth:]) if origin is not None else None
            if inner is None:
                return _to_span(anchor), _to_span(anchor)
            key, value = inner
            raw = key if part == "key" and key is not None else value
            return _to_span(raw), _to_span(anchor)
        return None


@dataclass(slots=True)
class ParsedYaml:
    data: Any
    source_map: SourceMap
    problems: list[SyntaxProblem]


def parse_yaml(text: str) -> ParsedYaml:
    """Parse one YAML document by YAML 1.2; never raises on any input text.

    Order: characters YAML forbids (located exactly), then libyaml's node tree
    (positions), then the strict parser's verdict on what libyaml accepted.
    """
    source_map = SourceMap()
    problems: list[SyntaxProblem] = []
    lines = LineIndex(text)
    forbidden = FORBIDDEN.search(text)
    if forbidden is not None:
        problems.append(forbidden_problem(forbidden.start(), forbidden.group(), lines))
        return ParsedYaml(None, source_map, problems)
    composed = _compose(text, lines)
    if isinstance(composed, SyntaxProblem):
        return ParsedYaml(None, source_map, [composed])
    first, readings = composed
    for reading in readings:
        if isinstance(reading, SyntaxProblem):
            return ParsedYaml(None, source_map, [reading])
        parsed = _read(text, lines, reading, first)
        if parsed is not None:
            return parsed
    assert first is not None  # libyaml's own reading is never doubted
    return ParsedYaml(None, source_map, [unreadable(first, lines)])


def _read(
    text: str, lines: LineIndex, reading: _Reading, first: yaml.MarkedYAMLError | None
) -> ParsedYaml | None:
    """One node tree -> data and source map; None when a second reading is not proven equal."""
    node, alias_spans = reading
    source_map = SourceMap()
    problems: list[SyntaxProblem] = []
    if node is None:
        strict = conformance_error(text)
        if strict is not None:
            problems.append(strict_problem(strict, lines))
        return ParsedYaml(None, source_map, problems)
    builder = _Builder(source_map, problems, text)
    builder.alias_spans = alias_spans
    try:
        data = builder.build(node, (), None, 0)
    except _TooLarge as error:
        problems.append(SyntaxProblem(YAML_SYNTAX, str(error), lines.clamp_span(_span(node))))
        return ParsedYaml(None, SourceMap(), problems)
    strict, strict_value = strict_reading(text)
    if strict is not None:
        return ParsedYaml(None, SourceMap(), [strict_problem(strict, lines)])
    if first is None and not problems and builder.merge_key is None:
        misread = _misread(text, data, strict_value, source_map, lines)
        if misread is not None:
            return misread  # libyaml's reading is not YAML 1.2's
    if first is not None and not _same_reading(data, text):
        refused = next((p for p in problems if p.message in _KEY_RULES), None)
        return None if refused is None else ParsedYaml(None, SourceMap(), [refused])
    if builder.merge_key is not None:
        return ParsedYaml(None, SourceMap(), [builder.merge_key, *problems])
    _clamp_entries(source_map, lines)
    return ParsedYaml(data, source_map, problems)


def _misread(
    text: str, data: Any, strict: Any, source_map: SourceMap, lines: LineIndex
) -> ParsedYaml | None:
    """None when libyaml's reading equals the strict parser's; else ruamel's reading if
    that one is proven equal, or a refusal at the first value the two read differently.

    libyaml reads a few valid texts as other data (`key: &an:chor value` as the value
    ':chor value'): comparing with the data the strict parser already loaded costs a walk.
    """
    if strict is NO_DATA or data == strict:  # the usual case, compared in C
        return None
    where = first_difference(data, strict)
    if where is None:
        return None
    composed = None
    with contextlib.suppress(SecondDocument):  # libyaml read one document: not a rule break
        composed = compose_with_ruamel(hide_directives(text.translate(_YAML_ONLY_BREAKS)))
    if composed is not None and composed[0] is not None:
        source_map_again = SourceMap()
        problems: list[SyntaxProblem] = []
        builder = _Builder(source_map_again, problems, text)
        builder.alias_spans = composed[1]
        try:
            again = builder.build(composed[0], (), None, 0)
        except _TooLarge:
            again = NO_DATA
        if again is not NO_DATA and first_difference(again, strict) is None:
            _clamp_entries(source_map_again, lines)
            return ParsedYaml(again, source_map_again, problems)
    located = _located_prefix(source_map, where)
    span = lines.clamp_span(_to_span(source_map.entries[located][1]))
    message = (
        "ssmd cannot read this YAML (libyaml reads this value differently from YAML 1.2): "
        "it is valid YAML, but written in a form the registry does not support; write it "
        "plainly (anchor names of letters, digits, '-' and '_'; quote a value that starts "
        "with '?'; no line of only spaces at the end of the file)"
    )
    return ParsedYaml(None, SourceMap(), [SyntaxProblem(YAML_SYNTAX, message, span)])


def _located_prefix(source_map: SourceMap, path: ModelPath) -> ModelPath:
    while path not in source_map.entries and path:
        path = path[:-1]
    return path


_Reading = tuple["yaml.Node | None", "list[RawSpan] | None"]
_Readings = tuple["yaml.MarkedYAMLError | None", "Iterator[_Reading | SyntaxProblem]"]


def _compose(text: str, lines: LineIndex) -> _Readings | SyntaxProblem:
    """libyaml's node tree, or the problem to report.

    When libyaml refuses a text the strict parser accepts (valid YAML 1.2), in
    this order: a registry rule it breaks (more than one document, an anchor
    name used twice, an empty key) is refused with that rule's message; tabs
    YAML allows as separation are read as spaces and leading directives as
    comments (same length: positions stay), and libyaml tries again; then
    ruamel's parser (`ssmd.yamlfallback`). Any such reading is proven equal to
    the strict parser's, the first proven one is used. Returns (the original
    libyaml error if the text needed a second reading, the readings to try).
    """
    translated = text.translate(_YAML_ONLY_BREAKS)
    try:
        return None, iter([(_compose_text(translated), None)])
    except yaml.MarkedYAMLError as error:
        if "nesting depth" in str(error.problem):
            return SyntaxProblem(YAML_SYNTAX, _TOO_DEEP, Span.point(0))
        if conformance_error(text) is not None:
            return syntax_problem(error, text, lines)
        first = error  # valid YAML 1.2 that libyaml cannot read
    except yaml.YAMLError as error:
        return other_problem(error, text, lines)
    except RecursionError:
        return SyntaxProblem(YAML_SYNTAX, _TOO_DEEP, Span.point(0))
    if _more_than_one_document(first):
        return syntax_problem(first, text, lines)
    if "duplicate anchor" in str(first.context):
        span = lines.clamp_span(error_span(first, text))
        return SyntaxProblem(YAML_SYNTAX, duplicate_anchor_message(first, text), span)
    return _second_reading(text, translated, first, lines)


def _second_reading(
    text: str, translated: str, first: yaml.MarkedYAMLError, lines: LineIndex
) -> _Readings | SyntaxProblem:
    try:
        strict = strict_data(text)
    except (ValueError, TypeError, OverflowError, RecursionError):
        strict = _UNKNOWN
    if strict is None and no_document(translated):
        return first, iter([(None, None)])  # only comments and `...`: like an empty file
    key_problem = None
    if strict is not _UNKNOWN:
        message = bad_key(strict)
        if message is not None:
            key_problem = SyntaxProblem(YAML_SYNTAX, message, empty_key_span(text, first, lines))
    return first, _readings(text, translated, first, key_problem)


def _readings(
    text: str, translated: str, first: yaml.MarkedYAMLError, key_problem: SyntaxProblem | None
) -> Iterator[_Reading | SyntaxProblem]:
    """Second readings to try in order; a key the registry refuses ends the list (a reading
    that locates it exactly comes first, `_read`)."""
    lines = LineIndex(text)
    directives_hidden = hide_directives(translated)
    spaced = normalise_tabs(directives_hidden)
    if spaced != translated:
        try:
            yield _compose_text(spaced), None
        except yaml.MarkedYAMLError as again:
            if _more_than_one_document(again):
                yield syntax_problem(again, text, lines)
                return
        except (yaml.YAMLError, RecursionError):
            pass
    for candidate in dict.fromkeys((directives_hidden, spaced)):
        try:
            composed = compose_with_ruamel(candidate)
        except SecondDocument as second:
            yield SyntaxProblem(YAML_SYNTAX, SECOND_DOCUMENT_MESSAGE, lines.clamp_span(second.span))
            return
        if composed is not None and composed[0] is not None:
            yield composed
    if key_problem is not None:
        yield key_problem


_UNKNOWN = object()
_KEY_RULES = frozenset((EMPTY_KEY_MESSAGE, COLLECTION_KEY_MESSAGE))
"""A second reading that locates a refused key exactly is used for that refusal."""


_TOO_DEEP = "YAML nesting is too deep to be a registry file; flatten the document"


def _more_than_one_document(error: yaml.MarkedYAMLError) -> bool:
    """libyaml's words for a second document: the registry's own rule, with its own message."""
    detail = f"{error.context} {error.problem}"
    return "single document" in detail or "expected <document start>" in detail


def _compose_text(text: str) -> yaml.Node | None:
    return yaml.compose(text, Loader=_Loader12)


_SEPARATING_TABS = re.compile(r"(?:^|(?<=\r))[ \t]*(?:[-?:][ \t]+)*|[ \t]+(?=\r|$)", re.MULTILINE)
"""A line starts after `\n`, after a lone `\r` (re's `^` knows only `\n`) or at the start."""


def normalise_tabs(text: str) -> str:
    """Tabs in indentation-like places (blank lines, after `- `/`? `/`: `) -> spaces.

    Same length, same lines: every position stays. Used where libyaml (the
    reader) or ruamel (the writer) refuses tabs that YAML 1.2 allows; the
    caller proves the spaced text reads the same.
    """
    return _SEPARATING_TABS.sub(lambda m: m.group().replace("\t", " "), text)


def _same_reading(data: Any, text: str) -> bool:
    try:
        return bool(strict_data(text) == data)
    except (ValueError, TypeError, OverflowError, RecursionError):
        return False


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


def _span(node: yaml.Node) -> Span:
    return _to_span(_raw(node))


def _raw(node: yaml.Node) -> RawSpan:
    start, end = node.start_mark, node.end_mark
    return (start.line, start.column, end.line, end.column)


class _TooLarge(Exception):
    pass


class _Builder:
    """Nodes -> plain data and source-map entries, typed by YAML 1.2, tags and aliases checked."""

    def __init__(self, source_map: SourceMap, problems: list[SyntaxProblem], text: str) -> None:
        self.entries = source_map.entries
        self.anchors = source_map.anchors
        self.anchor_paths = source_map.anchor_paths
        self.key_anchors = source_map.key_anchors
        self.first_paths: dict[int, ModelPath] = {}
        self.problems = problems
        self.budget = MAX_NODES
        self.text = text
        self.merge_key: SyntaxProblem | None = None
        self.track_aliases = "*" in text
        self.seen: set[int] = set()
        self.alias_spans: list[RawSpan] | None = None
        self.alias_index = 0

    def build(self, node: yaml.Node, path: ModelPath, key: RawSpan | None, depth: int) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise _TooLarge(
                f"the document expands to more than {MAX_NODES} values (an alias bomb?); "
                "registry files never need that many"
            )
        if depth > MAX_DEPTH:
            raise _TooLarge(f"values are nested more than {MAX_DEPTH} levels deep; flatten them")
        if self.track_aliases:
            if id(node) in self.seen:
                return self._alias(node, path, key, depth)
            self.seen.add(id(node))
            self.first_paths[id(node)] = path
        start, end = node.start_mark, node.end_mark
        self.entries[path] = (key, (start.line, start.column, end.line, end.column))
        return self._value(node, path, depth)

    def _value(self, node: yaml.Node, path: ModelPath, depth: int) -> Any:
        node_type = type(node)
        tag = node.tag
        if node_type is yaml.ScalarNode:
            if tag == PLAIN:
                return core_value(node.value)
            if tag == STR or tag == "!":
                return node.value
            return self._tagged(node)
        if tag not in CORE_TAGS and tag != "!":
            self.problems.append(SyntaxProblem(YAML_SYNTAX, tag_problem(tag), _span(node)))
        if node_type is yaml.MappingNode:
            return self._mapping(typing.cast(yaml.MappingNode, node), path, depth)
        return [
            self.build(item, (*path, index), None, depth + 1)
            for index, item in enumerate(node.value)
        ]

    def _tagged(self, node: yaml.Node) -> Any:
        if node.tag not in CORE_SCALAR_TAGS:
            self.problems.append(SyntaxProblem(YAML_SYNTAX, tag_problem(node.tag), _span(node)))
            return node.value
        value, problem = tagged_value(node.tag, node.value)
        if problem is not None:
            self.problems.append(SyntaxProblem(YAML_SYNTAX, problem, _span(node)))
        return value

    def _alias(self, node: yaml.Node, path: ModelPath, key: RawSpan | None, depth: int) -> Any:
        """A node met again is an alias: positions under it are the alias's, the anchor kept."""
        here = self._alias_here(node)
        self.anchors[path] = _raw(node)
        origin = self.first_paths.get(id(node))
        if origin is not None:
            self.anchor_paths[path] = origin
        self.entries[path] = (key, here)
        first = len(self.entries)
        tracking, self.track_aliases = self.track_aliases, False  # nested repeats are not aliases
        try:
            value = self._value(node, path, depth)
        finally:
            self.track_aliases = tracking
        for inner in list(self.entries)[first:]:  # every value under the alias points at it
            self.entries[inner] = (None, here)
        return value

    def _alias_here(self, node: yaml.Node) -> RawSpan:
        """Where the next `*alias` is written (aliases are met in document order)."""
        if self.alias_spans is None:
            self.alias_spans = _alias_spans(self.text)
        spans = self.alias_spans
        here = spans[self.alias_index] if self.alias_index < len(spans) else _raw(node)
        self.alias_index += 1
        return here

    def _mapping(self, node: yaml.MappingNode, path: ModelPath, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, RawSpan] = {}
        for key_node, value_node in node.value:
            key_span = _raw(key_node)
            anchor: RawSpan | None = None
            if self.track_aliases and id(key_node) in self.seen:
                anchor, key_span = key_span, self._alias_here(key_node)  # `*a : x`: at the alias
            elif self.track_aliases:
                self.seen.add(id(key_node))
            if not isinstance(key_node, yaml.ScalarNode):
                message = COLLECTION_KEY_MESSAGE
                self.problems.append(SyntaxProblem(YAML_SYNTAX, message, _to_span(key_span)))
                continue
            key = str(key_node.value)
            if key == "" and key_node.tag == PLAIN:
                span = self._at_colon(_to_span(key_span))
                self.problems.append(SyntaxProblem(YAML_SYNTAX, EMPTY_KEY_MESSAGE, span))
                continue
            if key == "<<" and key_node.tag == PLAIN:
                if self.merge_key is None:
                    self.merge_key = SyntaxProblem(YAML_SYNTAX, _MERGE_MESSAGE, _to_span(key_span))
                continue
            if key in first_seen:
                line = first_seen[key][0] + 1
                message = (
                    f"duplicate key '{key}' (first defined on line {line}); remove one of them"
                )
                first = _to_span(first_seen[key])
                self.problems.append(
                    SyntaxProblem(DUPLICATE_KEY, message, _to_span(key_span), related=first)
                )
                continue
            first_seen[key] = key_span
            if anchor is not None:
                self.key_anchors[(*path, key)] = anchor
            result[key] = self.build(value_node, (*path, key), key_span, depth + 1)
        return result

    def _at_colon(self, span: Span) -> Span:
        """An empty key is shown at its `:` (or its `?` when it has none): ruamel marks a flow
        one just after it, libyaml an explicit `? ` one where the key would be."""
        lines = LineIndex(self.text)
        offset = lines.offset(span.start.line) + span.start.character
        if self.text[offset : offset + 1] != ":" and self.text[offset - 1 : offset] == ":":
            offset -= 1
        else:
            after = len(self.text) - len(self.text[offset:].lstrip(" \t\r\n"))
            before = len(self.text[:offset].rstrip(" \t")) - 1
            if self.text[after : after + 1] == ":":
                offset = after
            elif before >= 0 and self.text[before] == "?":
                offset = before  # `?` with no key and no value
        line = lines.line_of(offset)
        return Span.point(line, offset - lines.offset(line))


_MERGE_MESSAGE = (
    "merge keys ('<<') are not supported: registry files spell every key out, so a reader "
    "and a reviewer see the same thing; copy the keys of the anchored mapping here"
)


def _alias_spans(text: str) -> list[RawSpan]:
    """Where each `*alias` is written, in document order (libyaml's tokens, only when needed)."""
    spans: list[RawSpan] = []
    try:
        for token in yaml.scan(text.translate(_YAML_ONLY_BREAKS), Loader=_Loader):
            if isinstance(token, yaml.AliasToken):
                start, end = token.start_mark, token.end_mark
                spans.append((start.line, start.column, end.line, end.column))
    except yaml.YAMLError:
        pass
    return spans


def scalar_value(node: yaml.Node) -> Any:
    """The Python value of a scalar node by the YAML 1.2 core schema (plain text if tagged)."""
    if node.tag == PLAIN:
        return core_value(node.value)
    if node.tag in CORE_SCALAR_TAGS:
        return tagged_value(node.tag, node.value)[0]
    return node.value
