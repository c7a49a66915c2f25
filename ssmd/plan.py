"""`ssmd plan`: what each environment will do differently, from which date, between two registries.

Both sides are loaded whole (the base from git with `Workspace.load_at`, the
head from git or the work tree) and every environment's *effective
configuration timeline* (`ssmd.effective`) is compared on the union of both
sides' change points. A difference is reported as an interval, and an
interval that starts before today rewrites history: replays of those past
dates now use another configuration. Entities added, removed or changed are
listed in the registry's own words (`ssmd.registry_diff.describe`).

The JSON shape (`Plan.to_json`) is public and documented in docs/plan.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from ssmd.document import Document, Kind
from ssmd.effective import ALWAYS, change_points, timeline
from ssmd.git import GitError, resolve_ref, run_git
from ssmd.git import is_shallow as is_shallow  # re-exported: ssmd.registry_log imports it
from ssmd.models import Environment
from ssmd.registry_diff import describe
from ssmd.resolve import SchemaRef, today
from ssmd.workspace import Workspace

PLAN_FORMAT_VERSION = 1
"""`format_version` of the JSON: bumped only on an incompatible change (docs/plan.md)."""
WORKTREE = "worktree"


class Action(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


@dataclass(frozen=True, slots=True)
class Difference:
    aspect: str
    """`feed.endpoint`, `schema.version`, `schema.hash`, `keys`, `storage.path`, ..."""
    before: str | None
    after: str | None


@dataclass(frozen=True, slots=True)
class Interval:
    start: dt.date
    """First day the difference applies; `ALWAYS` (shown `always`) for before any date."""
    until: dt.date | None
    """Last day, None while open-ended."""
    differences: tuple[Difference, ...]

    def retroactive(self, on: dt.date) -> bool:
        """Starts before `on` (today): replays of past dates now differ."""
        return self.start < on

    def past_until(self, on: dt.date) -> dt.date:
        """Last past day the interval covers (yesterday at most)."""
        yesterday = on - dt.timedelta(days=1)
        return yesterday if self.until is None or self.until > yesterday else self.until


@dataclass(frozen=True, slots=True)
class EnvironmentPlan:
    name: str
    change: Action
    intervals: tuple[Interval, ...] = ()
    note: str | None = None
    """Why the environment could not be compared (a side does not load), if so."""


@dataclass(frozen=True, slots=True)
class EntityChange:
    kind: str
    name: str
    change: Action
    details: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Plan:
    base: str
    base_label: str
    head: str
    """`worktree` or a commit id."""
    head_label: str
    today: dt.date
    environments: tuple[EnvironmentPlan, ...]
    unchanged: int
    entities: tuple[EntityChange, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def retroactive(self) -> list[tuple[EnvironmentPlan, Interval]]:
        # an added (or removed) environment has no past that could replay differently
        return [
            (env, interval)
            for env in self.environments
            if env.change is Action.CHANGED
            for interval in env.intervals
            if interval.retroactive(self.today)
        ]

    @property
    def empty(self) -> bool:
        return not self.environments and not self.entities

    def to_json(self) -> dict[str, Any]:
        return {
            "format_version": PLAN_FORMAT_VERSION,
            "base": {"commit": self.base, "label": self.base_label},
            "head": {
                "commit": None if self.head == WORKTREE else self.head,
                "label": self.head_label,
            },
            "today": self.today.isoformat(),
            "changed": not self.empty,
            "notes": list(self.notes),
            "retroactive": [
                {
                    "environment": env.name,
                    "from": _date(interval.start),
                    "until": interval.past_until(self.today).isoformat(),
                    "aspects": [d.aspect for d in interval.differences],
                }
                for env, interval in self.retroactive
            ],
            "environments": [
                {
                    "name": env.name,
                    "change": env.change.value,
                    "note": env.note,
                    "intervals": [
                        {
                            "from": _date(interval.start),
                            "until": interval.until.isoformat() if interval.until else None,
                            "retroactive": interval.retroactive(self.today),
                            "differences": [
                                {"aspect": d.aspect, "before": d.before, "after": d.after}
                                for d in interval.differences
                            ],
                        }
                        for interval in env.intervals
                    ],
                }
                for env in self.environments
            ],
            "unchanged_environments": self.unchanged,
            "entities": [
                {
                    "kind": e.kind,
                    "name": e.name,
                    "change": e.change.value,
                    "details": list(e.details),
                }
                for e in self.entities
            ],
        }


def _date(day: dt.date) -> str | None:
    return None if day == ALWAYS else day.isoformat()


class PlanError(Exception):
    """A side cannot be loaded (unknown ref, history missing); the text says what to do."""


# -- choosing and loading the sides -------------------------------------------------------


def default_base(root: Path) -> tuple[str, str]:
    """(commit, label): the merge base with the upstream branch when there is one, else HEAD."""
    try:
        upstream = run_git(root, "rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}")
    except GitError:
        upstream = b""
    name = upstream.decode().strip()
    if name:
        try:
            merge_base = run_git(root, "merge-base", "HEAD", name).decode().strip()
            return merge_base, f"merge base with {name}"
        except GitError:
            pass
    return resolve_side(root, "HEAD"), "HEAD"


def resolve_side(root: Path, revision: str) -> str:
    """A commit id for `revision`, with a clear sentence when history is missing."""
    try:
        return resolve_ref(root, revision)
    except GitError as error:
        raise PlanError(str(error)) from None


def load_side(
    root: Path, commit: str, parsed: dict[tuple[str, str], Document] | None = None
) -> Workspace:
    try:
        return Workspace.load_at(root, commit, parsed=parsed)
    except GitError as error:
        raise PlanError(str(error)) from None


def ancestry_note(root: Path, base: str, head: str) -> str | None:
    """A note when the base is not an ancestor of the head: the plan compares the two states,
    so changes made on the base's side since they diverged show up reversed."""
    target = "HEAD" if head == WORKTREE else head  # "HEAD"[:7] is still "HEAD"
    try:
        run_git(root, "merge-base", "--is-ancestor", base, target)
    except GitError:
        return (
            f"the base {base[:7]} is not an ancestor of {target[:7]}: "
            "the plan compares the two states as they are, so a change made only on the base's "
            "side appears undone; pick the merge base (`--base $(git merge-base HEAD main)`) "
            "to see only this branch's changes"
        )
    return None


