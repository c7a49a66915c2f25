"""Second readings for valid YAML that libyaml (the reader's position source) refuses.

Only used when libyaml refuses a text that yaml-rs (the judge of validity)
accepts; every reading made here is proven equal to yaml-rs's data by the
caller before it is used, so a fallback can refuse but never misread.

Why these and not a second parser everywhere (figures in docs/design.md,
"Reading what libyaml refuses"): no conformant parser on PyPI gives node
positions through its Python API that we can trust. yaml-rs has no events or
marks; rapidyaml's wrapper has no node locations; libfyaml 1.0.0b2 has markers
but resolves an alias of a nested collection to the wrong node and its event
API drops a reference to None per event (Python 3.11 aborts with
"none_dealloc"). ruamel's pure parser, already a dependency for the write
side, gives events with exact character marks and reads a different set of
texts than libyaml: its events are composed here into the same node tree the
reader builds from libyaml.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from ssmd.span import LineIndex, Span
from ssmd.yamlcore import MAP, PLAIN, SEQ, STR
from ssmd.yamlerrors import COLLECTION_KEY_MESSAGE, EMPTY_KEY_MESSAGE

RawSpan = tuple[int, int, int, int]

_LEADING_DIRECTIVES = re.compile(r"\A(?:(?:%[^\n]*|[ \t]*(?:#[^\n]*)?)\n)+(?=---)")
"""`%YAML`/`%TAG`/unknown directives before the first `---` (libyaml refuses `%YAML 1.3`
and unknown names; YAML 1.2 ignores them with a warning)."""


def hide_directives(text: str) -> str:
    """Leading directive lines -> comments of the same length (`%` -> `#`): positions stay.

    A `%TAG` directive changes what tags mean, so it is left alone (libyaml reads it).
    """
    match = _LEADING_DIRECTIVES.match(text)
    if match is None:
        return text
    head = re.sub(r"(?:^|(?<=\r))%(?!TAG\b)", "#", match.group(), flags=re.MULTILINE)
    return head + text[match.end() :]


_ONLY_ENDS = re.compile(r"\A(?:[ \t]*(?:#[^\n]*)?\n|\.\.\.[ \t]*(?:#[^\n]*)?(?:\n|\Z))*\Z")


def no_document(text: str) -> bool:
    """A stream of only comments, blank lines and `...` markers: no document, like an empty file."""
    return _ONLY_ENDS.match(text) is not None


def bad_key(data: Any, depth: int = 0) -> str | None:
    """The registry-rule message for a key the strict parser's data shows is not a name.

    Valid YAML reads `: x` as a null key and `? [a]` as a collection key; libyaml
    cannot read some of these, so the rule is checked on yaml-rs's data.
    """
    if depth > 64:
        return None
    if isinstance(data, dict):
        for key, value in data.items():
            if key is None:
                return EMPTY_KEY_MESSAGE
            if isinstance(key, (tuple, frozenset)):
                return COLLECTION_KEY_MESSAGE
            found = bad_key(value, depth + 1)
            if found is not None:
                return found
    elif isinstance(data, list):
        for item in data:
            found = bad_key(item, depth + 1)
            if found is not None:
                return found
    return None


_EMPTY_KEY = re.compile(
    r"(?:^|(?<=\r))[ \t]*(?:[-?][ \t]+)*(:)(?=[ \t\r]|$)|[{,\[][ \t]*(:)(?=[ \t,}\]\r]|$)",
    re.M,
)
"""A `:` with no key before it: at the start of a line (after `- `/`? `) or after `{`, `[`, `,`."""


def empty_key_span(text: str, error: Any, lines: LineIndex) -> Span:
    """Where the empty key's `:` is written (libyaml's mark when no such `:` is found)."""
    found = _EMPTY_KEY.search(text)
    if found is not None:
        offset = found.start(1) if found.group(1) else found.start(2)
        line = lines.line_of(offset)
        return Span.point(line, offset - lines.offset(line))
    mark = error.problem_mark or error.context_mark
    return lines.clamp_span(Span.point(mark.line, mark.column) if mark else Span.point(0))


class SecondDocument(Exception):
    """The text holds more than one document: the registry's own rule (one per file)."""

    def __init__(self, line: int, column: int) -> None:
        super().__init__(line, column)
        self.span = Span.point(line, column)


