"""Where names are defined and used: the answers behind go-to, references and rename.

A feed or schema name appears in its own file (`name:`) and in every
environment that references it (`feed:` / `schema:`). These functions find
those places as spans from the loader's source map, so the language server
(and any CLI command that wants to) never scans text for names itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ssmd.confine import escapes_schemas_dir, schema_file_path
from ssmd.document import Document, Kind, registry_path
from ssmd.models import NAME_PATTERN, Environment, Feed, Schema
from ssmd.resolve import SchemaRef, resolvable_schema_version, resolve_as_of, schema_version_for
from ssmd.span import Position, Span, editor_lines
from ssmd.workspace import Workspace
from ssmd.yamlsource import ModelPath

FEED_REF: ModelPath = ("feed",)
SCHEMA_REF: ModelPath = ("schema",)
NAME: ModelPath = ("name",)


@dataclass(frozen=True, slots=True)
class Location:
    file: str
    span: Span


@dataclass(frozen=True, slots=True)
class Target:
    """What the cursor is on: a model path and whether on its key or its value."""

    path: ModelPath
    part: str
    span: Span


def target_at(document: Document, position: Position) -> Target | None:
    """The deepest key or value of the document that contains `position`."""
    best: Target | None = None
    source = document.source_map
    for path in source.paths():
        located = source.get(path)
        if located is None:
            continue
        for part, span in (("key", located.key), ("value", located.value)):
            if span is None or not span.contains(position):
                continue
            if (
                best is None
                or len(path) > len(best.path)
                or (len(path) == len(best.path) and part == "key")
            ):
                best = Target(path, part, span)
    return best


@dataclass(frozen=True, slots=True)
class Symbol:
    """A named thing a reference can point at: a feed or a schema, by name."""

    kind: Kind
    name: str


def _scalar_text(document: Document, path: ModelPath) -> tuple[str, Span] | None:
    """A plain scalar's text and span without surrounding quotes."""
    located = document.source_map.get(path)
    if located is None:
        return None
    span = located.value
    if span.start.line != span.end.line:
        return None
    lines = editor_lines(document.text)
    if span.start.line >= len(lines):
        return None
    raw = lines[span.start.line][span.start.character : span.end.character]
    if len(raw) >= 2 and raw[0] in "'\"" and raw[-1] == raw[0]:
        start = Position(span.start.line, span.start.character + 1)
        return raw[1:-1], Span(start, Position(span.end.line, span.end.character - 1))
    return raw, span


def name_span(document: Document, path: ModelPath, name: str) -> Span | None:
    """The span of just `name` at the start of the scalar at `path` (`trade` in `trade:v1`)."""
    found = _scalar_text(document, path)
    if found is None:
        return None
    text, span = found
    if not text.startswith(name):
        return None
    start = span.start
    return Span(start, Position(start.line, start.character + len(name)))


def symbol_at(workspace: Workspace, document: Document, position: Position) -> Symbol | None:
    """The feed or schema name under the cursor (its definition or a reference to it)."""
    target = target_at(document, position)
    if target is None or target.part != "value":
        return None
    if document.kind is Kind.ENVIRONMENT and target.path == FEED_REF:
        found = _scalar_text(document, FEED_REF)
        return Symbol(Kind.FEED, found[0]) if found and found[0] else None
    if document.kind is Kind.ENVIRONMENT and target.path == SCHEMA_REF:
        found = _scalar_text(document, SCHEMA_REF)
        if not found or not found[0]:
            return None
        return Symbol(Kind.SCHEMA, found[0].split(":", 1)[0])
    named = document.kind in (Kind.FEED, Kind.SCHEMA) and target.path == NAME
    if named and document.declared_name:
        return Symbol(document.kind, document.declared_name)
    return None