# -- comparing ----------------------------------------------------------------------------


def compare(
    base: Workspace,
    head: Workspace,
    *,
    base_commit: str = "",
    base_label: str = "",
    head_commit: str = WORKTREE,
    head_label: str = WORKTREE,
    on: dt.date | None = None,
    notes: tuple[str, ...] = (),
) -> Plan:
    """The plan from `base` to `head`; `on` is "today" for retroactivity (default: UTC today)."""
    day = on or today()
    environments: list[EnvironmentPlan] = []
    unchanged = 0
    base_names = set(base.names(Kind.ENVIRONMENT))
    head_names = set(head.names(Kind.ENVIRONMENT))
    for name in sorted(base_names | head_names):
        before, after = base.environment(name), head.environment(name)
        in_base, in_head = name in base_names, name in head_names
        if not in_base:
            environments.append(EnvironmentPlan(name, Action.ADDED, _added(head, after)))
        elif not in_head:
            environments.append(EnvironmentPlan(name, Action.REMOVED))
        elif before is None or after is None:
            side = "base" if before is None else "head"
            environments.append(
                EnvironmentPlan(
                    name,
                    Action.CHANGED,
                    note=f"the environment's file does not load on the {side} side, so its "
                    "timeline cannot be compared; `ssmd validate` shows why",
                )
            )
        elif _inputs(base, before) == _inputs(head, after):
            unchanged += 1  # same files in, same timeline out: nothing to compute
        elif broken := _unloadable(base, before) + _unloadable(head, after):
            environments.append(
                EnvironmentPlan(
                    name,
                    Action.CHANGED,
                    note=f"{', '.join(sorted(set(broken)))} does not load on one side, so the "
                    "timeline cannot be compared; `ssmd validate` shows why",
                )
            )
        else:
            intervals = environment_differences(base, before, head, after)
            if intervals:
                environments.append(EnvironmentPlan(name, Action.CHANGED, intervals))
            else:
                unchanged += 1
    return Plan(
        base=base_commit,
        base_label=base_label,
        head=head_commit,
        head_label=head_label,
        today=day,
        environments=tuple(environments),
        unchanged=unchanged,
        entities=tuple(entity_changes(base, head)),
        notes=notes,
    )


def _inputs(workspace: Workspace, environment: Environment) -> tuple[str | None, ...]:
    """The texts an environment's timeline is computed from: its own file, its feed's and its
    schema's (the schema YAML carries each version's `.capnp` hash)."""
    ref = SchemaRef.parse(environment.schema_ref)
    named = [
        workspace.named(Kind.ENVIRONMENT, environment.name),
        workspace.named(Kind.FEED, environment.feed),
        workspace.named(Kind.SCHEMA, ref.name),
    ]
    return tuple(d.text if d is not None else None for d in named)