def _mark(line: int, column: int) -> yaml.Mark:
    """The part of a mark the reader uses: 0-based line and character column."""
    return yaml.Mark("<text>", 0, line, column, None, 0)


MAX_FALLBACK_CHARS = 256 * 1024
"""ruamel's pure parser costs ~2 ms per KB, and more on deep nesting: a text this
large that libyaml cannot read is refused rather than stall an editor."""
_DEEP_LINE = re.compile(r"(?:^|(?<=\r))[ \t?:-]{200}", re.MULTILINE)
"""A line starting with 200 columns of indentation or indicators is nested deeper than
any registry file (the reader refuses 64 levels anyway); ruamel slows down quadratically there."""


def compose_with_ruamel(text: str) -> tuple[yaml.Node | None, list[RawSpan]] | None:
    """ruamel's events -> the reader's node tree (PyYAML node classes, plain scalars untyped).

    Returns (root node or None, where each `*alias` is written), or None when
    ruamel cannot read the text either; raises SecondDocument for a second document.
    """
    if len(text) > MAX_FALLBACK_CHARS or _DEEP_LINE.search(text):
        return None
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        events = list(YAML(typ="rt", pure=True).parse(text))
    except (YAMLError, ValueError, TypeError, RecursionError):
        return None
    composer = _Composer()
    try:
        root = composer.compose(events)
    except (_NotOneDocument, KeyError, IndexError, RecursionError):
        return None
    return root, composer.alias_spans


class _NotOneDocument(Exception):
    pass


class _Composer:
    def __init__(self) -> None:
        self.anchors: dict[str, yaml.Node] = {}
        self.alias_spans: list[RawSpan] = []

    def compose(self, events: list[Any]) -> yaml.Node | None:
        starts = [e for e in events if type(e).__name__ == "DocumentStartEvent"]
        if len(starts) > 1:
            raise SecondDocument(starts[1].start_mark.line, starts[1].start_mark.column)
        body = [e for e in events if type(e).__name__ not in _FRAME]
        if not body:
            return None
        self.events = body
        self.position = 0
        node = self._node()
        if self.position != len(body):
            raise _NotOneDocument
        return node

    def _next(self) -> Any:
        event = self.events[self.position]
        self.position += 1
        return event

    def _node(self) -> yaml.Node:
        event = self._next()
        kind = type(event).__name__
        start = _mark(event.start_mark.line, event.start_mark.column)
        if kind == "AliasEvent":
            end = event.end_mark
            self.alias_spans.append((start.line, start.column, end.line, end.column))
            return self.anchors[event.anchor]
        tag = None if event.tag is None else str(event.tag)
        node: yaml.Node
        if kind == "ScalarEvent":
            if tag is None:
                tag = PLAIN if event.implicit[0] else STR
            end = _mark(event.end_mark.line, event.end_mark.column)
            node = yaml.ScalarNode(tag, event.value, start, end, style=event.style)
            self._anchor(event, node)
            return node
        if kind == "SequenceStartEvent":
            node = yaml.SequenceNode(tag or SEQ, [], start, None)
            self._anchor(event, node)
            while type(self.events[self.position]).__name__ != "SequenceEndEvent":
                node.value.append(self._node())
        else:
            node = yaml.MappingNode(tag or MAP, [], start, None)
            self._anchor(event, node)
            while type(self.events[self.position]).__name__ != "MappingEndEvent":
                key = self._node()
                node.value.append((key, self._node()))
        closing = self._next()
        node.end_mark = _mark(closing.end_mark.line, closing.end_mark.column)
        return node

    def _anchor(self, event: Any, node: yaml.Node) -> None:
        if event.anchor is not None:
            self.anchors[event.anchor] = node


_FRAME = frozenset(("StreamStartEvent", "StreamEndEvent", "DocumentStartEvent", "DocumentEndEvent"))
