"""One registry file: its text, its model (when it has one) and where every value sits.

`load_document` takes text, not a path to read, so an editor's unsaved buffer
is loaded exactly like a file on disk. It never raises: every problem with
the text becomes a `LoadProblem` (SSMD001-005) with a span.
"""

from __future__ import annotations

import difflib
import re
import typing
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ValidationError

from ssmd import codes
from ssmd.introspect import allowed_keys
from ssmd.models import Environment, Feed, Schema, excerpt
from ssmd.span import LineIndex, RelatedLocation, Span
from ssmd.yamlcore import core_value
from ssmd.yamlsource import ModelPath, SourceMap, parse_yaml

REGISTRY_DIR = "exchanges"
SCHEMAS_DIR = f"{REGISTRY_DIR}/schemas"
""".capnp files and schema YAML both live here; `schema_file` values are relative to it."""
MAX_FILE_BYTES = 1 << 20
"""Largest registry file (YAML or `.capnp`) ssmd reads: 1 MiB. Real files are a few KB (a
feed with 5,000 versions is ~250 KB); past this, parsing costs seconds and hundreds of MB."""


class Kind(StrEnum):
    FEED = "feed"
    SCHEMA = "schema"
    ENVIRONMENT = "environment"
    CAPNP = "capnp"

    @property
    def article(self) -> str:
        """`a feed`, `an environment`: for messages."""
        return f"{'an' if self.value[0] in 'aeiou' else 'a'} {self.value}"

    @property
    def folder(self) -> str:
        return _FOLDERS[self.value]


_FOLDERS = {"feed": "feeds", "environment": "environments", "schema": "schemas", "capnp": "schemas"}


MODEL_OF_KIND: dict[Kind, type[BaseModel]] = {
    Kind.FEED: Feed,
    Kind.SCHEMA: Schema,
    Kind.ENVIRONMENT: Environment,
}
Model = Feed | Schema | Environment


def kind_of(path: str) -> Kind | None:
    """The kind of a root-relative posix path, or None when it is not a registry file."""
    parts = path.split("/")
    if len(parts) < 3 or parts[0] != REGISTRY_DIR:
        return None
    if parts[1] == "schemas" and parts[-1].endswith(".capnp") and ".." not in parts:
        return Kind.CAPNP  # in any subfolder: `schema_file: common/money.capnp` is inside
    if len(parts) != 3:
        return None
    folder, filename = parts[1], parts[2]
    if not filename.endswith(".yaml"):
        return None
    return {"feeds": Kind.FEED, "schemas": Kind.SCHEMA, "environments": Kind.ENVIRONMENT}.get(
        folder
    )


def registry_path(kind: Kind, name: str) -> str:
    """Where the file of `name` of this kind lives, root-relative."""
    return f"{REGISTRY_DIR}/{kind.folder}/{name}.yaml"


@dataclass(frozen=True, slots=True)
class LoadProblem:
    code: str
    message: str
    span: Span
    replacement: str | None = None
    """A suggested replacement for the text at `span` (a typo'd key's likely spelling)."""
    related: tuple[RelatedLocation, ...] = ()
    """Second places the problem is about (the anchor of an alias, a key's first occurrence)."""


@dataclass(slots=True)
class Document:
    """A loaded registry file. `model` is None when the file is too broken to use."""

    path: str
    kind: Kind
    text: str
    model: Model | None = None
    declared_name: str | None = None
    source_map: SourceMap = field(default_factory=SourceMap)
    problems: list[LoadProblem] = field(default_factory=list)
    dropped: dict[ModelPath, list[int]] = field(default_factory=dict)
    """For lists the loader had to thin out: model index -> source index."""
    _lines: LineIndex | None = field(default=None, repr=False, compare=False)

    @property
    def lines(self) -> LineIndex:
        """The text's line table, built on first use (positions of many findings stay cheap)."""
        if self._lines is None:
            self._lines = LineIndex(self.text)
        return self._lines

    @property
    def stem(self) -> str:
        # String operations, not PurePosixPath: rules ask for every file on every check.
        name = self.path.rpartition("/")[2]
        dot = name.rfind(".")
        return name[:dot] if dot > 0 else name

    def source_path(self, path: ModelPath) -> ModelPath:
        """Translate a model path into a source path (they differ after dropped list items)."""
        if not self.dropped:
            return path
        result: list[str | int] = []
        for element in path:
            kept = self.dropped.get(tuple(result))
            if kept is not None and isinstance(element, int) and element < len(kept):
                element = kept[element]
            result.append(element)
        return tuple(result)

    def span(self, path: ModelPath = (), part: str = "value") -> Span:
        """Where to point for `path`: its first line only (a block value spans many)."""
        span = self.full_span(path, part)
        if span.end.line == span.start.line:
            return span
        end_character = max(self.lines.length(span.start.line), span.start.character)
        return Span.of(span.start.line, span.start.character, span.start.line, end_character)

    def full_span(self, path: ModelPath = (), part: str = "value") -> Span:
        """The whole extent of `path`'s key or value (outline, selection ranges)."""
        return self.source_map.span(self.source_path(path), part)

    def related_to(self, path: ModelPath, part: str = "value") -> tuple[RelatedLocation, ...]:
        """For a value or key read through `*alias` (located at the alias): where the anchor
        writes it."""
        if not self.source_map.anchors and not self.source_map.key_anchors:
            return ()
        found = self.source_map.anchored(self.source_path(path), part)
        if found is None:
            return ()
        place, anchor = found
        offset = self.lines.offset(anchor.start.line) + anchor.start.character
        name = _ANCHOR_NAME.match(self.text, offset)
        message = (
            f"defined here, at the anchor &{name.group(1)} (the alias *{name.group(1)} repeats it)"
            if name
            else "defined here, at the anchor the alias repeats"
        )
        return (
            RelatedLocation(self.path, self.lines.clamp_span(_first_line(self, place)), message),
        )