def _unloadable(workspace: Workspace, environment: Environment) -> list[str]:
    """Paths of the environment's feed or schema files that exist but do not load."""
    wanted = [
        (Kind.FEED, environment.feed),
        (Kind.SCHEMA, SchemaRef.parse(environment.schema_ref).name),
    ]
    found = [workspace.named(kind, name) for kind, name in wanted]
    return [d.path for d in found if d is not None and d.model is None]


def _added(head: Workspace, environment: Environment | None) -> tuple[Interval, ...]:
    """An added environment's own timeline, as differences from nothing."""
    if environment is None:
        return ()
    intervals = []
    for period in timeline(head, environment):
        shown = period.configuration.aspects()
        differences = tuple(Difference(k, None, v) for k, v in shown.items())
        intervals.append(Interval(period.start, period.until, differences))
    return tuple(_merged(intervals))


def environment_differences(
    base: Workspace, before: Environment, head: Workspace, after: Environment
) -> tuple[Interval, ...]:
    """Where the two timelines differ, as intervals (adjacent equal ones merged)."""
    points = sorted(set(change_points(base, before)) | set(change_points(head, after)))
    old = timeline(base, before, points)
    new = timeline(head, after, points)
    intervals = []
    for was, now in zip(old, new, strict=True):
        before_aspects = was.configuration.aspects()
        after_aspects = now.configuration.aspects()
        keys = [*before_aspects, *(k for k in after_aspects if k not in before_aspects)]
        differences = tuple(
            Difference(k, before_aspects.get(k), after_aspects.get(k))
            for k in keys
            if before_aspects.get(k) != after_aspects.get(k)
        )
        if differences:
            intervals.append(Interval(was.start, was.until, differences))
    return tuple(_merged(intervals))


def _merged(intervals: list[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for interval in intervals:
        last = merged[-1] if merged else None
        if (
            last is not None
            and last.differences == interval.differences
            and last.until is not None
            and last.until + dt.timedelta(days=1) == interval.start
        ):
            merged[-1] = Interval(last.start, interval.until, last.differences)
        else:
            merged.append(interval)
    return merged


def entity_changes(base: Workspace, head: Workspace) -> list[EntityChange]:
    """Feeds, schemas, environments and `.capnp` files added, removed or changed, in words."""
    changes: list[EntityChange] = []
    for path in sorted(set(base.documents) | set(head.documents)):
        old, new = base.documents.get(path), head.documents.get(path)
        old_bytes = _content(base, path) if old else None
        new_bytes = _content(head, path) if new else None
        if old_bytes == new_bytes:
            continue
        document = new or old
        assert document is not None
        change = Action.ADDED if old is None else Action.REMOVED if new is None else Action.CHANGED
        name = document.declared_name or document.stem
        kind = document.kind.value if document.kind is not Kind.CAPNP else "schema file"
        if document.kind is Kind.CAPNP:
            name = path.rsplit("/", 1)[-1]
        details = tuple(describe(path, document.kind, old_bytes, new_bytes))
        changes.append(EntityChange(kind, name, change, details))
    return changes


def _content(workspace: Workspace, path: str) -> bytes:
    if path in workspace.capnp_bytes:
        return workspace.capnp_bytes[path]
    return workspace.documents[path].text.encode("utf-8")


def plan(
    root: Path, base: str | None = None, head: str = WORKTREE, on: dt.date | None = None
) -> Plan:
    """Load both sides of `root`'s repository and compare them (`ssmd plan`)."""
    if base is None:
        base_commit, base_label = default_base(root)
    else:
        base_commit, base_label = resolve_side(root, base), base
    parsed: dict[tuple[str, str], Document] = {}  # a file the same on both sides: parsed once
    if head == WORKTREE:
        head_commit, head_label = WORKTREE, "work tree"
        head_workspace = Workspace.load(root)
    else:
        head_commit, head_label = resolve_side(root, head), head
        head_workspace = load_side(root, head_commit, parsed)
    base_workspace = load_side(root, base_commit, parsed)
    note = ancestry_note(root, base_commit, head_commit)
    return compare(
        base_workspace,
        head_workspace,
        base_commit=base_commit,
        base_label=base_label,
        head_commit=head_commit,
        head_label=head_label,
        on=on,
        notes=(note,) if note else (),
    )