def references(
    workspace: Workspace, symbol: Symbol, include_declaration: bool = True
) -> list[Location]:
    """Every place `symbol`'s name is written: its `name:` and each environment's reference."""
    found: list[Location] = []
    if include_declaration:
        for path in sorted(workspace.paths_named(symbol.kind, symbol.name)):
            span = name_span(workspace.documents[path], NAME, symbol.name)
            if span is not None:
                found.append(Location(path, span))
    if symbol.kind is Kind.FEED:
        users, ref_path = workspace.environments_using_feed(symbol.name), FEED_REF
    elif symbol.kind is Kind.SCHEMA:
        users, ref_path = workspace.environments_using_schema(symbol.name), SCHEMA_REF
    else:
        return found
    for path in users:
        span = name_span(workspace.documents[path], ref_path, symbol.name)
        if span is not None:
            found.append(Location(path, span))
    return found


def definition(
    workspace: Workspace, document: Document, position: Position, as_of: dt.date
) -> Location | None:
    """Feed ref -> the feed's file; schema ref -> the version entry; `schema_file` -> the file."""
    target = target_at(document, position)
    if target is None:
        return None
    model = document.model
    if document.kind is Kind.SCHEMA and target.path[-1:] == ("schema_file",):
        found = _scalar_text(document, target.path)
        if found and not escapes_schemas_dir(found[0]):
            path = schema_file_path(found[0])
            if path in workspace.documents:
                return Location(path, Span.point(0))
        return None
    symbol = symbol_at(workspace, document, position)
    if symbol is None:
        return None
    defining = workspace.named(symbol.kind, symbol.name)
    if defining is None:
        return None
    if symbol.kind is Kind.SCHEMA and isinstance(model, Environment):
        version = _schema_version_index(defining, SchemaRef.parse(model.schema_ref), as_of)
        if version is not None:
            return Location(defining.path, defining.span(("versions", version), "value"))
    return Location(defining.path, defining.span(NAME))


def _schema_version_index(document: Document, ref: SchemaRef, as_of: dt.date) -> int | None:
    schema = document.model
    if not isinstance(schema, Schema):
        return None
    chosen = schema_version_for(schema, ref, as_of)
    if chosen is None:
        return None
    return next(i for i, v in enumerate(schema.versions) if v is chosen)


@dataclass(slots=True)
class RenamePlan:
    """Text edits in every file that writes the name, and the file rename itself."""

    edits: list[tuple[Location, str]] = field(default_factory=list)
    rename_file: tuple[str, str] | None = None


class RenameRefused(ValueError):
    pass


def plan_rename(workspace: Workspace, symbol: Symbol, new_name: str) -> RenamePlan:
    """Rename a feed or schema everywhere, its file included; refuse a bad or taken name."""
    if not NAME_PATTERN.match(new_name):
        raise RenameRefused(
            f"'{new_name}' is not a valid name: use lowercase letters, digits, '-' and '_', "
            "starting with a letter"
        )
    if new_name != symbol.name and workspace.paths_named(symbol.kind, new_name):
        raise RenameRefused(f"a {symbol.kind} named '{new_name}' already exists; pick another")
    plan = RenamePlan()
    for location in references(workspace, symbol):
        plan.edits.append((location, new_name))
    old_file = registry_path(symbol.kind, symbol.name)
    if old_file in workspace.documents and new_name != symbol.name:
        plan.rename_file = (old_file, registry_path(symbol.kind, new_name))
    return plan


@dataclass(frozen=True, slots=True)
class OutlineItem:
    name: str
    detail: str
    kind: str
    """`file`, `version`, `key`: the front end picks an icon."""
    span: Span
    selection: Span
    children: tuple[OutlineItem, ...] = ()


def outline(document: Document) -> list[OutlineItem]:
    """Top-level keys, with each version listed under `versions` by id and date."""
    items: list[OutlineItem] = []
    source = document.source_map
    for path in source.paths():
        located = source.get(path)
        if located is None or len(path) != 1 or located.key is None:
            continue
        if not isinstance(path[0], str):
            continue
        key = path[0]
        children: list[OutlineItem] = []
        if key in ("versions", "keys"):
            for child_path in source.paths():
                child = source.get(child_path) if len(child_path) == 2 else None
                if child is None or child_path[0] != key:
                    continue
                children.append(_outline_child(document, key, child_path, child.key, child.value))
        whole = Span(located.key.start, max(located.key.end, located.value.end))
        detail = "" if children else _first_line(document, located.value)
        items.append(OutlineItem(key, detail, "key", whole, located.key, tuple(children)))
    return items


