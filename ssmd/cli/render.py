"""Text rendering of resolved views, shared by the `show` and `list` commands."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from ssmd.models import FeedVersion
from ssmd.views import EnvironmentView, FeedView, SchemaView, VersionPeriod

if TYPE_CHECKING:  # the evolution checker is imported by `schema diff` alone (start-up)
    from ssmd.schema_diff import Comparison


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A plain, aligned table: greppable, and the same on a terminal and in a pipe."""
    materialized = [list(headers), *[list(r) for r in rows]]
    widths = [max(len(row[i]) for row in materialized) for i in range(len(headers))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in materialized
    )


def period_lines(periods: list[VersionPeriod]) -> list[str]:
    lines = []
    for period in periods:
        marker = "*" if period.in_effect else " "
        until = str(period.effective_until) if period.effective_until else "(open)"
        status = f"  {period.status}" if period.status else ""
        lines.append(f"  {marker} {period.version:<5} {period.effective_from} .. {until}{status}")
    return lines


def feed_version_lines(version: FeedVersion) -> list[str]:
    fields = version.model_dump(mode="json", exclude={"version", "effective_from"})
    return [f"    {key}: {_yaml_text(value)}" for key, value in fields.items() if value is not None]


def _yaml_text(value: object) -> str:
    """A value as the YAML file spells it (`true`, not Python's `True`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def render_feed(view: FeedView) -> str:
    feed = view.feed
    title = f"Feed: {feed.name}" + (f" ({feed.display_name})" if feed.display_name else "")
    lines = [title, f"Type: {feed.type.value}   Status: {feed.status.value}"]
    if view.in_effect is None:
        lines.append(f"As of {view.as_of}: no version in effect")
    else:
        current = view.in_effect
        lines.append(f"As of {view.as_of}: {current.version} (effective {current.effective_from})")
        lines.extend(feed_version_lines(current))
    lines.append("Versions:")
    lines.extend(period_lines(view.timeline))
    if feed.calendar:
        lines.append(
            f"Calendar: {feed.calendar.timezone}, holidays {feed.calendar.holiday_calendar}"
        )
    lines.append(f"Used by: {', '.join(view.used_by) or '(no environment)'}")
    return "\n".join(lines)


def render_schema(view: SchemaView) -> str:
    schema = view.schema_
    lines = [f"Schema: {schema.name} ({schema.format.value}, {schema.schema_file})"]
    current = view.in_effect
    in_effect = f"{current.version} ({current.status.value})" if current else "no version"
    lines.append(f"As of {view.as_of}: {in_effect}")
    lines.append("Versions:")
    for period, entry in zip(view.timeline, view.versions, strict=True):
        (line,) = period_lines([period])
        lines.append(f"{line}  {entry.file}  hash {entry.hash_state}")
    lines.append(f"Used by: {', '.join(view.used_by) or '(no environment)'}")
    return "\n".join(lines)


def render_environment(view: EnvironmentView) -> str:
    env = view.environment
    lines = [f"Environment: {env.name}", f"As of {view.as_of}:"]
    if view.feed_version:
        version = view.feed_version
        lines.append(f"  feed:   {env.feed} {version.version} ({version.endpoint})")
    else:
        lines.append(f"  feed:   {env.feed} (no version in effect)")
    resolved = view.schema_resolved or "(does not resolve)"
    status = f", {view.schema_version.status.value}" if view.schema_version else ""
    lines.append(f"  schema: {env.schema_ref} -> {resolved}{status}")
    if view.variables:
        lines.append("Keys (read from the environment; values are never shown):")
        for variable in view.variables:
            state = "set" if variable.is_set else "NOT SET"
            need = "required" if variable.required else "optional"
            lines.append(f"  {variable.variable:<28} {state} ({need})")
    if env.transport:
        url = f" {env.transport.url}" if env.transport.url else ""
        lines.append(f"Transport: {env.transport.type.value}{url}")
    if env.storage:
        storage = env.storage
        if storage.path is not None:
            where = storage.path
        else:
            where = f"s3://{storage.raw_bucket or 'ssmd-raw'}"
            where += f", s3://{storage.normalized_bucket or 'ssmd-normalized'}"
            where += f" (prefix {storage.prefix})" if storage.prefix else ""
        lines.append(f"Storage: {storage.type.value} {where}")
    return "\n".join(lines)


def render_comparison(comparison: Comparison, prefix: str = "") -> str:
    """`schema diff` as text (ssmd.evolution_report: verdict, then one line per finding)."""
    from ssmd.evolution_report import render_text

    return render_text(comparison, prefix)
