"""SSMD401: a change to a feed or schema whose effect starts before today (rewrites history).

The comparison base is given by the caller (`ssmd validate --base REF`,
`ssmd commit`, which compares with HEAD); without one the rule has nothing to
compare with and stays silent. `ssmd plan` reports the same changes per
environment, with the past dates that now replay differently.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ssmd import codes
from ssmd.document import Document, Kind, load_document
from ssmd.models import Feed, FeedVersion, Schema, SchemaStatus, SchemaVersion
from ssmd.resolve import today
from ssmd.rules.context import Context
from ssmd.rules.registry import Finding, Severity, rule

if TYPE_CHECKING:
    from ssmd.check import Diagnostic

NOT_REPLAYED = {"breaking_changes", "compatible_with"}
"""Version fields that do not change what a replay does (documentation of compatibility)."""


@rule(codes.RETROACTIVE_CHANGE, "retroactive-change", Severity.WARNING, Kind.FEED, Kind.SCHEMA)
def retroactive_change(document: Document, context: Context) -> Iterator[Finding]:
    """A feed or schema version changed in a way whose effect starts before today.

    Adding a version dated in the past, moving an `effective_from` earlier than
    today, editing a version already in effect (its endpoint, limits, hash,
    file) or removing one: replays of those past dates would now run with
    another configuration than the one that was live. Replaying Dec 1st data
    with the configuration active on Dec 1st is the registry's promise, so
    `ssmd commit` and `ssmd validate --base REF` refuse such a change unless
    `--allow-retroactive` says it is meant (e.g. correcting a wrong date).
    `ssmd plan` lists which environments and which dates replay differently.
    The rule compares with a base commit (HEAD for `ssmd commit`); without one
    it reports nothing.
    """
    base = context.base
    model = document.model
    if base is None or not isinstance(model, Feed | Schema):
        return
    committed = base.committed([document.path]).get(document.path)
    if committed is None:
        return
    before = load_document(document.path, committed.decode("utf-8", "replace")).model
    if not isinstance(before, Feed | Schema):
        return
    short = (base.head or "")[:7]
    for index, message in rewrites(before, model, today()):
        yield Finding(f"{message} (compared with {short}); {_advice()}", ("versions", index))
    removed = removed_in_effect(before, model, today())
    if removed:
        yield Finding(
            f"{', '.join(removed)} removed though already in effect (compared with {short}); "
            + _advice(),
            ("versions",),
            part="key",
        )


def refused_retroactive(diagnostic: Diagnostic, allowed: bool) -> bool:
    """Whether a finding blocks `ssmd commit` / `validate --base`: SSMD401 unless allowed."""
    return diagnostic.code == codes.RETROACTIVE_CHANGE and not allowed


def _advice() -> str:
    return (
        "past dates would replay differently: add a version effective from a future date "
        "instead, or pass --allow-retroactive if rewriting history is meant"
    )


def _replayed(version: FeedVersion | SchemaVersion) -> dict[str, object]:
    data = version.model_dump(mode="json", exclude=NOT_REPLAYED)
    if isinstance(version, SchemaVersion):
        # active and deprecated both resolve: only draft <-> resolvable changes a replay
        data["status"] = version.status is SchemaStatus.DRAFT
    return data


def rewrites(before: Feed | Schema, after: Feed | Schema, on: dt.date) -> Iterator[tuple[int, str]]:
    """(index in `after.versions`, what happened) for every version change effective before `on`."""
    versions: list[FeedVersion | SchemaVersion] = list(after.versions)
    old: dict[str, FeedVersion | SchemaVersion] = {v.version: v for v in before.versions}
    for index, version in enumerate(versions):
        was = old.get(version.version)
        start = version.effective_from
        if _draft(version) and (was is None or _draft(was)):
            continue  # a draft never resolves: no replay uses it
        if was is None:
            if start < on:
                yield index, f"{version.version} added effective {start}, before today ({on})"
            continue
        if was.effective_from != start and min(was.effective_from, start) < on:
            yield (
                index,
                f"{version.version}'s effective_from moved from {was.effective_from} to {start}",
            )
        elif start < on and _replayed(was) != _replayed(version):
            changed = sorted(k for k, v in _replayed(version).items() if _replayed(was).get(k) != v)
            yield (
                index,
                (f"{version.version} edited ({', '.join(changed)}) though in effect since {start}"),
            )


def removed_in_effect(before: Feed | Schema, after: Feed | Schema, on: dt.date) -> list[str]:
    kept = {v.version for v in after.versions}
    return [
        v.version
        for v in before.versions
        if v.version not in kept and v.effective_from < on and not _draft(v)
    ]


def _draft(version: FeedVersion | SchemaVersion) -> bool:
    return isinstance(version, SchemaVersion) and version.status is SchemaStatus.DRAFT