def _outline_child(
    document: Document, key: str, path: ModelPath, key_span: Span | None, value: Span
) -> OutlineItem:
    if key == "keys":
        selection = key_span or value
        return OutlineItem(str(path[1]), "key", "key", Span(selection.start, value.end), selection)
    version = _scalar_text(document, (*path, "version"))
    date = _scalar_text(document, (*path, "effective_from"))
    status = _scalar_text(document, (*path, "status"))
    name = version[0] if version else f"#{path[1]}"
    detail = " ".join(t[0] for t in (date, status) if t)
    selection = version[1] if version else value
    return OutlineItem(name, detail, "version", value, selection)


def _first_line(document: Document, span: Span) -> str:
    lines = editor_lines(document.text)
    if span.start.line >= len(lines):
        return ""
    line = lines[span.start.line]
    end = span.end.character if span.end.line == span.start.line else len(line)
    return line[span.start.character : end].strip()[:80]


@dataclass(frozen=True, slots=True)
class WorkspaceSymbol:
    name: str
    kind: Kind
    container: str
    location: Location


def workspace_symbols(workspace: Workspace, query: str, limit: int = 500) -> list[WorkspaceSymbol]:
    """Feeds, schemas, environments and their versions whose name contains `query`."""
    needle = query.lower()
    found: list[WorkspaceSymbol] = []
    for path in sorted(workspace.documents):
        document = workspace.documents[path]
        name = document.declared_name or PurePosixPath(path).name
        if document.kind is not Kind.CAPNP and needle in name.lower():
            span = name_span(document, NAME, name) or Span.point(0)
            found.append(
                WorkspaceSymbol(name, document.kind, document.kind.value, Location(path, span))
            )
        model = document.model
        if isinstance(model, Feed | Schema):
            ids = [v.version for v in model.versions]
            for index, version_id in enumerate(ids):
                label = f"{model.name}:{version_id}"
                if needle in label.lower():
                    span = document.span(("versions", index, "version"))
                    found.append(
                        WorkspaceSymbol(label, document.kind, model.name, Location(path, span))
                    )
        if len(found) >= limit:
            break
    return found[:limit]


@dataclass(frozen=True, slots=True)
class InlayHint:
    position: Position
    label: str
    tooltip: str


def inlay_hints(workspace: Workspace, document: Document, as_of: dt.date) -> list[InlayHint]:
    """After an environment's unpinned references: the version they resolve to on the date."""
    env = document.model
    if not isinstance(env, Environment):
        return []
    hints: list[InlayHint] = []
    feed = workspace.feed(env.feed)
    found = _scalar_text(document, FEED_REF)
    if feed is not None and found is not None:
        version = resolve_as_of(feed.versions, as_of)
        label = f" → {version.version}" if version else " → none in effect"
        hints.append(InlayHint(found[1].end, label, f"feed {feed.name} as of {as_of}"))
    ref = SchemaRef.parse(env.schema_ref)
    schema = workspace.schema(ref.name)
    found = _scalar_text(document, SCHEMA_REF)
    if schema is not None and not ref.pinned and found is not None:
        resolved = resolve_as_of(schema.versions, as_of, resolvable_schema_version())
        label = f" → {resolved.version}" if resolved else " → none in effect"
        hints.append(InlayHint(found[1].end, label, f"schema {schema.name} as of {as_of}"))
    return hints


@dataclass(frozen=True, slots=True)
class DocumentLink:
    span: Span
    target: str


def document_links(workspace: Workspace, document: Document) -> list[DocumentLink]:
    """Each `schema_file` value of a schema links to its `.capnp` file."""
    if document.kind is not Kind.SCHEMA:
        return []
    links: list[DocumentLink] = []
    for path in document.source_map.paths():
        if path[-1:] != ("schema_file",):
            continue
        found = _scalar_text(document, path)
        if found and found[0] and not escapes_schemas_dir(found[0]):
            links.append(DocumentLink(found[1], schema_file_path(found[0])))
    return links
