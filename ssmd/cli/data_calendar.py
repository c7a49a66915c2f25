"""`ssmd data inventory --format calendar`: a year at a glance in the terminal.

One grid per environment and calendar year, GitHub style: a row per weekday
(Monday first), a column per week, month names across the top, one cell per
day. At a terminal each cell is a coloured square; in a pipe, a file or with
`NO_COLOR` each status has its own plain character, so the picture still
reads (and diffs) without colour. Days outside the range are blank.
"""

from __future__ import annotations

import datetime as dt

from ssmd.cli.data_render import summary_lines
from ssmd.data.inventory import DayStatus, Inventory

PLAIN = {
    DayStatus.COMPLETE: "#",
    DayStatus.PARTIAL: "+",
    DayStatus.PROCESSING: "~",
    DayStatus.FAILED: "x",
    DayStatus.INVALID: "?",
    DayStatus.MISSING: "!",
    DayStatus.CLOSED: ".",
}
"""One character per status, distinct without colour."""

COLOURED = {
    DayStatus.COMPLETE: ("32", "\u25a0"),
    DayStatus.PARTIAL: ("33", "\u25a0"),
    DayStatus.PROCESSING: ("36", "\u25a0"),
    DayStatus.FAILED: ("31", "\u25a0"),
    DayStatus.INVALID: ("35", "\u25a0"),
    DayStatus.MISSING: ("91", "\u25a1"),
    DayStatus.CLOSED: ("90", "\u00b7"),
}
"""ANSI colour and glyph per status: filled squares for data, hollow for missing, dot for closed."""

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
LABEL = 4
"""Width of the weekday labels in front of the grid."""


def cell(status: DayStatus | None, colour: bool) -> str:
    if status is None:
        return " "
    if not colour:
        return PLAIN[status]
    code, glyph = COLOURED[status]
    return f"\x1b[{code}m{glyph}\x1b[0m"


def legend(colour: bool) -> str:
    return "Legend: " + "  ".join(f"{cell(s, colour)} {s.value}" for s in DayStatus)


def year_grid(
    statuses: dict[dt.date, DayStatus], first: dt.date, last: dt.date, colour: bool
) -> list[str]:
    """The rows (month names, then Monday to Sunday) for the days `first`..`last` of one year."""
    origin = first - dt.timedelta(days=first.weekday())
    weeks = (last - origin).days // 7 + 1
    months = [" "] * (weeks + 3)  # a name may run past the last week
    free = 0
    month = dt.date(first.year, first.month, 1)
    while month <= last:
        column = (max(month, first) - origin).days // 7
        if column >= free:
            months[column : column + 3] = list(f"{month:%b}")
            free = column + 4
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    lines = [" " * LABEL + "".join(months).rstrip()]
    for weekday, label in enumerate(WEEKDAYS):
        cells = []
        for week in range(weeks):
            day = origin + dt.timedelta(days=week * 7 + weekday)
            inside = first <= day <= last
            cells.append(cell(statuses.get(day) if inside else None, colour))
        lines.append(f"{label:<{LABEL}}" + "".join(cells).rstrip())
    return lines


def render_calendar(report: Inventory, colour: bool) -> str:
    statuses = {row.date: row.status for row in report.days}
    lines: list[str] = []
    for year in range(report.start.year, report.end.year + 1):
        first = max(report.start, dt.date(year, 1, 1))
        last = min(report.end, dt.date(year, 12, 31))
        lines.append(f"{report.environment} ({report.feed}, {report.timezone}): {year}")
        lines += year_grid(statuses, first, last, colour)
        lines.append("")
    lines.append(legend(colour))
    lines.append(summary_lines(report.summary)[0])
    return "\n".join(lines)


def render_calendars(reports: list[Inventory], colour: bool) -> str:
    return "\n\n".join(render_calendar(report, colour) for report in reports)
