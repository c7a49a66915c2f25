"""Round-trip editing of one registry YAML file: change entries, keep every other byte.

Why ruamel round-trip: it keeps comments, key order, quoting and blank lines
that a person wrote. It only reproduces a file byte for byte when its layout
settings (indentation of mappings, of sequences and of the dash) match the
file's, so the layout is detected from the text and then *proven*: the file
is loaded and dumped unchanged, and the editor is only used when that dump is
identical to the text. A file whose layout cannot be reproduced is refused
rather than reformatted (`LayoutNotPreserved`).
"""

from __future__ import annotations

import difflib
import io
import itertools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    ScalarString,
    SingleQuotedScalarString,
)
from ruamel.yaml.tokens import CommentToken

from ssmd.span import editor_lines
from ssmd.yamlcore import resolves_to_str
from ssmd.yamlsource import normalise_tabs, parse_yaml

WIDTH = 4096
"""Never fold a long line (ruamel folds at 80 by default, which would rewrite endpoints)."""


class LayoutNotPreserved(Exception):
    """The file's layout cannot be reproduced byte for byte, so it is not edited."""


@dataclass(frozen=True, slots=True)
class Layout:
    mapping: int = 2
    sequence: int = 4
    offset: int = 2
    explicit_start: bool = False

    def yaml(self) -> YAML:
        yaml = YAML()
        yaml.indent(mapping=self.mapping, sequence=self.sequence, offset=self.offset)
        yaml.preserve_quotes = True
        yaml.width = WIDTH
        yaml.explicit_start = self.explicit_start
        return yaml


DEFAULT_LAYOUT = Layout()
"""How new files are written: the sample registry's style (`  - key: value`)."""

_KEY_LINE = re.compile(r"^(?P<indent> *)[^\s#-][^#]*:\s*(#.*)?$")
_DASH_LINE = re.compile(r"^(?P<indent> *)-(?P<gap> +)\S")


def guess_layout(text: str) -> Layout:
    """Read the indentation a file uses from its first nested mapping and sequence."""
    lines = [
        line for line in editor_lines(text) if line.strip() and not line.lstrip().startswith("#")
    ]
    mapping = sequence = offset = None
    for above, below in itertools.pairwise(lines):
        key = _KEY_LINE.match(above)
        if key is None or not above.rstrip().split("#")[0].rstrip().endswith(":"):
            continue
        parent = len(key["indent"])
        dash = _DASH_LINE.match(below)
        if dash is not None:
            if offset is None and len(dash["indent"]) >= parent:
                offset = len(dash["indent"]) - parent
                sequence = offset + 1 + len(dash["gap"])
        else:
            child = len(below) - len(below.lstrip(" "))
            if mapping is None and child > parent:
                mapping = child - parent
    return Layout(
        mapping or DEFAULT_LAYOUT.mapping,
        sequence or DEFAULT_LAYOUT.sequence,
        DEFAULT_LAYOUT.offset if offset is None else offset,
        text.lstrip().startswith("---"),
    )


def _candidates(text: str) -> Iterator[Layout]:
    guessed = guess_layout(text)
    yield guessed
    for mapping in (2, 4, 3):
        for sequence, offset in ((4, 2), (2, 0), (3, 1), (4, 0), (6, 4), (6, 2)):
            yield Layout(mapping, sequence, offset, guessed.explicit_start)


