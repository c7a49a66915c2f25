"""`ssmd data inventory --format html`: one self-contained page, a heatmap per environment.

Each environment gets an SVG grid per calendar year (a row per weekday, a
column per week, as in the terminal calendar), one square per day coloured
by status, with a tooltip (the SVG `<title>`) giving the day's status,
sizes, records, quality, gap count and note. No script, font or stylesheet
is fetched: the file can be mailed, archived or opened offline.
Every square carries `data-date` and `data-status` for tools and tests.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from ssmd.cli.data_render import human_bytes, summary_lines
from ssmd.data.inventory import DayRow, DayStatus, Inventory

COLOURS = {
    DayStatus.COMPLETE: "#2da44e",
    DayStatus.PARTIAL: "#d4a72c",
    DayStatus.PROCESSING: "#54aeff",
    DayStatus.FAILED: "#cf222e",
    DayStatus.INVALID: "#8250df",
    DayStatus.MISSING: "#ff8182",
    DayStatus.CLOSED: "#ebedf0",
}
CELL, STEP, LEFT, TOP = 11, 14, 32, 16
WEEKDAYS = ("Mon", "", "Wed", "", "Fri", "", "Sun")
STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1f2328; }
h1 { font-size: 20px; } h2 { font-size: 16px; margin: 28px 0 4px; }
.meta { color: #59636e; margin: 0 0 8px; }
svg { display: block; margin: 4px 0 8px; }
svg text { font-size: 10px; fill: #59636e; }
rect.day { stroke: rgba(27, 31, 36, 0.08); }
rect.day:hover { stroke: #1f2328; stroke-width: 1.5; }
.legend span { display: inline-block; margin-right: 14px; }
.legend i { display: inline-block; width: 11px; height: 11px; margin-right: 4px;
  vertical-align: -1px; border-radius: 2px; }
"""


def tooltip(row: DayRow) -> str:
    lines = [f"{row.date} {row.date:%a}: {row.status.value}"]
    sides = []
    for label, side in (("raw", row.raw), ("normalized", row.normalized)):
        if side is None:
            sides.append(f"{label}: none")
        elif side.problem is not None:
            sides.append(f"{label}: unusable")
        else:
            records = "" if side.record_count is None else f" ({side.record_count:,} records)"
            sides.append(f"{label} {human_bytes(side.byte_size)}{records}")
    lines.append(", ".join(sides))
    quality = "-" if row.quality_score is None else f"{row.quality_score:.2f}"
    gaps = "-" if row.gap_count is None else str(row.gap_count)
    lines.append(f"quality {quality}, gaps {gaps}")
    if row.note or row.closed:
        lines.append(row.note or f"calendar: {row.closed}")
    return "\n".join(lines)


def year_svg(rows: dict[dt.date, DayRow], first: dt.date, last: dt.date) -> str:
    origin = first - dt.timedelta(days=first.weekday())
    weeks = (last - origin).days // 7 + 1
    width, height = LEFT + weeks * STEP + 30, TOP + 7 * STEP
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="{first} to {last}">'
    ]
    for index, label in enumerate(WEEKDAYS):
        if label:
            parts.append(f'<text x="0" y="{TOP + index * STEP + CELL - 1}">{label}</text>')
    month, free = dt.date(first.year, first.month, 1), 0
    while month <= last:
        column = (max(month, first) - origin).days // 7
        if column >= free:
            parts.append(f'<text x="{LEFT + column * STEP}" y="10">{month:%b}</text>')
            free = column + 3
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    day = first
    while day <= last:
        row = rows.get(day)
        if row is not None:
            x = LEFT + ((day - origin).days // 7) * STEP
            y = TOP + day.weekday() * STEP
            parts.append(
                f'<rect class="day" x="{x}" y="{y}" width="{CELL}" height="{CELL}" rx="2" '
                f'fill="{COLOURS[row.status]}" data-date="{day}" data-status="{row.status.value}">'
                f"<title>{escape(tooltip(row))}</title></rect>"
            )
        day += dt.timedelta(days=1)
    parts.append("</svg>")
    return "".join(parts)


def environment_section(report: Inventory) -> str:
    rows = {row.date: row for row in report.days}
    calendar = (
        f"holidays {report.holiday_calendar}"
        if report.holiday_calendar is not None
        else "no calendar: every day expected"
    )
    parts = [
        f'<section class="environment" data-environment="{escape(report.environment)}">',
        f"<h2>{escape(report.environment)} &middot; feed {escape(report.feed)}</h2>",
        f'<p class="meta">{escape(report.storage)}; {report.start} to {report.end} '
        f"({escape(report.timezone)}, {escape(calendar)})</p>",
    ]
    for year in range(report.start.year, report.end.year + 1):
        first = max(report.start, dt.date(year, 1, 1))
        last = min(report.end, dt.date(year, 12, 31))
        parts.append(
            f'<div class="year" data-year="{year}">{year}{year_svg(rows, first, last)}</div>'
        )
    parts += [f'<p class="summary">{escape(line)}</p>' for line in summary_lines(report.summary)]
    parts.append("</section>")
    return "\n".join(parts)


def render_html(reports: list[Inventory]) -> str:
    names = ", ".join(r.environment for r in reports)
    swatches = "".join(
        f'<span><i style="background:{COLOURS[s]}"></i>{s.value}</span>' for s in DayStatus
    )
    body = "\n".join(environment_section(report) for report in reports)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f"<title>ssmd data inventory: {escape(names)}</title>"
        f"<style>{STYLE}</style></head><body>\n"
        f"<h1>Data inventory, {reports[0].start} to {reports[0].end}</h1>\n"
        f'<p class="legend">{swatches}</p>\n'
        f"{body}\n</body></html>\n"
    )
