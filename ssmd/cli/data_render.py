"""Text rendering of the data reports (inventory, gaps, quality)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator

from ssmd.cli.render import table
from ssmd.data.combined import CombinedInventory
from ssmd.data.day_report import GapsReport, QualityReport, SideGaps, SideQuality, SideState
from ssmd.data.inventory import DayStatus, Inventory, InventorySummary, SideEntry

UNITS = ("B", "KB", "MB", "GB", "TB", "PB")


def human_bytes(count: int | None) -> str:
    """Decimal units, as storage consoles show them: 523456789 -> 523MB."""
    if count is None:
        return "-"
    value = float(count)
    for unit in UNITS:
        if value < 1000 or unit == UNITS[-1]:
            break
        value /= 1000
    if unit == "B":
        return f"{count}B"
    return f"{value:.1f}{unit}" if value < 10 else f"{value:.0f}{unit}"


def human_duration(seconds: float) -> str:
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m{secs:02d}s"
    if minutes:
        return f"{minutes}m{secs:02d}s"
    return f"{seconds:.3g}s" if seconds < 10 else f"{secs}s"


def timestamp(moment: dt.datetime | None) -> str:
    if moment is None:
        return "-"
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)  # one zone in a column, whatever each writer used
    spec = "milliseconds" if moment.microsecond else "seconds"
    return moment.isoformat(timespec=spec).replace("+00:00", "Z")


def _size(entry: SideEntry | None) -> str:
    return human_bytes(entry.byte_size) if entry else "-"


def _number(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def _score(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def render_inventory(inventory: Inventory) -> str:
    calendar = (
        f"{inventory.timezone}, holidays {inventory.holiday_calendar}"
        if inventory.holiday_calendar is not None
        else f"{inventory.timezone}, no calendar: every day expected"
    )
    lines = [
        f"Feed: {inventory.feed}",
        f"Environment: {inventory.environment} ({inventory.storage})",
        f"Date Range: {inventory.start} to {inventory.end} ({calendar})",
        "",
    ]
    rows = [
        [
            str(row.date),
            _size(row.raw),
            _size(row.normalized),
            row.status.value,
            _score(row.quality_score),
            "-" if row.gap_count is None else str(row.gap_count),
            row.note or (row.closed or ""),
        ]
        for row in inventory.days
    ]
    lines.append(table(["Date", "Raw", "Normalized", "Status", "Quality", "Gaps", "Note"], rows))
    lines.append("")
    lines.extend(summary_lines(inventory.summary))
    return "\n".join(lines)


def summary_lines(summary: InventorySummary) -> list[str]:
    counts = summary.counts
    always = (DayStatus.COMPLETE, DayStatus.PARTIAL, DayStatus.MISSING)
    parts = [f"{counts[s]} {s.value}" for s in always]
    parts += [f"{counts[s]} {s.value}" for s in DayStatus if s not in always and counts[s]]
    return [
        f"Summary: {summary.days} days: {', '.join(parts)}",
        f"Total: raw {human_bytes(summary.raw_bytes)} in {summary.raw_records:,} records; "
        f"normalized {human_bytes(summary.normalized_bytes)} in "
        f"{summary.normalized_records:,} records",
    ]


def _side_title(side: SideGaps | SideQuality, brief: bool = False) -> str:
    if side.state is SideState.MISSING:
        return "no manifest"
    if side.state is SideState.INVALID:
        return "unusable (see below)" if brief else f"unusable manifest: {side.problem}"
    return side.status.value if side.status else "-"


def _day_header(feed: str, environment: str, day: dt.date, closed: str | None) -> list[str]:
    lines = [f"Feed: {feed}", f"Environment: {environment}", f"Date: {day}"]
    if closed:
        lines[-1] += f" (calendar: {closed})"
    return lines


def render_gaps(report: GapsReport) -> str:
    lines = _day_header(report.feed, report.environment, report.date, report.closed)
    lines.append("")
    rows = []
    for side in (report.raw, report.normalized):
        label = side.data_type.value
        lines.append(f"{label.capitalize()}: {_side_title(side)}, {len(side.gaps)} gaps")
        rows += [
            [
                label,
                timestamp(g.start),
                timestamp(g.end),
                human_duration(g.duration_seconds),
                g.reason or "-",
            ]
            for g in side.gaps
        ]
    if rows:
        lines.append("")
        lines.append(table(["Data", "Start", "End", "Duration", "Reason"], rows))
    return "\n".join(lines)


def render_quality(report: QualityReport) -> str:
    lines = _day_header(report.feed, report.environment, report.date, report.closed)
    lines.append("")
    raw, normalized = report.raw, report.normalized

    def coverage(side: SideQuality) -> str:
        return "-" if side.coverage is None else f"{side.coverage:.1%}"

    fields: list[tuple[str, str, str]] = [
        ("Manifest", _side_title(raw, brief=True), _side_title(normalized, brief=True)),
        ("Records", _number(raw.record_count), _number(normalized.record_count)),
        ("Bytes", human_bytes(raw.byte_size), human_bytes(normalized.byte_size)),
        ("First record", timestamp(raw.first_timestamp), timestamp(normalized.first_timestamp)),
        ("Last record", timestamp(raw.last_timestamp), timestamp(normalized.last_timestamp)),
        (f"Coverage ({report.timezone} day)", coverage(raw), coverage(normalized)),
        ("Gaps", _number(raw.gap_count), _number(normalized.gap_count)),
        ("Quality score", _score(raw.quality_score), _score(normalized.quality_score)),
        ("Connector", raw.connector_version or "-", normalized.connector_version or "-"),
        ("Schema version", raw.schema_version or "-", normalized.schema_version or "-"),
    ]
    lines.append(table(["", "Raw", "Normalized"], [list(f) for f in fields]))
    lines.append("")
    for side in (raw, normalized):
        if side.problem is not None:
            lines.append(f"{side.data_type.value.capitalize()} manifest unusable: {side.problem}")
    check = report.schema_check
    expected = check.expected or "nothing (the environment's schema does not resolve)"
    lines.append(
        f"Schema: environment resolves {expected} on {report.date}; "
        f"data records {check.recorded or 'no version'}: {check.verdict.value}"
    )
    records = report.records
    if records.difference is None:
        lines.append(f"Records raw vs normalized: {records.verdict.value}")
    else:
        lines.append(
            f"Records raw vs normalized: {_number(records.raw)} vs "
            f"{_number(records.normalized)} ({records.difference:+,}): {records.verdict.value}"
        )
    return "\n".join(lines)


def render_inventories(combined: CombinedInventory) -> str:
    """Each environment's report in turn, then one summary of them all."""
    parts = [render_inventory(report) for report in combined.environments]
    names = ", ".join(r.environment for r in combined.environments)
    total = summary_lines(combined.summary)
    total[0] = total[0].replace("Summary:", f"Combined: {combined.summary.environments} "
                                f"environments ({names}),", 1)  # fmt: skip
    rule = "-" * 72
    return f"\n\n{rule}\n".join(parts) + f"\n\n{rule}\n" + "\n".join(total)


