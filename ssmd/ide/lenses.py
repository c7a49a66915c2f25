"""Editor views computed from the model: code lenses, folding, selection ranges, highlights.

Code lenses answer the two questions people open a registry file with: over a
feed or schema version, "is this the one in effect, and who uses it?"; over an
environment, "what does this resolve to today?". They use the same resolver as
`ssmd env show`, so the editor never disagrees with the CLI.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ssmd.document import Document, Kind
from ssmd.ide.navigation import NAME, name_span, references, symbol_at
from ssmd.models import Environment, Feed, FeedVersion, Schema, SchemaVersion
from ssmd.resolve import SchemaRef, resolvable_schema_version, resolve_as_of
from ssmd.span import Position, Span
from ssmd.views import environment_view, resolve_schema_ref
from ssmd.workspace import Workspace

_CODE = re.compile(r"SSMD\d{3}")


@dataclass(frozen=True, slots=True)
class Lens:
    span: Span
    title: str
    environments: tuple[str, ...] = ()
    """Environment names the lens lists when clicked (empty: informational only)."""


def code_lenses(workspace: Workspace, document: Document, as_of: dt.date) -> list[Lens]:
    model = document.model
    if isinstance(model, Feed | Schema):
        return _version_lenses(workspace, document, model, as_of)
    if isinstance(model, Environment):
        return [_environment_lens(workspace, document, model, as_of)]
    return []


def _version_lenses(
    workspace: Workspace, document: Document, model: Feed | Schema, as_of: dt.date
) -> list[Lens]:
    users = _users_by_version(workspace, model, as_of)
    current: FeedVersion | SchemaVersion | None
    versions: list[FeedVersion | SchemaVersion] = list(model.versions)
    if isinstance(model, Feed):
        current = resolve_as_of(model.versions, as_of)
    else:
        current = resolve_as_of(model.versions, as_of, resolvable_schema_version())
    lenses = []
    for index, version in enumerate(versions):
        span = document.span(("versions", index, "version"), "key")
        if version is current:
            state = f"in effect on {as_of}"
        elif version.effective_from > as_of:
            state = f"from {version.effective_from}"
        elif isinstance(version, SchemaVersion) and version.status.value == "draft":
            state = "draft: never resolves unpinned"
        else:
            state = "superseded"
        lenses.append(Lens(span, state))
        names = users.get(version.version, [])
        noun = "environment" if len(names) == 1 else "environments"
        lenses.append(Lens(span, f"used by {len(names)} {noun}", tuple(names)))
    return lenses


def _users_by_version(
    workspace: Workspace, model: Feed | Schema, as_of: dt.date
) -> dict[str, list[str]]:
    """version id -> names of the environments that use it on `as_of`."""
    found: dict[str, list[str]] = {}
    if isinstance(model, Feed):
        paths = workspace.environments_using_feed(model.name)
        current = resolve_as_of(model.versions, as_of)
        if current is not None:
            found[current.version] = [_name(workspace, p) for p in paths]
        return found
    for path in workspace.environments_using_schema(model.name):
        environment = workspace.documents[path].model
        if not isinstance(environment, Environment):
            continue
        version = resolve_schema_ref(workspace, SchemaRef.parse(environment.schema_ref), as_of)
        if version is not None:
            found.setdefault(version.version, []).append(environment.name)
    return found


def _name(workspace: Workspace, path: str) -> str:
    document = workspace.documents[path]
    return document.declared_name or document.stem


def _environment_lens(
    workspace: Workspace, document: Document, environment: Environment, as_of: dt.date
) -> Lens:
    view = environment_view(workspace, environment, as_of)
    feed = f"{environment.feed} {view.feed_version.version}" if view.feed_version else None
    parts = [feed or f"{environment.feed}: no version in effect"]
    parts.append(view.schema_resolved or f"{environment.schema_ref}: no version")
    return Lens(document.span(NAME, "key"), f"resolves to {', '.join(parts)} as of {as_of}")


# -- structure ----------------------------------------------------------------------------


def folding_ranges(document: Document) -> list[tuple[int, int]]:
    """(first, last) 0-based lines of every block that spans lines, and of comment runs."""
    ranges: set[tuple[int, int]] = set()
    for path in document.source_map.paths():
        if not path:
            continue
        located = document.source_map.get(path)
        if located is None:
            continue
        start = (located.key or located.value).start.line
        end = located.value.end
        offset = document.lines.offset(end.line)
        before_end = document.text[offset : offset + end.character]
        # a block ends where the next item starts (`  - `): that line is not part of it
        last = end.line - 1 if not before_end.strip(" -") else end.line
        if last > start:
            ranges.add((start, last))
    ranges |= _comment_runs(document.text)
    return sorted(ranges)


def _comment_runs(text: str) -> set[tuple[int, int]]:
    runs: set[tuple[int, int]] = set()
    start: int | None = None
    lines = text.split("\n")
    for number, line in enumerate([*lines, ""]):
        if line.lstrip().startswith("#"):
            start = number if start is None else start
            continue
        if start is not None and number - 1 > start:
            runs.add((start, number - 1))
        start = None
    return runs


def selection_ranges(document: Document, position: Position) -> list[Span]:
    """Spans containing `position`, innermost first: value, key and value, parent, ..."""
    spans: set[Span] = set()
    for path in document.source_map.paths():
        located = document.source_map.get(path)
        if located is None:
            continue
        whole = Span(located.key.start, located.value.end) if located.key else located.value
        for span in (located.value, located.key, whole):
            if span is not None and span.contains(position):
                spans.add(span)
    last = document.lines.count - 1
    spans.add(Span.of(0, 0, last, document.lines.length(last)))
    ordered = sorted(spans, key=lambda s: (-s.start.line, -s.start.character, s.end))
    return [s for s in ordered if _inside_all(s, ordered)]


def _inside_all(span: Span, ordered: list[Span]) -> bool:
    """Keep only a strictly nested chain (LSP requires each parent to contain the child)."""
    index = ordered.index(span)
    return all(o.start <= span.start and span.end <= o.end for o in ordered[index + 1 :])


def highlights(workspace: Workspace, document: Document, position: Position) -> list[Span]:
    """Where the feed or schema name under the cursor is written in this document."""
    symbol = symbol_at(workspace, document, position)
    if symbol is None:
        return []
    found = references(workspace, symbol)
    spans = [location.span for location in found if location.file == document.path]
    if not spans and document.kind in (Kind.FEED, Kind.SCHEMA):
        declared = name_span(document, NAME, symbol.name)
        spans = [declared] if declared else []
    return spans


def rule_code_at(text: str, position: Position) -> tuple[str, Span] | None:
    """A rule code (`SSMD305`) under the cursor, e.g. in a `# ssmd: ignore[...]` comment."""
    lines = text.split("\n")
    if position.line >= len(lines):
        return None
    for match in _CODE.finditer(lines[position.line]):
        if match.start() <= position.character <= match.end():
            span = Span.of(position.line, match.start(), position.line, match.end())
            return match.group(), span
    return None
