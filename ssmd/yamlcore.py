"""YAML 1.2 core-schema typing and the strict conformance check, for the one reader.

Why our own resolution on libyaml's nodes: libyaml (PyYAML) types plain
scalars by YAML 1.1 (`012` -> 10, `1:30` -> 90, `no` -> False) while editors
(the npm `yaml` package behind yaml-language-server) read YAML 1.2. The reader
asks libyaml only for the node tree with positions (its fastest mode) and types
scalars here, by the 1.2 core schema.

Why a second parser: libyaml accepts 16 of the official suite's 94 invalid
inputs as data (`"v"# c`, `[-]`, tab continuation lines ...). `yaml-rs`
(saphyr, a conformant YAML 1.2 parser in Rust) catches all 94 and costs a
tenth of libyaml's compose, so every document libyaml accepts is also checked
by it (figures in docs/design.md). The same load gives yaml-rs's data, and libyaml's
reading must equal it (`first_difference`): libyaml misreads a few valid texts
(`key: &an:chor value` as ':chor value'), and those are never passed silently.
"""

from __future__ import annotations

import functools
import math
import re
from types import ModuleType
from typing import Any

PLAIN = "?plain"
"""The tag the reader's resolver gives an untagged plain scalar: typed here, by YAML 1.2."""

_CORE_PREFIX = "tag:yaml.org,2002:"
STR = _CORE_PREFIX + "str"
MAP = _CORE_PREFIX + "map"
SEQ = _CORE_PREFIX + "seq"
CORE_SCALAR_TAGS = frozenset(_CORE_PREFIX + t for t in ("str", "int", "float", "bool", "null"))
CORE_TAGS = CORE_SCALAR_TAGS | {MAP, SEQ}

_CORE = re.compile(
    r"(?P<null>~|null|Null|NULL|)"
    r"|(?P<true>true|True|TRUE)"
    r"|(?P<false>false|False|FALSE)"
    r"|(?P<int>[-+]?[0-9]+)"
    r"|0o(?P<oct>[0-7]+)"
    r"|0x(?P<hex>[0-9a-fA-F]+)"
    r"|(?P<float>[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)"
    r"|(?P<inf>[-+]?\.(?:inf|Inf|INF))"
    r"|(?P<nan>\.(?:nan|NaN|NAN))"
)
_MAYBE_NOT_STR = frozenset("~nNtTfF0123456789+-.")
"""First characters a non-string core scalar can start with (the fast path skips the rest)."""

_YAML11_NOT_STR = re.compile(
    r"y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF"
    r"|[-+]?0[0-7_]+|[-+]?0b[01_]+|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?"
    r"|[-+]?[0-9][0-9_]*_[0-9_]*|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt ].*)?"
)
"""Plain scalars YAML 1.1 types differently from 1.2: a hint says to quote them as text."""


def core_value(text: str) -> Any:
    """An untagged plain scalar's value by the YAML 1.2 core schema."""
    if text and text[0] not in _MAYBE_NOT_STR:
        return text
    match = _CORE.fullmatch(text)
    if match is None:
        return text
    kind = match.lastgroup
    if kind == "null":
        return None
    if kind == "true":
        return True
    if kind == "false":
        return False
    if kind == "int":
        return int(text)
    if kind == "oct":
        return int(match["oct"], 8)
    if kind == "hex":
        return int(match["hex"], 16)
    if kind == "float":
        return float(text)
    if kind == "inf":
        return -math.inf if text[0] == "-" else math.inf
    return math.nan


def tagged_value(tag: str, text: str) -> tuple[Any, str | None]:
    """A scalar with an explicit core tag (`!!int 12`): its value, or why the text does not fit."""
    if tag == STR:
        return text, None
    value = core_value(text)
    wanted = {
        _CORE_PREFIX + "int": int,
        _CORE_PREFIX + "float": float,
        _CORE_PREFIX + "bool": bool,
        _CORE_PREFIX + "null": type(None),
    }[tag]
    if wanted is float and type(value) is int:
        return float(value), None
    if type(value) is not wanted:
        short = tag.removeprefix(_CORE_PREFIX)
        return text, f"'{text}' is not a valid !!{short}; remove the tag or fix the value"
    return value, None


def resolves_to_str(text: str) -> bool:
    """True when a plain `text` reads back as that string in YAML 1.2 *and* in YAML 1.1.

    The write side quotes everything else, so every reader of the file agrees.
    """
    return isinstance(core_value(text), str) and _YAML11_NOT_STR.fullmatch(text) is None


def yaml11_differs(text: str) -> bool:
    """A plain scalar a YAML 1.1 reader (PyYAML, older tools) would type differently."""
    return _YAML11_NOT_STR.fullmatch(text) is not None


def tag_problem(tag: str) -> str:
    """The message for a tag outside the core schema (`!!python/object`, `!env`, `!!binary`)."""
    shown = "!!" + tag.removeprefix(_CORE_PREFIX) if tag.startswith(_CORE_PREFIX) else tag
    return (
        f"the tag '{shown}' is not allowed: registry files hold plain YAML values "
        "(text, numbers, true/false, lists, mappings); remove the tag, and quote the value "
        "if it is text"
    )