CSV_COLUMNS = [
    "environment", "feed", "date", "status", "raw_bytes", "normalized_bytes", "raw_records",
    "normalized_records", "quality_score", "gap_count", "closed", "note",
]  # fmt: skip


def render_csv(reports: list[Inventory]) -> str:
    """One header, one line per day and environment; empty cells for unknown values."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)

    def cell(value: object) -> object:
        return "" if value is None else value

    for report in reports:
        for row in report.days:
            raw, normalized = row.raw, row.normalized
            writer.writerow(
                [
                    report.environment,
                    report.feed,
                    row.date.isoformat(),
                    row.status.value,
                    cell(raw.byte_size if raw else None),
                    cell(normalized.byte_size if normalized else None),
                    cell(raw.record_count if raw else None),
                    cell(normalized.record_count if normalized else None),
                    cell(row.quality_score),
                    cell(row.gap_count),
                    cell(row.closed),
                    cell(row.note),
                ]
            )
    return buffer.getvalue()


def json_chunks(combined: CombinedInventory) -> Iterator[str]:
    """`combined.model_dump_json(indent=2)`, one environment at a time (the same text)."""
    head = combined.model_dump(mode="json", include={"start", "end"})
    yield "{\n" + "".join(f"  {json.dumps(k)}: {json.dumps(v)},\n" for k, v in head.items())
    if not combined.environments:
        yield '  "environments": [],\n'
    else:
        yield '  "environments": [\n'
        for index, report in enumerate(combined.environments):
            text = report.model_dump_json(indent=2)
            yield "    " + text.replace("\n", "\n    ")
            yield ",\n" if index < len(combined.environments) - 1 else "\n"
        yield "  ],\n"
    yield '  "summary": ' + combined.summary.model_dump_json(indent=2).replace("\n", "\n  ")
    yield "\n}"