_ANCHOR_NAME = re.compile(r"(?:![^\s]*\s+)?&([^\s,\[\]{}]+)")


def _first_line(document: Document, span: Span) -> Span:
    """A block value's first line only, as `Document.span` shows a finding."""
    if span.end.line == span.start.line:
        return span
    end = max(document.lines.length(span.start.line), span.start.character)
    return Span.of(span.start.line, span.start.character, span.start.line, end)


def refused_document(path: str, code: str, message: str, text: str = "") -> Document:
    """A file ssmd will not read or parse (too large, or outside the registry): one problem."""
    kind = kind_of(path)
    if kind is None:
        raise ValueError(f"{path} is not a registry file")
    return Document(path, kind, text, problems=[LoadProblem(code, message, Span.point(0))])


def too_large(path: str, size: int, text: str = "") -> Document:
    code = codes.SCHEMA_COMPILE_ERROR if kind_of(path) is Kind.CAPNP else codes.YAML_SYNTAX
    message = (
        f"the file is {size:,} bytes, more than the {MAX_FILE_BYTES:,} a registry file may "
        "hold; it was not read: split it or remove what does not belong in it"
    )
    return refused_document(path, code, message, text)


def load_document(path: str, text: str) -> Document:
    """Load one registry file from its text; `path` is root-relative posix."""
    kind = kind_of(path)
    if kind is None:
        raise ValueError(f"{path} is not a registry file")
    if len(text) > MAX_FILE_BYTES and len(text.encode("utf-8", "replace")) > MAX_FILE_BYTES:
        return too_large(path, len(text.encode("utf-8", "replace")), text)
    if kind is Kind.CAPNP:
        return Document(path, kind, text)
    parsed = parse_yaml(text)
    doc = Document(path, kind, text, source_map=parsed.source_map)
    doc.problems.extend(
        LoadProblem(p.code, p.message, p.span, related=_first_occurrence(path, p.related))
        for p in parsed.problems
    )
    if parsed.data is None and not parsed.problems:
        doc.problems.append(
            LoadProblem(
                codes.MISSING_KEY,
                f"the file is empty: {_article(kind)} {kind} needs at least `name`",
                Span.point(0),
            )
        )
        return doc
    if parsed.data is None:
        return doc
    if not isinstance(parsed.data, dict):
        doc.problems.append(
            LoadProblem(
                codes.INVALID_VALUE,
                f"{_article(kind)} {kind} file must be a mapping of keys to values",
                doc.span(()),
            )
        )
        return doc
    name = parsed.data.get("name")
    doc.declared_name = name if isinstance(name, str) else None
    _validate(doc, MODEL_OF_KIND[kind], parsed.data)
    return doc


def _first_occurrence(path: str, span: Span | None) -> tuple[RelatedLocation, ...]:
    return () if span is None else (RelatedLocation(path, span, "first defined here"),)


def _article(kind: Kind) -> str:
    return "an" if str(kind)[0] in "aeiou" else "a"


_MAX_REPAIR_ROUNDS = 8
MAX_PROBLEMS = 100
"""Problems reported per file: past this a file is not a typo away from valid, and
describing 100,000 unknown keys one by one would stall an editor for seconds."""


def _validate(doc: Document, model_type: type[BaseModel], data: dict[str, Any]) -> None:
    """Validate; report the first round's errors, then drop what is broken and keep the rest.

    Keeping a partial model (a feed with its one bad version left out) lets
    cross-file rules still see the feed, so one typo does not cascade.
    """
    kept: dict[ModelPath, list[int]] = {}
    for round_number in range(_MAX_REPAIR_ROUNDS):
        try:
            doc.model = typing.cast(Model, model_type.model_validate(data))
            doc.dropped = kept
            return
        except ValidationError as error:
            errors = error.errors(include_url=False)
        if round_number == 0:
            doc.problems.extend(_first_problems(doc, model_type, errors[:MAX_PROBLEMS]))
            if len(errors) > MAX_PROBLEMS:
                doc.problems.append(_too_many(doc, len(errors)))
        targets = set()
        for e in errors:
            loc = tuple(e["loc"])
            target = loc[:-1] if e["type"] == "missing" else loc
            if not target:
                return
            targets.add(target)
        for target in sorted(targets, key=_path_sort_key, reverse=True):
            _delete(data, target, kept)
    doc.dropped = kept