_ERROR_AT = re.compile(r"at line (\d+), column (\d+)")


_TOO_DEEP_FOR_YAML_RS = re.compile(r"(?:^|(?<=\r))[ \t?:-]{4000}", re.MULTILINE)
"""yaml-rs 0.1.6 recurses per block level and dies of a stack overflow (SIGSEGV, not an
exception) near 100,000 levels (`- - - ... x`); 10,000 are fine. A block level needs at
least one column of indentation or indicator, so a text whose lines all start with fewer
than 4,000 of those cannot get there (flow nesting yaml-rs limits itself, at 256)."""


@functools.cache
def _yaml_rs() -> tuple[ModuleType, Any]:
    """yaml-rs and its alias limits, imported on first use (~30 ms: `ssmd --help` skips it)."""
    import yaml_rs

    limits = yaml_rs.AliasLimits(max_total_replayed_events=200_000, max_replay_stack_depth=64)
    return yaml_rs, limits


NO_DATA: Any = object()
"""The strict parser gave no data (too deep for it, or it raised something other than a
syntax error): nothing to compare a reading with."""


def conformance_error(text: str) -> tuple[str, int, int] | None:
    """(problem, 0-based line, 0-based column) when `text` is not valid YAML 1.2, else None."""
    return strict_reading(text)[0]


def strict_reading(text: str) -> tuple[tuple[str, int, int] | None, Any]:
    """(syntax error or None, the data as the strict parser reads it, or NO_DATA).

    One load serves both the verdict and the proof that a reading is right.
    Only syntax errors count: duplicate keys and tags are the reader's own
    findings (with better positions), so the strict parser is told to allow them
    (the first of duplicate keys wins, as in the reader).
    """
    if _TOO_DEEP_FOR_YAML_RS.search(text):
        return None, NO_DATA  # see _TOO_DEEP_FOR_YAML_RS: libyaml's reading stands
    yaml_rs, limits = _yaml_rs()
    bom = text.startswith("\ufeff")  # yaml-rs 0.1.6 reads a leading BOM as text: `\ufeffname`
    try:
        data = yaml_rs.loads(
            text[1:] if bom else text,
            parse_datetime=False,
            alias_limits=limits,
            duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.FirstWins,
        )
    except yaml_rs.YAMLDecodeError as error:
        message = str(error)
        where = _ERROR_AT.search(message)
        if where is None:
            return None, NO_DATA  # not a syntax error (an unknown tag): the reader reports
        problem = message.rstrip().splitlines()[-1].strip()
        line, column = int(where[1]) - 1, int(where[2]) - 1
        return (problem, line, column + 1 if bom and line == 0 else column), NO_DATA
    except (ValueError, TypeError, OverflowError, RecursionError):
        return None, NO_DATA
    return None, data


def first_difference(data: Any, strict: Any, path: tuple[str | int, ...] = ()) -> Any:
    """The model path of the first value the reader's `data` and the strict parser's
    `strict` disagree on, or None when they agree.

    The reader's keys are text (`1:` is the key "1"), the strict parser's are typed: a key
    is looked up as its text, then as the core schema reads it. Keys Python cannot tell
    apart in the strict data (`1` and `true`, NaN) are not compared. NaN equals NaN.
    """
    if type(data) is dict:
        if type(strict) is not dict or len(data) < len(strict):
            return path
        for key, value in data.items():
            if key in strict:
                strict_value = strict[key]
            else:
                typed = core_value(key)
                if isinstance(typed, str):
                    return (*path, key)
                if len(data) != len(strict):
                    continue  # typed keys Python collapses (`1` and `true`): not compared
                try:
                    strict_value = strict[typed]
                except (KeyError, TypeError):
                    continue  # a NaN key, or one of keys Python collapses
            where = first_difference(value, strict_value, (*path, key))
            if where is not None:
                return where
        return None
    if type(data) is list:
        if type(strict) is not list or len(data) != len(strict):
            return path
        for index, (item, strict_item) in enumerate(zip(data, strict, strict=True)):
            where = first_difference(item, strict_item, (*path, index))
            if where is not None:
                return where
        return None
    return None if _same(data, strict) else path


def _same(value: Any, strict: Any) -> bool:
    """Equal as Python values (as `==` on the whole data, the reader's fast check), or NaN."""
    if value == strict:
        return True
    return type(value) is float and type(strict) is float and value != value and strict != strict


def strict_data(text: str) -> Any:
    """The document as the strict parser reads it (to prove a tab-normalised reading equal)."""
    if _TOO_DEEP_FOR_YAML_RS.search(text):
        raise ValueError("nested too deeply for the strict parser")
    yaml_rs, limits = _yaml_rs()
    return yaml_rs.loads(
        text,
        parse_datetime=False,
        alias_limits=limits,
        duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.FirstWins,
    )
