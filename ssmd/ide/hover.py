"""Hover text (Markdown) for a cursor position, built from the resolved views.

The same `ssmd.views` answer "what is in effect on this date" for the CLI's
`show` commands and for these hovers, so an editor never disagrees with the CLI.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ssmd.document import Document, Kind
from ssmd.ide.fields import field_at
from ssmd.ide.lenses import rule_code_at
from ssmd.ide.navigation import FEED_REF, NAME, SCHEMA_REF, target_at
from ssmd.models import Environment, Feed, FeedVersion, Schema, SchemaVersion
from ssmd.resolve import SchemaRef
from ssmd.rules import RULES
from ssmd.span import Position, Span
from ssmd.views import VersionPeriod, feed_view, hash_state, resolve_schema_ref, schema_view
from ssmd.workspace import Workspace

if TYPE_CHECKING:
    from ssmd.check import Diagnostic


@dataclass(frozen=True, slots=True)
class Hover:
    markdown: str
    span: Span


def hover(
    workspace: Workspace, document: Document, position: Position, as_of: dt.date
) -> Hover | None:
    """What the cursor is on, resolved as of `as_of`; None where there is nothing to say."""
    target = target_at(document, position)
    if target is None or not target.path:
        return None
    path, model = target.path, document.model
    text: str | None = None
    if target.part == "value":
        if isinstance(model, Environment) and path == FEED_REF:
            text = _feed_ref(workspace, model.feed, as_of)
        elif isinstance(model, Environment) and path == SCHEMA_REF:
            text = _schema_ref(workspace, SchemaRef.parse(model.schema_ref), as_of)
        elif isinstance(model, Feed) and path == NAME:
            text = _feed_ref(workspace, model.name, as_of)
        elif isinstance(model, Schema) and path == NAME:
            text = _schema_ref(workspace, SchemaRef(model.name), as_of)
    if text is None and isinstance(model, Feed | Schema) and path[0] == "versions":
        index = path[1] if len(path) > 1 and isinstance(path[1], int) else None
        if index is not None:
            text = _version(workspace, document, model, index, as_of)
    if text is None and target.part == "key" and document.kind is not Kind.CAPNP:
        text = _key_doc(document.kind, path)
    return Hover(text, target.span) if text else None


def _timeline(periods: list[VersionPeriod]) -> str:
    rows = ["| | version | from | until | status |", "|---|---|---|---|---|"]
    for period in periods:
        marker = "▶" if period.in_effect else ""
        until = str(period.effective_until) if period.effective_until else "open"
        rows.append(
            f"| {marker} | {period.version} | {period.effective_from} | {until} | "
            f"{period.status or ''} |"
        )
    return "\n".join(rows)


def _fields(version: FeedVersion | SchemaVersion) -> str:
    fields = version.model_dump(mode="json", exclude={"version", "effective_from"})
    return "\n".join(
        f"- `{key}`: {yaml_value(value)}"
        for key, value in fields.items()
        if value not in (None, [], "")
    )


def yaml_value(value: object) -> str:
    """A value as the YAML file would write it (`true`, `[v1, v2]`), not as Python prints it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, list):
        return "[" + ", ".join(yaml_value(item) for item in value) + "]"
    return str(value)


def _feed_ref(workspace: Workspace, name: str, as_of: dt.date) -> str:
    feed = workspace.feed(name)
    if feed is None:
        return f"**feed `{name}`**: no such feed in exchanges/feeds/"
    view = feed_view(workspace, feed, as_of)
    title = f"**feed `{feed.name}`**" + (f" — {feed.display_name}" if feed.display_name else "")
    parts = [f"{title}  \n{feed.type.value}, {feed.status.value}"]
    if view.in_effect is None:
        parts.append(f"As of {as_of}: **no version in effect**")
    else:
        current = view.in_effect
        parts.append(f"As of {as_of}: **{current.version}** (from {current.effective_from})")
        parts.append(_fields(current))
    parts.append(_timeline(view.timeline))
    parts.append(f"Used by: {', '.join(view.used_by) or 'no environment'}")
    return "\n\n".join(parts)


