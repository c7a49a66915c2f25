"""Where the comments of a YAML text are, by line, for a formatter that moves lines.

PyYAML's nodes carry no comments, so they are found in the text: a `#` at
the start of a line or after a blank, outside every scalar's span (a `#`
inside a quoted value or a block text is content). A run of comment lines
(and one blank line) belongs to the line below it; a trailing comment to its
own line; comments before the first content line describe the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml


@dataclass(slots=True)
class Comments:
    """Comments by line: full-line ones grouped above the line they precede, trailing ones."""

    above: dict[int, list[str]] = field(default_factory=dict)
    """line -> the comments and blank lines ("") directly above it."""
    trailing: dict[int, tuple[str, str]] = field(default_factory=dict)
    """line -> (the blanks before `#`, the comment)."""
    at_end: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    """Comments before the first key: they describe the file and stay on top."""
    used_above: set[int] = field(default_factory=set)
    used_trailing: set[int] = field(default_factory=set)


_Spans = list[tuple[int, int, int, int, bool]]
"""(line, column, end line, end column, is a block scalar) of every scalar."""


def _scalar_spans(node: yaml.Node, spans: _Spans) -> None:
    if isinstance(node, yaml.ScalarNode):
        start, end = node.start_mark, node.end_mark
        spans.append((start.line, start.column, end.line, end.column, node.style in ("|", ">")))
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _scalar_spans(item, spans)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            _scalar_spans(key, spans)
            _scalar_spans(value, spans)


def find_comments(lines: list[str], root: yaml.Node) -> Comments:
    spans: _Spans = []
    _scalar_spans(root, spans)
    inside: set[int] = set()  # lines within a multi-line scalar: `#` there is content
    on_line: dict[int, list[tuple[int, int]]] = {}
    for first, column, end_line, end_column, block in spans:
        for number in range(first + 1, end_line + (1 if end_column > 0 else 0)):
            inside.add(number)
        if block:  # its first line holds only the indicator (`|`, `|-`): a comment may follow
            on_line.setdefault(first, []).append((column, column + 1))
            continue
        for number in range(first, end_line + 1):
            start = column if number == first else 0
            if number == end_line:
                end = end_column
            else:
                end = len(lines[number]) if number < len(lines) else 0
            on_line.setdefault(number, []).append((start, end))
    comments = Comments()
    pending: list[str] = []
    seen_content = False
    for number, line in enumerate(lines):
        stripped = line.strip()
        if number in inside:
            continue
        if not stripped:
            if (seen_content or pending) and (not pending or pending[-1] != ""):
                pending.append("")
            continue
        if stripped.startswith("#"):
            pending.append(stripped)
            continue
        if pending and not seen_content:
            comments.header = pending
        elif pending:
            comments.above[number] = pending
        pending = []
        seen_content = True
        position = _comment_start(line, on_line.get(number, []))
        if position is not None:
            content_end = len(line[:position].rstrip())
            comments.trailing[number] = (line[content_end:position], line[position:].rstrip())
    while pending and pending[-1] == "":
        pending.pop()
    comments.at_end = pending
    return comments


def _comment_start(line: str, scalars: list[tuple[int, int]]) -> int | None:
    for index, char in enumerate(line):
        if char != "#" or (index > 0 and line[index - 1] not in " \t"):
            continue
        if any(start <= index < end for start, end in scalars):
            continue
        return index
    return None
