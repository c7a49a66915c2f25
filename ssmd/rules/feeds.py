"""Rules about versions and feeds (SSMD101-105)."""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Sequence
from urllib.parse import urlsplit

from ssmd import codes
from ssmd.calendars import (
    available_timezones,
    is_known_calendar,
    is_known_timezone,
    known_calendars,
)
from ssmd.document import Document, Kind
from ssmd.models import Feed, FeedVersion, Protocol, Schema, SchemaVersion
from ssmd.rules.context import Context
from ssmd.rules.registry import Edit, Finding, Fix, Severity, rule

SCHEMES_OF_PROTOCOL: dict[Protocol, frozenset[str]] = {
    Protocol.WSS: frozenset({"wss"}),
    Protocol.WS: frozenset({"ws"}),
    Protocol.HTTPS: frozenset({"https"}),
    Protocol.HTTP: frozenset({"http"}),
    Protocol.TCP: frozenset({"tcp"}),
    Protocol.UDP: frozenset({"udp"}),
    Protocol.FIX: frozenset({"fix", "fixs", "tcp"}),
}


def protocol_for_scheme(scheme: str) -> Protocol | None:
    """The protocol an endpoint's URL scheme implies (the CLI infers it from the endpoint)."""
    try:
        return Protocol(scheme.lower())
    except ValueError:
        return Protocol.FIX if scheme.lower() == "fixs" else None


def _versions(document: Document) -> Sequence[FeedVersion | SchemaVersion]:
    model = document.model
    return model.versions if isinstance(model, Feed | Schema) else ()


@rule(codes.DUPLICATE_VERSION, "duplicate-version", Severity.ERROR, Kind.FEED, Kind.SCHEMA)
def unique_version_ids(document: Document, context: Context) -> Iterator[Finding]:
    """Two versions of one feed or schema share a version id."""
    seen: set[str] = set()
    for index, version in enumerate(_versions(document)):
        if version.version in seen:
            yield Finding(
                f"version '{version.version}' is listed twice; give this one the next free id",
                ("versions", index, "version"),
            )
        seen.add(version.version)


@rule(
    codes.DUPLICATE_EFFECTIVE_FROM,
    "duplicate-effective-from",
    Severity.ERROR,
    Kind.FEED,
    Kind.SCHEMA,
)
def unique_effective_dates(document: Document, context: Context) -> Iterator[Finding]:
    """Two versions take effect on the same day, so "which one is in effect" has no answer."""
    seen: dict[object, str] = {}
    for index, version in enumerate(_versions(document)):
        other = seen.get(version.effective_from)
        if other is not None:
            yield Finding(
                f"{version.version} takes effect on {version.effective_from}, the same day as "
                f"{other}; move one of them to another date",
                ("versions", index, "effective_from"),
            )
        seen.setdefault(version.effective_from, version.version)


@rule(codes.ENDPOINT_SCHEME, "endpoint-scheme", Severity.ERROR, Kind.FEED)
def endpoint_fits_protocol(document: Document, context: Context) -> Iterator[Finding]:
    """The endpoint's URL scheme must fit the version's `protocol`.

    `wss` needs `wss://`, `https` needs `https://`, `fix` takes `fix://`,
    `fixs://` or `tcp://`, and so on.
    """
    if not isinstance(document.model, Feed):
        return
    for index, version in enumerate(document.model.versions):
        scheme = urlsplit(version.endpoint).scheme.lower()
        allowed = SCHEMES_OF_PROTOCOL[version.protocol]
        if scheme in allowed:
            continue
        fix = None
        implied = protocol_for_scheme(scheme)
        if implied is not None:
            edit = Edit(implied.value, ("versions", index, "protocol"))
            fix = Fix(f"Set protocol to '{implied.value}'", (edit,))
        yield Finding(
            f"endpoint scheme '{scheme}://' does not fit protocol '{version.protocol.value}' "
            f"(expected {' or '.join(s + '://' for s in sorted(allowed))}); "
            "fix the URL or the protocol",
            ("versions", index, "endpoint"),
            fix=fix,
        )


@rule(codes.UNKNOWN_TIMEZONE, "unknown-timezone", Severity.ERROR, Kind.FEED)
def known_timezone(document: Document, context: Context) -> Iterator[Finding]:
    """The calendar's `timezone` must be an IANA zone name such as `America/New_York`."""
    feed = document.model
    if not isinstance(feed, Feed) or feed.calendar is None:
        return
    zone = feed.calendar.timezone
    if is_known_timezone(zone):
        return
    close = difflib.get_close_matches(zone, sorted(available_timezones()), n=1)
    hint = f"did you mean '{close[0]}'?" if close else "use an IANA name like 'America/New_York'"
    fix = (
        Fix(f"Change to '{close[0]}'", (Edit(close[0], ("calendar", "timezone")),))
        if close
        else None
    )
    yield Finding(f"unknown time zone '{zone}'; {hint}", ("calendar", "timezone"), fix=fix)


@rule(codes.UNKNOWN_HOLIDAY_CALENDAR, "unknown-holiday-calendar", Severity.ERROR, Kind.FEED)
def known_holiday_calendar(document: Document, context: Context) -> Iterator[Finding]:
    """The calendar's `holiday_calendar` must be one ssmd knows (or `none`).

    Known names: `us_equity` (NYSE), `us_options`, `uk_equity`, `eu_target`,
    `cme`, any market code of the `holidays` package in lower case (`xnys`,
    `xlon`, ...), and `none` for weekends only.
    """
    feed = document.model
    if not isinstance(feed, Feed) or feed.calendar is None:
        return
    name = feed.calendar.holiday_calendar
    if is_known_calendar(name):
        return
    close = difflib.get_close_matches(name, known_calendars(), n=1)
    hint = f"did you mean '{close[0]}'?" if close else "use us_equity, a market code, or none"
    path = ("calendar", "holiday_calendar")
    fix = Fix(f"Change to '{close[0]}'", (Edit(close[0], path),)) if close else None
    yield Finding(f"unknown holiday calendar '{name}'; {hint}", path, fix=fix)