def _first_problems(
    doc: Document, model_type: type[BaseModel], errors: list[Any]
) -> list[LoadProblem]:
    """One problem per mistake: a misspelt required key is reported as unknown, not also missing.

    `efective_from:` is one typo; "unknown key, did you mean 'effective_from'"
    says all there is, and a second "'effective_from' is missing" would only
    repeat it.
    """
    problems = [_problem(doc, model_type, e) for e in errors]
    suggested = {
        (tuple(e["loc"][:-1]), p.replacement)
        for e, p in zip(errors, problems, strict=True)
        if p.code == codes.UNKNOWN_KEY and p.replacement
    }
    return [
        p
        for e, p in zip(errors, problems, strict=True)
        if not (e["type"] == "missing" and (tuple(e["loc"][:-1]), e["loc"][-1]) in suggested)
    ]


def _too_many(doc: Document, total: int) -> LoadProblem:
    return LoadProblem(
        codes.INVALID_VALUE,
        f"{total - MAX_PROBLEMS} more problems in this {doc.kind} are not listed; "
        "fix the ones shown first (is this really a registry file?)",
        Span.point(0),
    )


def _path_sort_key(path: ModelPath) -> tuple[tuple[int, int, str], ...]:
    return tuple((1, e, "") if isinstance(e, int) else (0, 0, e) for e in path)


def _delete(data: Any, path: ModelPath, kept: dict[ModelPath, list[int]]) -> None:
    parent = data
    for element in path[:-1]:
        try:
            parent = parent[element]
        except (KeyError, IndexError, TypeError):
            return
    last = path[-1]
    if isinstance(parent, list) and isinstance(last, int) and last < len(parent):
        container = path[:-1]
        indices = kept.setdefault(container, list(range(len(parent))))
        del parent[last]
        del indices[last]
    elif isinstance(parent, dict) and last in parent:
        del parent[last]


def _problem(doc: Document, model_type: type[BaseModel], error: Any) -> LoadProblem:
    loc: ModelPath = tuple(error["loc"])
    kind = error["type"]
    key = loc[-1] if loc else doc.kind.value
    where = _describe(loc[:-1])
    if kind == "extra_forbidden":
        allowed = sorted(allowed_keys(model_type, loc[:-1]))
        message = f"unknown key '{excerpt(key)}'{where}"
        close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
        if close:
            message += f"; did you mean '{close[0]}'?"
        else:
            message += f"; allowed keys: {', '.join(allowed)}"
        replacement = close[0] if close else None
        related = doc.related_to(loc, "key")
        return LoadProblem(
            codes.UNKNOWN_KEY, message, doc.span(loc, part="key"), replacement, related
        )
    if kind == "missing":
        return LoadProblem(
            codes.MISSING_KEY,
            f"required key '{excerpt(key)}' is missing{where}; add it",
            doc.span(loc[:-1], part="key") if loc[:-1] else Span.point(0),
            related=doc.related_to(loc[:-1], "key") if loc[:-1] else (),
        )
    detail = str(error["msg"])
    if kind == "too_short" and loc and loc[-1] == "versions":
        detail = "at least one version is required"
    message = f"invalid value for '{excerpt(key)}'{where}: {excerpt(detail, 300)}"
    if kind == "string_type":
        message += _quote_hint(doc, doc.span(loc))
    return LoadProblem(codes.INVALID_VALUE, message, doc.span(loc), related=doc.related_to(loc))


def _quote_hint(doc: Document, span: Span) -> str:
    """Where text is expected, a plain `012`, `no` or `1.0` is typed by YAML: say to quote it."""
    if span.start.line != span.end.line:
        return ""
    lines = LineIndex(doc.text)
    start = lines.offset(span.start.line)
    written = doc.text[start + span.start.character : start + span.end.character].strip()
    if not written or written[0] in "'\"[{!&*|>":
        return ""
    value = core_value(written)
    if isinstance(value, str):
        return ""
    what = {bool: "true/false", type(None): "empty (null)"}.get(type(value), "a number")
    shown = excerpt(written, 40)
    return f" (YAML reads {shown} as {what}; quote it to keep it text: '{shown}')"


def _describe(parent: ModelPath) -> str:
    if not parent:
        return ""
    text = "".join(f"[{p}]" if isinstance(p, int) else f".{excerpt(p, 40)}" for p in parent)
    text = text.lstrip(".")
    return f" in {text}"
