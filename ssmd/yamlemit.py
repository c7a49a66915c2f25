"""YAML text out: the registry's layout for new documents and fragments, the reader's mirror.

Every scalar is written so that YAML 1.2 and 1.1 readers read it back as the value
(`render_scalar`); strings are plain only where that is safe. The write side uses
this for the fragments it splices into files (`ssmd.write.textedit`), and the rules
for the text of files a fix creates (a starter feed), so both write one layout.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ssmd import codes
from ssmd.yamlcore import resolves_to_str
from ssmd.yamlsource import parse_yaml


class FlowList(list[Any]):
    """A list written inline, `[a, b]`, the way the registry writes short id lists."""


SYNTAX_CODES = frozenset({codes.YAML_SYNTAX, codes.DUPLICATE_KEY})
"""The reader's findings that mean the text is not YAML it reads."""


@dataclass(frozen=True, slots=True)
class Layout:
    """How nested blocks are indented: a mapping's keys `mapping` columns in from their parent
    key, a sequence's dashes `offset` columns in, and `gap` spaces after each dash."""

    mapping: int = 2
    offset: int = 2
    gap: int = 1


DEFAULT_LAYOUT = Layout()
"""How new files are written: the sample registry's style (`  - key: value`)."""


def is_block(value: Any) -> bool:
    return (
        isinstance(value, Mapping | list | tuple)
        and bool(value)
        and not isinstance(value, FlowList)
    )


def block_lines(value: Any, indent: int, layout: Layout) -> list[str]:
    """A non-empty mapping or list as block lines, each starting with `indent` spaces."""
    lines: list[str] = []
    if isinstance(value, Mapping):
        for key, item in value.items():
            lines.extend(entry_lines(key, item, indent, layout))
        return lines
    for item in value:
        lines.extend(item_lines(item, indent, layout.gap, layout, {}))
    return lines


def entry_lines(key: str, value: Any, indent: int, layout: Layout) -> list[str]:
    head = " " * indent + render_key(key) + ":"
    if not is_block(value):
        return [f"{head} {inline(value, flow=False)}"]
    step = layout.mapping if isinstance(value, Mapping) else layout.offset
    return [head, *block_lines(value, indent + step, layout)]


def item_lines(
    item: Any, indent: int, gap: int, layout: Layout, hints: Mapping[str, tuple[Any, str]]
) -> list[str]:
    """One sequence item, its dash at `indent` and `gap` spaces after it."""
    prefix = " " * indent + "-" + " " * gap
    if not is_block(item):
        return [prefix + inline(item, flow=False)]
    inner = indent + 1 + gap
    if isinstance(item, Mapping):
        lines: list[str] = []
        for key, value in item.items():
            old, raw = hints.get(key, (None, ""))
            head = f"{' ' * inner}{render_key(key)}:"
            if len(raw) > 1 and plain(value) == old and type(plain(value)) is type(old):
                lines.append(f"{head} {raw}")  # unchanged: written as in the item copied
            elif raw[:1] == "[" and isinstance(value, list):
                lines.append(f"{head} {inline(value, flow=False)}")
            elif raw[:1] in ("'", '"') and not is_block(value):
                lines.append(f"{head} {inline(value, flow=False, quote=raw[0])}")
            else:
                lines.extend(entry_lines(key, value, inner, layout))
    else:
        lines = block_lines(item, inner, layout)
    lines[0] = prefix + lines[0][inner:]
    return lines


def inline(value: Any, flow: bool, quote: str = "") -> str:
    """A value on one line: a scalar, or a collection in flow style."""
    if isinstance(value, Mapping):
        inner = ", ".join(f"{render_key(k)}: {inline(v, True)}" for k, v in value.items())
        return "{" + inner + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(inline(v, True) for v in value) + "]"
    return render_scalar(value, quote=quote, flow=flow)


def render_key(key: str) -> str:
    """A key as text: plain when the syntax allows (the reader reads every key as text)."""
    if plain_syntax_ok(key, flow=True):
        return key
    return render_scalar(key, flow=True)


def render_scalar(value: Any, quote: str = "", flow: bool = False) -> str:
    """A scalar as YAML text that every reader (1.2 and 1.1) reads back as `value`.

    Strings stay plain when that is safe, take the `quote` asked for (the old
    value's quoting) when it can hold them, and are quoted otherwise.
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if quote == '"':
        return double_quoted(text)
    if quote == "'" and _single_ok(text):
        return "'" + text.replace("'", "''") + "'"
    if plain_ok(text, flow):
        return text
    if _single_ok(text):
        return "'" + text.replace("'", "''") + "'"
    return double_quoted(text)


_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_FLOW_INDICATORS = frozenset(",[]{}")
_NOT_PRINTABLE = frozenset("\x7f\x85\u2028\u2029\ufeff")


def plain_ok(text: str, flow: bool = False) -> bool:
    """True when `text` written plain reads back as that same string (conservatively)."""
    return plain_syntax_ok(text, flow) and resolves_to_str(text)


def plain_syntax_ok(text: str, flow: bool) -> bool:
    if not text or text != text.strip(" ") or not _single_ok(text) or "\t" in text:
        return False
    if text.startswith(("---", "...")):
        return False  # a document marker at the start of a line
    if text[0] in _INDICATORS or ": " in text or " #" in text or text.endswith(":"):
        return False
    return not (flow and (_FLOW_INDICATORS & set(text) or ":" in text))


def _single_ok(text: str) -> bool:
    return text.isprintable() and not (_NOT_PRINTABLE & set(text))


def double_quoted(text: str) -> str:
    out = ['"']
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif not char.isprintable() or char in _NOT_PRINTABLE:
            code = ord(char)
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def plain(value: Any) -> Any:
    """`value` as the reader would read it back: dates as text, tuples and FlowLists as lists."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def new_text(data: Mapping[str, Any]) -> str | None:
    """`data` as a new document in the default layout, or None when it would not read back
    as `data` (the caller refuses in its own words)."""
    text = "".join(line + "\n" for line in block_lines(data, 0, DEFAULT_LAYOUT))
    parsed = parse_yaml(text)
    if any(p.code in SYNTAX_CODES for p in parsed.problems) or parsed.data != plain(data):
        return None
    return text