class YamlDocument:
    """An editable registry file. `data` is ruamel's round-trip mapping; edit it, then `text()`."""

    def __init__(
        self,
        data: CommentedMap,
        layout: Layout,
        newline: str,
        final_newline: bool,
        tabbed: tuple[str, str] | None = None,
    ):
        self.data = data
        self.layout = layout
        self._newline = newline
        self._final_newline = final_newline
        self._tabbed = tabbed
        """(the text with its tabs, the same text with them as spaces) when ruamel needed that."""

    @classmethod
    def parse(cls, text: str, where: str) -> YamlDocument:
        """Load `text`, proving that an unchanged dump reproduces it exactly.

        The reader judges the text first, so a file `ssmd validate` refuses is
        refused here with the same message, and one it accepts is not refused
        for a reason validate never shows.
        """
        refusal = reader_refusal(text)
        if refusal is not None:
            raise LayoutNotPreserved(
                f"{where} is not valid YAML ({refusal}); fix it first (`ssmd validate` shows it)"
            )
        newline = "\r\n" if "\r\n" in text else "\n"
        body = text.replace("\r\n", "\n")
        final_newline = body.endswith("\n") or not body
        if not final_newline:
            body += "\n"
        data, tabbed = _load(body, where)
        if tabbed is not None:
            body = tabbed[1]
        if not isinstance(data, CommentedMap):
            raise LayoutNotPreserved(f"{where} is not a mapping of keys to values; fix it first")
        for layout in _candidates(body):
            try:
                if _dump(layout, data) == body:
                    return cls(data, layout, newline, final_newline, tabbed)
            except _RUAMEL_FAULTS:
                break  # ruamel cannot write this reading back: refuse below
        raise LayoutNotPreserved(
            f"{where} uses an indentation or quoting the editor cannot reproduce byte for byte, "
            "so it was left untouched; edit it by hand, or re-indent it with 2 spaces "
            "(sequences as '  - key: value') and run the command again"
        )

    @classmethod
    def new(cls, data: Mapping[str, Any]) -> YamlDocument:
        """A fresh document in the registry's default layout."""
        return cls(to_commented(data), DEFAULT_LAYOUT, "\n", True)

    def text(self) -> str:
        body = _dump(self.layout, self.data)
        if self._tabbed is not None:
            body = _restore_tabs(*self._tabbed, body)
        if not self._final_newline:
            body = body.removesuffix("\n")
        return body.replace("\n", self._newline) if self._newline != "\n" else body


def _load(body: str, where: str) -> tuple[Any, tuple[str, str] | None]:
    """ruamel's round-trip reading of `body`.

    ruamel refuses tabs YAML 1.2 allows (after `versions:`, after `-`, on a
    blank line) that the reader accepts: those are read as spaces when the
    reader proves the spaced text means the same, and put back by `text()`.
    """
    try:
        return _round_trip(body), None
    except _RUAMEL_FAULTS as error:
        first_line = (str(error).splitlines() or [type(error).__name__])[0]
        refusal = LayoutNotPreserved(
            f"{where} is valid YAML, but the editor cannot load it for a byte-preserving "
            f"edit ({first_line}); edit it by hand"
        )
    spaced = normalise_tabs(_TRAILING_TABS.sub("", body))
    if spaced == body or parse_yaml(spaced).data != parse_yaml(body).data:
        raise refusal
    try:
        return _round_trip(spaced), (body, spaced)
    except _RUAMEL_FAULTS:
        raise refusal from None


_TRAILING_TABS = re.compile(r"[ \t]*\t[ \t]*$", re.MULTILINE)
"""Trailing blanks holding a tab: dropped for ruamel (which writes none), restored by `text()`."""


def _round_trip(body: str) -> Any:
    return DEFAULT_LAYOUT.yaml().load(body)


