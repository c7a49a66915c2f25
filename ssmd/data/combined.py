"""Several environments in one report, the status filter, and `--fail-on` for monitoring.

The combined summary adds the environments' summaries (days, per-status
counts, bytes, records). `--status` narrows the rows shown, never the
summary; `--fail-on` looks at every day in range, whatever is shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence

from pydantic import BaseModel

from ssmd.data.inventory import DayStatus, Inventory, InventorySummary
from ssmd.data.storage import DataError


class CombinedSummary(InventorySummary):
    environments: int


class CombinedInventory(BaseModel):
    """`--all` or several `--env`: each environment's report, then their sum."""

    start: dt.date
    end: dt.date
    environments: list[Inventory]
    summary: CombinedSummary


def combine(reports: Sequence[Inventory]) -> CombinedInventory:
    counts = dict.fromkeys(DayStatus, 0)
    for report in reports:
        for status, count in report.summary.counts.items():
            counts[status] += count

    def total(field: str) -> int:
        return sum(int(getattr(r.summary, field)) for r in reports)

    return CombinedInventory(
        start=reports[0].start,
        end=reports[0].end,
        environments=list(reports),
        summary=CombinedSummary(
            environments=len(reports),
            days=total("days"),
            counts=counts,
            raw_bytes=total("raw_bytes"),
            normalized_bytes=total("normalized_bytes"),
            raw_records=total("raw_records"),
            normalized_records=total("normalized_records"),
        ),
    )


def parse_statuses(value: str | None, option: str) -> frozenset[DayStatus]:
    """`missing,failed` -> the statuses; an unknown name is refused with the known ones."""
    if value is None:
        return frozenset()
    found = set()
    for part in value.split(","):
        name = part.strip().lower()
        if not name:
            continue
        try:
            found.add(DayStatus(name))
        except ValueError:
            known = ", ".join(s.value for s in DayStatus)
            raise DataError(f"{option}: unknown status '{name}'; use one of {known}") from None
    if not found:
        raise DataError(f"{option} needs at least one status, e.g. {option} missing,failed")
    return frozenset(found)


def only_statuses(report: Inventory, statuses: Collection[DayStatus]) -> Inventory:
    """The report with only the rows of `statuses` (all rows when none is given)."""
    if not statuses:
        return report
    return report.model_copy(update={"days": [d for d in report.days if d.status in statuses]})


def failure_summary(reports: Sequence[Inventory], statuses: Collection[DayStatus]) -> str | None:
    """One line naming how many days have a failing status, and where; None when none has."""
    if not statuses:
        return None
    per_status = {s: 0 for s in DayStatus if s in statuses}
    places: list[str] = []
    for report in reports:
        bad = [d for d in report.days if d.status in statuses]
        if not bad:
            continue
        for day in bad:
            per_status[day.status] += 1
        places.append(
            f"{report.environment} {len(bad)} (first {bad[0].date}"
            + (f", last {bad[-1].date})" if len(bad) > 1 else ")")
        )
    total = sum(per_status.values())
    if total == 0:
        return None
    kinds = ", ".join(f"{count} {status.value}" for status, count in per_status.items() if count)
    span = f"{reports[0].start} to {reports[0].end}"
    return f"{total} days {span} match --fail-on ({kinds}): " + "; ".join(places)
