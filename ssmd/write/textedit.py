"""Editing a registry YAML file as text: each change is one splice at the reader's positions.

Why text and not a round-trip library: the reader (`ssmd.yamlsource`) already
knows where every key and value is written. An edit (set a scalar, add a key,
insert a version, replace a block) is then one splice of the original text,
and every byte outside it, comments and odd layouts included, stays as it
was. The inserted fragment is written in the style around it: block or flow,
the indentation of its siblings, the file's line ending, and the quoting
rules of YAML 1.2 and 1.1 (`as_string`'s rule). After every splice the result
is read again by the same reader and must mean exactly the intended data;
otherwise the edit is refused in a sentence, and no wrong file is written.

Only the reader's public surface is used (`parse_yaml`, `SourceMap.get`,
spans); what it does not say (a node's style, where a sequence item's dash
is, a mapping's indentation) is read from the text at those spans here.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from typing import Any

from ssmd.span import LineIndex, Position
from ssmd.yamlemit import (
    DEFAULT_LAYOUT,
    SYNTAX_CODES,
    Layout,
    block_lines,
    entry_lines,
    inline,
    is_block,
    item_lines,
    new_text,
    plain,
    render_key,
)
from ssmd.yamlsource import ModelPath, ParsedYaml, parse_yaml


class NotEditable(Exception):
    """The file cannot be edited safely (not YAML the reader accepts, or not a mapping)."""


_ANCHOR = re.compile(r"(?<![^\s\[{,])&([^\s,\[\]{}]+)")
"""An anchor (`&name`) where a node's properties may stand."""


def reader_refusal(parsed: ParsedYaml) -> str | None:
    """The reader's syntax verdict as `line L:C: CODE message`, None when it reads."""
    for problem in parsed.problems:
        if problem.code in SYNTAX_CODES:
            line, column = problem.span.one_based()
            return f"line {line}:{column}: {problem.code} {problem.message}"
    return None