def _restore_tabs(tabbed: str, spaced: str, new: str) -> str:
    """`new` (an edit of `spaced`) with every line the edit left alone as it was, tabs included."""
    old_lines, spaced_lines, new_lines = tabbed.split("\n"), spaced.split("\n"), new.split("\n")
    out: list[str] = []
    matcher = difflib.SequenceMatcher(None, spaced_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        out.extend(old_lines[i1:i2] if tag == "equal" else new_lines[j1:j2])
    return "\n".join(out)


_RUAMEL_FAULTS: tuple[type[Exception], ...] = (
    YAMLError,
    NotImplementedError,
    AttributeError,
    TypeError,
    ValueError,
    KeyError,
    IndexError,
)
"""What ruamel's round-trip raises, besides YAMLError, on inputs it does not handle (the suite
finds NotImplementedError 'overlap in comment'): a refusal, never a crash."""


def _dump(layout: Layout, data: CommentedMap) -> str:
    stream = io.StringIO()
    layout.yaml().dump(data, stream)
    return stream.getvalue()


def reader_refusal(text: str) -> str | None:
    """The reader's syntax verdict on `text` as `line L:C: CODE message`, None when it reads."""
    for problem in parse_yaml(text).problems:
        if problem.code in _SYNTAX_CODES:
            line, column = problem.span.one_based()
            return f"line {line}:{column}: {problem.code} {problem.message}"
    return None


_SYNTAX_CODES = frozenset({"SSMD001", "SSMD002"})


def as_string(value: Any) -> Any:
    """Quote a string the loader would otherwise read as something else.

    The reader types by YAML 1.2 (`012`, `0o7`, `true` are not strings); a
    YAML 1.1 reader would also take `yes`, `on` or `1:20` for a bool or a
    number. Quoting both keeps a display name "on" a string for every reader.
    """
    if not isinstance(value, str) or isinstance(value, ScalarString):
        return value
    if not resolves_to_str(value):
        return SingleQuotedScalarString(value)
    return value


def to_commented(value: Any) -> Any:
    """Plain dicts and lists -> ruamel's containers (new entries then dump in block style).

    ruamel containers pass through unchanged: they carry a chosen style (a flow list).
    """
    if isinstance(value, CommentedMap | CommentedSeq):
        return value
    if isinstance(value, Mapping):
        result = CommentedMap()
        for key, item in value.items():
            result[key] = to_commented(item)
        return result
    if isinstance(value, list | tuple):
        return CommentedSeq([to_commented(item) for item in value])
    return as_string(value)


def flow_list(items: list[str]) -> CommentedSeq:
    """A list written inline, `[a, b]`, the way the registry writes short id lists."""
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def same_style(old: Any, new: Any) -> Any:
    """`new` quoted the way `old` was, so a changed value keeps the author's quoting."""
    if isinstance(new, str) and isinstance(old, DoubleQuotedScalarString):
        return DoubleQuotedScalarString(new)
    if isinstance(new, str) and isinstance(old, SingleQuotedScalarString):
        return SingleQuotedScalarString(new)
    return new


def set_value(mapping: CommentedMap, key: str, value: Any, order: list[str]) -> None:
    """Set `key`; an existing key keeps its place, quoting and comment, a new one goes where
    `order` (the model's field order) puts it among the keys present."""
    if key in mapping:
        mapping[key] = as_string(same_style(mapping[key], value))
        return
    value = as_string(value)
    wanted = order.index(key) if key in order else len(order)
    position = len(mapping)
    for index, existing in enumerate(mapping):
        if existing in order and order.index(existing) > wanted:
            position = index
            break
    if position == len(mapping):
        _append_key(mapping, key, value)
    else:
        mapping.insert(position, key, value)


def _append_key(mapping: CommentedMap, key: str, value: Any) -> None:
    """Add a last key, moving what trails the old last value (blank lines, the next entry's
    comment) below the new key so it keeps separating this mapping from what follows."""
    previous = next(reversed(mapping), None) if mapping else None
    mapping[key] = value
    if previous is not None:
        _move_trailing_comment(mapping, previous, mapping, key)


def insert_item(sequence: CommentedSeq, index: int, item: CommentedMap) -> None:
    """Insert a mapping into a block sequence at `index`.

    ruamel stores the blank lines and comments that stand *before* item i on
    the last key of item i-1. Moving that tail onto the new item keeps each
    comment above the entry it was written for.
    """
    sequence.insert(index, item)
    if index == 0 or not item:
        return
    before = sequence[index - 1]
    if isinstance(before, CommentedMap) and before:
        last_key = next(reversed(before))
        _move_trailing_comment(before, last_key, item, next(reversed(item)))


def _move_trailing_comment(
    source: CommentedMap, source_key: Any, target: CommentedMap, target_key: Any
) -> None:
    if isinstance(source.get(source_key), CommentedMap | CommentedSeq):
        return  # the tail sits deeper, on the nested value; leave it where ruamel put it
    entry = source.ca.items.get(source_key)
    if not entry or len(entry) < 3 or not isinstance(entry[2], CommentToken):
        return
    token: CommentToken = entry[2]
    first_line, newline, tail = token.value.partition("\n")
    if not newline or not tail:
        return
    token.value = first_line + "\n"
    moved = CommentToken("\n" + tail, token.start_mark, None)
    target.ca.items[target_key] = [None, None, moved, None]