def _schema_ref(workspace: Workspace, ref: SchemaRef, as_of: dt.date) -> str:
    schema = workspace.schema(ref.name)
    if schema is None:
        return f"**schema `{ref.name}`**: no such schema in exchanges/schemas/"
    view = schema_view(workspace, schema, as_of)
    version = resolve_schema_ref(workspace, ref, as_of)
    how = "pinned" if ref.pinned else f"as of {as_of}"
    parts = [f"**schema `{schema.name}`** ({schema.format.value}, `{schema.schema_file}`)"]
    if version is None:
        parts.append(f"{how}: **no version**")
    else:
        state = hash_state(workspace, schema, version)
        parts.append(
            f"{how}: **{schema.name}:{version.version}** — {version.status.value}, "
            f"from {version.effective_from}, hash {state}"
        )
        parts.append(_fields(version))
    parts.append(_timeline(view.timeline))
    parts.append(f"Used by: {', '.join(view.used_by) or 'no environment'}")
    return "\n\n".join(parts)


def _version(
    workspace: Workspace, document: Document, model: Feed | Schema, index: int, as_of: dt.date
) -> str | None:
    if index >= len(model.versions):
        return None
    chosen = model.versions[index]
    if isinstance(model, Feed):
        periods = feed_view(workspace, model, as_of).timeline
        users = workspace.environments_using_feed(model.name)
    else:
        periods = schema_view(workspace, model, as_of).timeline
        users = workspace.environments_using_schema(model.name)
    period = next((p for p in periods if p.version == chosen.version), None)
    if period is None:
        return None
    until = period.effective_until or "open-ended"
    lines = [
        f"**{model.name}:{chosen.version}** in effect {period.effective_from} .. {until}"
        + (f" (the one in effect on {as_of})" if period.in_effect else "")
    ]
    if isinstance(model, Schema) and isinstance(chosen, SchemaVersion):
        lines.append(f"status {chosen.status.value}; hash {hash_state(workspace, model, chosen)}")
    names = [p.rsplit("/", 1)[-1].removesuffix(".yaml") for p in users]
    lines.append(f"Environments using {model.name}: {', '.join(names) or 'none'}")
    return "\n\n".join(lines)


def _key_doc(kind: Kind, path: tuple[str | int, ...]) -> str | None:
    key = path[-1]
    if not isinstance(key, str):
        return None
    info = field_at(kind, path[:-1], key)
    if info is None or not info.description:
        return None
    required = "required" if info.is_required() else "optional"
    return f"`{key}` ({required}): {info.description}"


def hover_with_rules(
    workspace: Workspace,
    document: Document,
    position: Position,
    as_of: dt.date,
    findings: Iterable[Diagnostic] = (),
) -> Hover | None:
    """`hover`, plus the documentation of the rules whose findings cover the position.

    On a rule code itself (`# ssmd: ignore[SSMD305] ...`) the answer is that rule's docs.
    """
    on_code = rule_code_at(document.text, position)
    if on_code is not None and (doc := rule_doc(on_code[0])) is not None:
        return Hover(doc, on_code[1])
    answer = hover(workspace, document, position, as_of)
    codes = sorted({d.code for d in findings if d.span.contains(position)})
    docs = [doc for code in codes if (doc := rule_doc(code)) is not None]
    if not docs:
        return answer
    span = answer.span if answer else next(d.span for d in findings if d.span.contains(position))
    parts = ([answer.markdown] if answer else []) + docs
    return Hover("\n\n---\n\n".join(parts), span)


def rule_doc(code: str) -> str | None:
    """A rule's documentation, for hovers on diagnostics and code descriptions."""
    rule = RULES.get(code)
    return f"**{code}** {rule.name}\n\n{rule.documentation}" if rule else None
