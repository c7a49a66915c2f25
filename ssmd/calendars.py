"""Venue calendars: is a day a trading day in the feed's time zone and holiday calendar?

Holidays come from the maintained `holidays` package (its financial market
calendars) rather than a hand-kept list. Names: friendly aliases
(`us_equity` = NYSE, ...), any market code the package knows in lower case
(`xnys`, `nyse`, `lse`, ...), or `none` (weekends only).
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from typing import Any

NO_HOLIDAYS = "none"
ALIASES = {
    "us_equity": "NYSE",
    "us_options": "NYSE",
    "uk_equity": "XLON",
    "eu_target": "ECB",
    "cme": "XCME",
}


@functools.cache
def _financial_markets() -> dict[str, str]:
    import holidays  # imported when a calendar is first needed: it is not free

    return {code.lower(): code for code in holidays.list_supported_financial()}


def known_calendars() -> list[str]:
    return sorted({NO_HOLIDAYS, *ALIASES, *_financial_markets()})


def market_code(calendar: str) -> str | None:
    """The `holidays` market code behind a calendar name, None for `none` or an unknown name."""
    if calendar in ALIASES:
        return ALIASES[calendar]
    return _financial_markets().get(calendar)


def is_known_calendar(calendar: str) -> bool:
    return calendar == NO_HOLIDAYS or market_code(calendar) is not None


@functools.cache
def available_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_known_timezone(name: str) -> bool:
    return name in available_timezones()


@functools.cache
def _holidays(code: str, year: int) -> Any:
    import holidays

    return holidays.financial_holidays(code, years=year)


def closed_reason(day: dt.date, calendar: str | None) -> str | None:
    """Why the venue is closed on `day` (a local date), or None when it trades.

    Weekends are closed on every calendar; holidays come from the market's calendar.
    """
    if day.weekday() >= 5:
        return "weekend"
    code = market_code(calendar) if calendar else None
    if code is None:
        return None
    name = _holidays(code, day.year).get(day)
    return f"holiday: {name}" if name else None