class TextDocument:
    """An editable registry file: read `data`, change it through the methods, then `text()`."""

    def __init__(self, text: str, where: str, parsed: ParsedYaml, bom: str = "") -> None:
        self.where = where
        self._bom = bom
        """A leading byte order mark, kept aside: the reader's columns on line 1 skip it."""
        self._text = text
        self._parsed = parsed
        self._lines = LineIndex(text)
        self._layout: Layout | None = None
        self.newline = _newline_of(text)

    @classmethod
    def parse(cls, text: str, where: str) -> TextDocument:
        """Accept exactly what the reader accepts, refusing the rest with the reader's message."""
        bom = "\ufeff" if text.startswith("\ufeff") else ""
        text = text.removeprefix(bom)
        parsed = parse_yaml(text)
        refusal = reader_refusal(parsed)
        if refusal is not None:
            raise NotEditable(
                f"{where} is not valid YAML ({refusal}); fix it first (`ssmd validate` shows it)"
            )
        if not isinstance(parsed.data, dict):
            raise NotEditable(f"{where} is not a mapping of keys to values; fix it first")
        return cls(text, where, parsed, bom)

    @classmethod
    def new(cls, data: Mapping[str, Any], where: str = "the new file") -> TextDocument:
        """A fresh document in the registry's default layout, proven to read back as `data`."""
        text = new_text(data)
        if text is None:
            raise NotEditable(f"{where} could not be written so that it reads back as given")
        return cls(text, where, parse_yaml(text))

    @property
    def data(self) -> Any:
        """The file's data as the reader reads it (YAML 1.2 core types, dates as text)."""
        return self._parsed.data

    def text(self) -> str:
        return self._bom + self._text

    # -- the edits -------------------------------------------------------------------------

    def set_value(self, path: ModelPath, key: str, value: Any, order: Sequence[str]) -> None:
        """Set `key` of the mapping at `path`: an existing key keeps its place, quoting and
        comment; a new one goes where `order` (the model's field order) puts it."""
        mapping = self._at(path)
        if not isinstance(mapping, dict):
            raise self._refusal(f"'{_shown(path)}' is not a mapping")
        if key in mapping:
            new, old = plain(value), mapping[key]
            if new != old or type(new) is not type(old):
                self._replace((*path, key), value)
            return
        self._insert_key(path, key_position(list(mapping), key, order), key, value)

    def insert_item(
        self, path: ModelPath, index: int, item: Any, like: ModelPath | None = None
    ) -> None:
        """Insert `item` into the sequence at `path` before position `index`.

        A mapping item takes the quoting and flow style of the item at `like` for the keys
        they share (a new version written like the one it was copied from).
        """
        sequence = self._at(path)
        if not isinstance(sequence, list):
            raise self._refusal(f"'{_shown(path)}' is not a list")
        intended = copy.deepcopy(self.data)
        _at_path(intended, path).insert(index, plain(item))
        hints = self._hints(like) if like is not None else {}
        start = self._content_start(path)
        if self._text.startswith("[", start):
            if not sequence and self._in_block_mapping(path):
                self._replace(path, [item])
                return
            fragment = inline(item, flow=True)
            self._splice_flow(path, start, index, len(sequence), fragment, intended)
            return
        start = self._block_start(path)
        column = self._column(start)
        gap = self._gap(path)
        lines = item_lines(item, column, gap, self.layout(), hints)
        at, fragment = self._place(start, (*path, index - 1) if index else None, lines)
        self._splice(at, at, fragment, intended, f"a new item of '{_shown(path)}'")

    # -- the splices -----------------------------------------------------------------------

    def _insert_key(self, path: ModelPath, index: int, key: str, value: Any) -> None:
        mapping = self._at(path)
        intended = copy.deepcopy(self.data)
        target = _at_path(intended, path)
        items = list(target.items())
        items.insert(index, (key, plain(value)))
        target.clear()
        target.update(items)
        start = self._content_start(path)
        what = f"the key '{key}' in '{_shown(path)}'"
        if self._text.startswith("{", start):
            if not mapping and self._in_block_mapping(path):
                self._replace(path, {key: value})
                return
            fragment = f"{render_key(key)}: {inline(value, flow=True)}"
            self._splice_flow(path, start, index, len(mapping), fragment, intended)
            return
        if self._in_flow(path):  # a single pair in a flow list, `[a: b]`: braces make room
            (only,) = _children(path, mapping)
            begin, end = self._child_start(only), self._end(only)
            pair = self._text[begin:end]
            entry = f"{render_key(key)}: {inline(value, flow=True)}"
            fragment = "{" + (f"{entry}, {pair}" if index == 0 else f"{pair}, {entry}") + "}"
            self._splice(begin, end, fragment, intended, what)
            return
        start = self._block_start(path)
        column = self._column(start)
        lines = entry_lines(key, value, column, self.layout())
        previous = (*path, list(mapping)[index - 1]) if index else None
        at, fragment = self._place(start, previous, lines)
        self._splice(at, at, fragment, intended, what)

    def _place(self, first: int, previous: ModelPath | None, lines: list[str]) -> tuple[int, str]:
        """Where new block lines go and the fragment to put there: after the `previous` entry's
        last line, or (no previous) at `first`, the first entry's start, pushing it down."""
        if previous is not None:
            return self._after(self._end(previous), lines)
        column = self._column(first)
        fragment = self.newline.join([lines[0][column:], *lines[1:]]) + self.newline
        return first, fragment + " " * column

    def _splice_flow(
        self, path: ModelPath, start: int, index: int, count: int, fragment: str, intended: Any
    ) -> None:
        children = _children(path, self._at(path))
        what = f"a new entry of '{_shown(path)}'"
        if count == 0:
            self._splice(start + 1, start + 1, fragment, intended, what)
        elif index == 0:
            at = self._child_start(children[0])
            self._splice(at, at, fragment + ", ", intended, what)
        else:
            at = self._end(children[index - 1])
            self._splice(at, at, ", " + fragment, intended, what)

    def _replace(self, path: ModelPath, value: Any) -> None:
        """The value at `path` (a mapping entry) written anew, in the style of the old one."""
        intended = copy.deepcopy(self.data)
        _at_path(intended, path[:-1])[path[-1]] = plain(value)
        located = self._parsed.source_map.get(path)
        if located is None or located.key is None:
            raise self._refusal(f"'{_shown(path)}' has no place in the text to edit")
        what = f"the value of '{_shown(path)}'"
        start = self._offset(located.value.start)
        content = self._content_start(path)
        self._refuse_used_anchors(path, start, self._end(path))
        old = self._at(path)
        block_old = (
            isinstance(old, dict | list)
            and bool(old)
            and self._char(content) not in ("[", "{", "*")
        )
        block_new = is_block(value) and self._in_block_mapping(path)
        key_end = self._offset(located.key.end)
        colon = self._text.find(":", key_end, max(start, key_end) + 1)
        if colon < 0 and old is None:  # `? key` alone: the value gets its own `:` line
            column = self._column(self._block_start(path[:-1]))  # every entry's column
            lines = [" " * column + ": " + inline(value, flow=False)]
            if block_new:
                lines = [
                    " " * column + ":",
                    *block_lines(value, column + 2, self.layout()),
                ]
            at, fragment = self._after(self._end(path), lines)
            self._splice(at, at, fragment, intended, what)
            return
        if not block_old and not block_new:
            end = self._keep_line_break(start, self._offset(located.value.end))
            fragment = inline(value, flow=self._in_flow(path), quote=self._char(content))
            if start == end and self._text[start - 1 : start] not in (" ", "\t"):
                fragment = " " + fragment
            if start == end and self._char(end) not in ("", " ", "\t", "\r", "\n"):
                fragment += " "
            self._splice(start, end, fragment, intended, what)
            return
        if colon < 0:
            raise self._refusal(f"the ':' after '{path[-1]}' was not found")
        end = self._keep_line_break(start, self._end(path))
        if block_old:  # a comment on the old block's last line goes with it
            end = self._keep_line_break(start, self._lines.offset(self._lines.line_of(end) + 1))
        if not block_new:
            fragment = " " + inline(value, flow=False)
        else:
            key_column = self._column(self._offset(located.key.start))
            layout = self.layout()
            step = layout.mapping if isinstance(value, Mapping) else layout.offset
            lines = block_lines(value, key_column + step, layout)
            fragment = self.newline + self.newline.join(lines)
        self._splice(colon + 1, end, fragment, intended, what)

    def _refuse_used_anchors(self, path: ModelPath, start: int, end: int) -> None:
        """An anchor in text[start:end] that an alias outside it uses: changing that text
        would change (or break) the aliased values too, so refuse in a sentence."""
        text = self._text
        for anchor in _ANCHOR.finditer(text, start, end):
            alias = re.compile(rf"\*{re.escape(anchor[1])}(?![^\s,\]}}])")
            if alias.search(text, 0, start) or alias.search(text, end):
                raise self._refusal(
                    f"the value of '{_shown(path)}' holds the anchor &{anchor[1]}, which is used "
                    f"elsewhere as *{anchor[1]}, so changing it would change those values too"
                )

    def _splice(self, start: int, end: int, fragment: str, intended: Any, what: str) -> None:
        """Replace text[start:end] by `fragment`, then prove the reader reads `intended`."""
        text = self._text[:start] + fragment + self._text[end:]
        parsed = parse_yaml(text)
        if reader_refusal(parsed) is not None or parsed.data != intended:
            raise self._refusal(
                f"writing {what} into the text would not read back as intended "
                "(the layout around it is unusual)"
            )
        self._text, self._parsed, self._lines = text, parsed, LineIndex(text)

    def _refusal(self, why: str) -> NotEditable:
        return NotEditable(
            f"{self.where} was left untouched: {why}; edit it by hand, then run the command again"
        )

    # -- reading the text at the reader's spans -------------------------------------------

    def _at(self, path: ModelPath) -> Any:
        return _at_path(self.data, path)

    def _char(self, offset: int) -> str:
        """The character at `offset` ("" past the end)."""
        return self._text[offset : offset + 1]

    def _offset(self, position: Position) -> int:
        return self._lines.offset(position.line) + position.character

    def _column(self, offset: int) -> int:
        return offset - self._lines.offset(self._lines.line_of(offset))

    def _child_start(self, path: ModelPath) -> int:
        located = self._parsed.source_map.get(path)
        assert located is not None
        return self._offset((located.key or located.value).start)

    def _block_start(self, path: ModelPath) -> int:
        """Where a block collection's first entry begins: its first key (or the `?` of an
        explicit key), or its first item's dash. Its column is the collection's indentation."""
        children = _children(path, self._at(path))
        located = self._parsed.source_map.get(children[0]) if children else None
        if located is None:
            raise self._refusal(f"'{_shown(path)}' has no place in the text to edit")
        text = self._text
        begin = self._offset((located.key or located.value).start)
        if located.key is not None:
            before = text[self._lines.offset(self._lines.line_of(begin)) : begin].rstrip(" \t")
            line_start = self._lines.offset(self._lines.line_of(begin))
            return line_start + len(before) - 1 if before.endswith("?") else begin
        dash = begin
        while dash > 0 and text[dash - 1] in " \t\r\n":
            dash -= 1
        if dash == 0 or text[dash - 1] != "-":
            raise self._refusal(f"the dash of the first item of '{_shown(path)}' was not found")
        return dash - 1

    def _content_start(self, path: ModelPath) -> int:
        """Where the node at `path` itself starts, past its anchor or tag (`&a`, `!!map`)."""
        located = self._parsed.source_map.get(path)
        if located is None:
            raise self._refusal(f"'{_shown(path)}' has no place in the text to edit")
        offset = self._offset(located.value.start)
        text = self._text
        while offset < len(text) and text[offset] in "&!":
            while offset < len(text) and not text[offset].isspace():
                offset += 1
            while offset < len(text) and text[offset].isspace():
                offset += 1
        return offset

    def _end(self, path: ModelPath) -> int:
        """Where the node at `path` ends: a block collection at the end of its last value."""
        located = self._parsed.source_map.get(path)
        if located is None:
            raise self._refusal(f"'{_shown(path)}' has no place in the text to edit")
        value = self._at(path)
        if (
            isinstance(value, dict | list)
            and value
            and self._char(self._content_start(path)) not in ("[", "{", "*")
        ):
            return max(self._end(child) for child in _children(path, value))
        end = self._offset(located.value.end)
        if located.key is not None:
            end = max(end, self._offset(located.key.end))
        return end

    def _keep_line_break(self, start: int, end: int) -> int:
        """A block scalar's span ends after its line break(s): keep the last one in place."""
        text = self._text
        while end > start and text[end - 1] in "\r\n":
            end -= 1
        return end

    def _after(self, end: int, lines: list[str]) -> tuple[int, str]:
        """Where whole lines go after a node ending at `end`, and the fragment to put there."""
        text, newline = self._text, self.newline
        if end > 0 and text[end - 1] in "\r\n":
            return end, "".join(line + newline for line in lines)
        line = self._lines.line_of(end)
        next_start = self._lines.offset(line + 1)
        if line + 1 >= self._lines.count:  # the last line, without a final line break
            return len(text), "".join(newline + line for line in lines)
        return next_start, "".join(line + newline for line in lines)

    def _gap(self, path: ModelPath) -> int:
        """Spaces after the dash in the sequence at `path` (its first item's)."""
        children = _children(path, self._at(path))
        if not children:
            return self.layout().gap
        located = self._parsed.source_map.get(children[0])
        assert located is not None
        item = self._offset(located.value.start)
        dash = self._block_start(path)
        if self._lines.line_of(item) != self._lines.line_of(dash):
            return self.layout().gap
        return max(item - dash - 1, 1)

    def _in_flow(self, path: ModelPath) -> bool:
        """True when the node at `path` sits inside a flow collection."""
        return any(
            self._char(self._content_start(path[:depth])) in ("[", "{")
            for depth in range(len(path))
        )

    def _in_block_mapping(self, path: ModelPath) -> bool:
        return bool(path) and isinstance(path[-1], str) and not self._in_flow(path)

    def _hints(self, path: ModelPath) -> dict[str, tuple[Any, str]]:
        """Each value of the mapping at `path` with its text when written on one line.

        A new item copied from this one writes an unchanged value the same way (a date stays
        a plain date) and a changed one in the same quoting or flow style.
        """
        value = self._at(path)
        if not isinstance(value, dict):
            return {}
        hints = {}
        for key, item in value.items():
            located = self._parsed.source_map.get((*path, key))
            if located is None:
                continue
            start = self._content_start((*path, key))
            end = self._offset(located.value.end)
            raw = self._text[start:end]
            single_line = self._lines.line_of(start) == self._lines.line_of(end)
            block = isinstance(item, dict | list) and raw[:1] not in ("[", "{")
            if not raw or not single_line or raw[0] in "&*|>" or block:
                raw = raw[:1] if raw[:1] in ("'", '"') else ""
            hints[key] = (item, raw)
        return hints

    def layout(self) -> Layout:
        """The file's indentation steps, read from its first nested mapping and sequence."""
        if self._layout is None:
            self._layout = self._read_layout()
        return self._layout

    def _read_layout(self) -> Layout:
        mapping = offset = gap = None
        source_map = self._parsed.source_map
        for path in source_map.paths():
            if not path or not isinstance(path[-1], str):
                continue
            value = self._at(path)
            if not isinstance(value, dict | list) or not value or self._in_flow(path):
                continue
            located = source_map.get(path)
            if located is None or located.key is None:
                continue
            content = self._content_start(path)
            if self._char(content) in ("[", "{", "*"):
                continue
            key_column = located.key.start.character
            if self._lines.line_of(content) == located.key.start.line:
                continue
            step = self._column(self._block_start(path)) - key_column
            if isinstance(value, dict) and mapping is None and step > 0:
                mapping = step
            elif isinstance(value, list) and offset is None and step >= 0:
                offset, gap = step, self._gap(path)
            if mapping is not None and offset is not None:
                break
        return Layout(
            mapping or DEFAULT_LAYOUT.mapping,
            DEFAULT_LAYOUT.offset if offset is None else offset,
            gap or DEFAULT_LAYOUT.gap,
        )


