"""What may be typed at a cursor: keys for the document's kind, values for a key.

The context comes from the text around the cursor (indentation and the
`key:` before it), not from the parsed model, because a half-typed line is
usually not valid YAML yet. The candidates come from the models (keys,
their descriptions, enums) and from the workspace (feed and schema names).
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from enum import Enum
from functools import cache

from ssmd.calendars import known_calendars
from ssmd.document import SCHEMAS_DIR, Kind
from ssmd.ide.fields import field_at, fields_at, value_choices
from ssmd.introspect import unwrap
from ssmd.models import SchemaStatus
from ssmd.span import Position, Span, editor_lines
from ssmd.workspace import Workspace
from ssmd.yamlsource import ModelPath

_KEY_LINE = re.compile(r"^(?P<indent>\s*)(?P<dash>-\s+)?(?P<key>[A-Za-z_][\w-]*)\s*:(?:\s|$)")
_PARTIAL_KEY = re.compile(r"^(?P<indent>\s*)(?P<dash>-\s+)?(?P<word>[A-Za-z_][\w-]*)?$")
_VALUE = re.compile(r"^(?P<indent>\s*)(?P<dash>-\s+)?(?P<key>[A-Za-z_][\w-]*)\s*:\s*(?P<value>.*)$")


@dataclass(frozen=True, slots=True)
class Candidate:
    label: str
    kind: str
    """`key`, `value`, `feed`, `schema`, `version`, `zone`, `file`: the front end picks an icon."""
    detail: str = ""
    documentation: str = ""
    sort_text: str | None = None
    insert_text: str | None = None
    deprecated: bool = False


@dataclass(frozen=True, slots=True)
class Completions:
    candidates: list[Candidate]
    replace: Span
    """The text the chosen candidate replaces (the partly typed word)."""


@dataclass(frozen=True, slots=True)
class CursorContext:
    parent: ModelPath
    """Path of the mapping the cursor is in (list indexes are 0: only the shape matters)."""
    key: str | None
    """The key whose value is being typed, None when a key is being typed."""
    word: str
    word_start: int
    in_flow_list: bool = False


def cursor_context(text: str, position: Position) -> CursorContext | None:
    lines = editor_lines(text)
    if position.line >= len(lines):
        return None
    line = lines[position.line]
    before = line[: position.character]
    if "#" in before:
        return None
    indent = len(before) - len(before.lstrip(" "))
    value = _VALUE.match(before)
    if value is not None:
        key = value["key"]
        raw = value["value"]
        in_flow = raw.lstrip().startswith("[")
        word_match = re.search(r"[^\s\[\],'\"]*$", raw)
        word = word_match.group(0) if word_match else ""
        extra = len(value["dash"]) if value["dash"] else 0
        parent = _parent(lines, position.line, indent + extra)
        if value["dash"]:
            parent = (*parent, 0)
        return CursorContext(parent, key, word, position.character - len(word), in_flow)
    partial = _PARTIAL_KEY.match(before)
    if partial is None:
        return None
    word = partial["word"] or ""
    extra = len(partial["dash"]) if partial["dash"] else 0
    parent = _parent(lines, position.line, indent + extra)
    if partial["dash"]:
        parent = (*parent, 0)
    return CursorContext(parent, None, word, position.character - len(word))


def _parent(lines: list[str], line_number: int, column: int) -> ModelPath:
    """Keys of the enclosing mappings, found by walking up to shallower `key:` lines."""
    path: list[str | int] = []
    for previous in range(line_number - 1, -1, -1):
        line = lines[previous]
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(stripped)
        match = _KEY_LINE.match(line)
        if stripped.startswith("- "):
            dash_column = indent
            content_column = indent + 2 + (len(stripped[2:]) - len(stripped[2:].lstrip(" ")))
            if content_column <= column and dash_column < column:
                path.insert(0, 0)
                column = dash_column
                continue
        if indent < column and match is not None:
            path.insert(0, match["key"])
            column = indent
        if column == 0:
            break
    # A list item's marker sits at or left of its keys: drop duplicate indexes.
    cleaned: list[str | int] = []
    for element in path:
        if isinstance(element, int) and cleaned and isinstance(cleaned[-1], int):
            continue
        cleaned.append(element)
    return tuple(cleaned)


def complete(workspace: Workspace, kind: Kind, text: str, position: Position) -> Completions | None:
    """Candidates at `position` in a document of `kind` whose current text is `text`."""
    if kind is Kind.CAPNP:
        return None
    context = cursor_context(text, position)
    if context is None:
        return None
    replace = Span.of(position.line, context.word_start, position.line, position.character)
    if context.key is None:
        candidates = _keys(kind, context.parent)
    else:
        candidates = _values(workspace, kind, context, text)
    prefix = context.word.lower()
    chosen = [c for c in candidates if c.label.lower().startswith(prefix) or not prefix]
    if not chosen and prefix:
        chosen = [c for c in candidates if prefix in c.label.lower()]
    return Completions(chosen, replace)


def _keys(kind: Kind, parent: ModelPath) -> list[Candidate]:
    fields = fields_at(kind, parent)
    if fields is None:
        return []
    candidates = []
    for key, info in fields.items():
        required = info.is_required()
        candidates.append(
            Candidate(
                key,
                "key",
                detail="required" if required else "optional",
                documentation=info.description or "",
                sort_text=f"{0 if required else 1}{key}",
                insert_text=f"{key}: ",
            )
        )
    return candidates


def _values(workspace: Workspace, kind: Kind, context: CursorContext, text: str) -> list[Candidate]:
    key = context.key
    assert key is not None
    if kind is Kind.ENVIRONMENT and context.parent == () and key == "feed":
        return _feeds(workspace)
    if kind is Kind.ENVIRONMENT and context.parent == () and key == "schema":
        return _schema_refs(workspace)
    if key == "compatible_with":
        return _version_ids(text)
    if key == "timezone":
        return [Candidate(zone, "zone") for zone in _zones()]
    if key == "holiday_calendar":
        return [Candidate(name, "value") for name in known_calendars()]
    if kind is Kind.SCHEMA and key == "schema_file":
        prefix = SCHEMAS_DIR + "/"
        return [
            Candidate(path.removeprefix(prefix), "file")
            for path in sorted(workspace.capnp_bytes)
            if path.startswith(prefix)
        ]
    info = field_at(kind, context.parent, key)
    if info is None:
        return []
    annotation = unwrap(info.annotation)
    single_enum = isinstance(annotation, type) and issubclass(annotation, Enum)
    detail = key if single_enum else ""  # an enum field shows its key beside each member
    return [Candidate(value, "value", detail=detail) for value in value_choices(info)]


@cache
def _zones() -> list[str]:
    return sorted(z for z in zoneinfo.available_timezones() if "/" in z or z == "UTC")


def _feeds(workspace: Workspace) -> list[Candidate]:
    candidates = []
    for name in workspace.names(Kind.FEED):
        feed = workspace.feed(name)
        detail = f"{feed.type.value} feed, {feed.status.value}" if feed else "feed"
        documentation = feed.display_name or "" if feed else ""
        candidates.append(Candidate(name, "feed", detail=detail, documentation=documentation))
    return candidates


def _schema_refs(workspace: Workspace) -> list[Candidate]:
    """`name:version` for every version (drafts tagged and last), then the unpinned names."""
    candidates = []
    for name in workspace.names(Kind.SCHEMA):
        schema = workspace.schema(name)
        if schema is None:
            continue
        candidates.append(
            Candidate(
                name,
                "schema",
                detail="unpinned: the version in effect on the date",
                sort_text=f"1{name}",
            )
        )
        for version in schema.versions:
            draft = version.status is SchemaStatus.DRAFT
            status = version.status.value
            candidates.append(
                Candidate(
                    f"{name}:{version.version}",
                    "version",
                    detail=f"{status} from {version.effective_from}"
                    + (" (draft)" if draft else ""),
                    documentation=version.breaking_changes or "",
                    sort_text=f"{2 if draft else 0}{name}:{version.version:>8}",
                    deprecated=version.status is SchemaStatus.DEPRECATED,
                )
            )
    return candidates


_VERSION_LINE = re.compile(r"^\s*(?:-\s+)?version:\s*['\"]?(v[0-9]+)")


def _version_ids(text: str) -> list[Candidate]:
    """Version ids written in this document (the model may not load while one is typed)."""
    seen: list[str] = []
    for line in editor_lines(text):
        match = _VERSION_LINE.match(line)
        if match and match.group(1) not in seen:
            seen.append(match.group(1))
    return [Candidate(version, "version") for version in seen]