# -- rendering -----------------------------------------------------------------------------


def _newline_of(text: str) -> str:
    for index, char in enumerate(text):
        if char == "\n":
            return "\n"
        if char == "\r":
            return "\r\n" if text.startswith("\n", index + 1) else "\r"
    return "\n"


# -- data ----------------------------------------------------------------------------------


def key_position(keys: Sequence[str], key: str, order: Sequence[str]) -> int:
    """Where a new `key` goes among `keys`: before the first that `order` puts after it."""
    wanted = order.index(key) if key in order else len(order)
    for index, existing in enumerate(keys):
        if existing in order and order.index(existing) > wanted:
            return index
    return len(keys)


def with_key(
    mapping: Mapping[str, Any], key: str, value: Any, order: Sequence[str]
) -> dict[str, Any]:
    """A copy of `mapping` with `key` set: in place when present, else where `order` puts it."""
    if key in mapping:
        return {k: (value if k == key else v) for k, v in mapping.items()}
    items = list(mapping.items())
    items.insert(key_position(list(mapping), key, order), (key, value))
    return dict(items)


def _at_path(data: Any, path: ModelPath) -> Any:
    for part in path:
        data = data[part]
    return data


def _children(path: ModelPath, value: Any) -> list[ModelPath]:
    if isinstance(value, dict):
        return [(*path, key) for key in value]
    return [(*path, index) for index in range(len(value))]


def _shown(path: ModelPath) -> str:
    return ".".join(str(part) for part in path) or "the document"
