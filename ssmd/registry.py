"""`ssmd.Registry`: the documented library API (docs/library.md), for connectors and scripts.

A connector asks "the kalshi endpoint in effect on 2025-12-01, and refuse if
the registry is broken". Everything here is a thin, stable layer over the
core (`Workspace`, `check`, `ssmd.effective`): it adds typed errors that tell
"no such feed" from "the feed's file does not load", and validation on open.
What semver covers is written in docs/library.md.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from ssmd.check import Diagnostic, check
from ssmd.document import Document, Kind
from ssmd.effective import (
    EffectiveConfiguration,
    EffectiveFeed,
    EffectiveSchema,
    configuration,
    feed_in_effect,
    schema_in_effect,
    with_schema_text,
)
from ssmd.git import GitError
from ssmd.history import commit_known_at
from ssmd.locate import RootNotFound, find_root
from ssmd.models import Environment, Feed, Schema
from ssmd.resolve import SchemaRef, parse_date, resolvable_schema_version, resolve_as_of, today
from ssmd.rules import Severity
from ssmd.schema_text import version_text
from ssmd.workspace import Workspace

M = TypeVar("M", Feed, Schema, Environment)
DateLike = dt.date | str
"""A date, or its `YYYY-MM-DD` text."""

SHOWN_DIAGNOSTICS = 5
"""Diagnostics quoted in an exception's message; all of them are on `.diagnostics`."""


class RegistryError(Exception):
    """Base of every error this API raises; its text is a sentence saying what to do."""


class InvalidRegistry(RegistryError):
    """The registry has errors (strict open) or cannot be opened at all."""

    def __init__(self, message: str, diagnostics: Sequence[Diagnostic] = ()) -> None:
        self.diagnostics: tuple[Diagnostic, ...] = tuple(diagnostics)
        lines = [message, *(f"  {line(d)}" for d in self.diagnostics[:SHOWN_DIAGNOSTICS])]
        if len(self.diagnostics) > SHOWN_DIAGNOSTICS:
            lines.append(f"  ... and {len(self.diagnostics) - SHOWN_DIAGNOSTICS} more")
        super().__init__("\n".join(lines))


class UnknownEntity(RegistryError, LookupError):
    """No file defines an entity of that name."""

    kind = "entity"

    def __init__(self, name: str, known: Sequence[str]) -> None:
        self.name = name
        self.known = tuple(known)
        listed = ", ".join(known) or "none"
        super().__init__(f"no {self.kind} named '{name}' in the registry ({self.kind}s: {listed})")


class UnknownFeed(UnknownEntity):
    kind = "feed"


class UnknownSchema(UnknownEntity):
    kind = "schema"


class UnknownEnvironment(UnknownEntity):
    kind = "environment"


class BrokenFile(RegistryError):
    """The entity's file exists but does not load (only without `strict`, which refuses first)."""

    def __init__(self, path: str, diagnostics: Sequence[Diagnostic]) -> None:
        self.path = path
        self.diagnostics = tuple(diagnostics)
        first = f": {line(self.diagnostics[0])}" if self.diagnostics else ""
        super().__init__(f"{path} does not load; fix it (ssmd validate shows how){first}")


class NotInEffect(RegistryError, LookupError):
    """No version is in effect on the date asked (before the first `effective_from`)."""


def line(diagnostic: Diagnostic) -> str:
    """`path:line:col: severity CODE message`, 1-based, as a person reads it."""
    row, column = diagnostic.span.one_based()
    return (
        f"{diagnostic.file}:{row}:{column}: {diagnostic.severity.value} "
        f"{diagnostic.code} {diagnostic.message}"
    )


def as_date(value: DateLike | None) -> dt.date:
    if value is None:
        return today()
    if isinstance(value, dt.date):
        return value
    return parse_date(value)


def open_workspace(root: Path, known_at: str | None) -> Workspace:
    """The work tree's registry, or (with `known_at`, a date or commit) git's at that time."""
    if known_at is None:
        return Workspace.load(root)
    return Workspace.load_at(root, commit_known_at(root, known_at))


class Registry:
    """A registry opened from its root; read-only, a snapshot of the files at open time."""

    def __init__(self, workspace: Workspace) -> None:
        self._workspace = workspace

    @classmethod
    def open(
        cls,
        root: str | os.PathLike[str] | None = None,
        *,
        known_at: DateLike | None = None,
        strict: bool = True,
    ) -> Registry:
        """Open the registry at `root` (default: `$SSMD_ROOT`, else the nearest folder above
        the working directory holding `exchanges/`).

        `known_at` (a date or a commit) reads the registry as git had it then. With
        `strict` (the default) any error-severity finding raises `InvalidRegistry`
        carrying every diagnostic.
        """
        try:
            found = find_root(root)
        except RootNotFound as error:
            raise InvalidRegistry(str(error)) from None
        when = known_at.isoformat() if isinstance(known_at, dt.date) else known_at
        try:
            workspace = open_workspace(found, when)
        except GitError as error:
            raise InvalidRegistry(str(error)) from None
        registry = cls(workspace)
        if strict:
            errors = [d for d in registry.validate() if d.severity is Severity.ERROR]
            if errors:
                count = f"{len(errors)} error{'' if len(errors) == 1 else 's'}"
                raise InvalidRegistry(
                    f"the registry at {found} has {count}; fix them (`ssmd validate` lists them) "
                    "or open with strict=False",
                    errors,
                )
        return registry

    @property
    def root(self) -> Path:
        return self._workspace.root

    @property
    def commit(self) -> str | None:
        """The commit the registry was read from (`known_at`), None for the work tree."""
        return self._workspace.commit

    def validate(self, as_of: DateLike | None = None) -> tuple[Diagnostic, ...]:
        """Every finding of every rule (errors and warnings), sorted by file and position."""
        results = check(self._workspace, as_of=as_date(as_of))
        return tuple(d for path in sorted(results) for d in results[path])

    def feeds(self) -> list[str]:
        return self._workspace.names(Kind.FEED)

    def schemas(self) -> list[str]:
        return self._workspace.names(Kind.SCHEMA)

    def environments(self) -> list[str]:
        return self._workspace.names(Kind.ENVIRONMENT)

    def feed(self, name: str) -> FeedEntry:
        return FeedEntry(self._workspace, self._model(Kind.FEED, name, Feed, UnknownFeed))

    def schema(self, name: str) -> SchemaEntry:
        return SchemaEntry(self._workspace, self._model(Kind.SCHEMA, name, Schema, UnknownSchema))

    def environment(self, name: str) -> EnvironmentEntry:
        model = self._model(Kind.ENVIRONMENT, name, Environment, UnknownEnvironment)
        return EnvironmentEntry(self._workspace, model)

    def _model(self, kind: Kind, name: str, model_type: type[M], unknown: type[UnknownEntity]) -> M:
        document = self._workspace.named(kind, name)
        if document is None:
            raise unknown(name, self._workspace.names(kind))
        if not isinstance(document.model, model_type) or document.problems:
            raise BrokenFile(document.path, _load_problems(self._workspace, document))
        return document.model


def _load_problems(workspace: Workspace, document: Document) -> list[Diagnostic]:
    found = check(workspace, [document.path]).get(document.path, [])
    return [d for d in found if d.severity is Severity.ERROR]


@dataclass(frozen=True, slots=True)
class _Entry(Generic[M]):
    _workspace: Workspace
    model: M
    """The entity as loaded (a pydantic model; its fields follow the SPEC's file format)."""

    @property
    def name(self) -> str:
        return self.model.name


@dataclass(frozen=True, slots=True)
class FeedEntry(_Entry[Feed]):
    def as_of(self, date: DateLike | None = None) -> EffectiveFeed:
        """The version in effect on `date` (default today, UTC); `NotInEffect` before the first."""
        day = as_date(date)
        version = resolve_as_of(self.model.versions, day)
        if version is None:
            first = min(v.effective_from for v in self.model.versions)
            raise NotInEffect(
                f"feed {self.name} has no version in effect on {day}: its first version "
                f"starts {first}"
            )
        return feed_in_effect(self.model, version)


@dataclass(frozen=True, slots=True)
class SchemaEntry(_Entry[Schema]):
    def as_of(self, date: DateLike | None = None, version: str | None = None) -> EffectiveSchema:
        """The version in effect on `date` (drafts never), or the named `version`, with its
        `.capnp` text."""
        day = as_date(date)
        if version is not None:
            chosen = next((v for v in self.model.versions if v.version == version), None)
            if chosen is None:
                known = ", ".join(v.version for v in self.model.versions)
                raise NotInEffect(f"schema {self.name} has no version {version} ({known})")
        else:
            chosen = resolve_as_of(self.model.versions, day, resolvable_schema_version())
            if chosen is None:
                raise NotInEffect(
                    f"schema {self.name} has no active or deprecated version in effect on {day}"
                )
        text = version_text(self._workspace, self.model, chosen).text
        return schema_in_effect(self.model, chosen, version is not None, text)


@dataclass(frozen=True, slots=True)
class EnvironmentEntry(_Entry[Environment]):
    def resolve(
        self, date: DateLike | None = None, *, require: bool = True
    ) -> EffectiveConfiguration:
        """What the environment does on `date` (default today, UTC), schema text included.

        With `require` (the default) a feed or schema with no version in effect raises
        `NotInEffect`; without it the configuration's `feed`/`schema` is None instead.
        """
        day = as_date(date)
        effective = with_schema_text(
            self._workspace, configuration(self._workspace, self.model, day)
        )
        if require and effective.feed is None:
            raise NotInEffect(
                f"environment {self.name}: feed {self.model.feed} has no version in effect "
                f"on {day} (or the feed does not exist)"
            )
        if require and effective.schema is None:
            ref = SchemaRef.parse(self.model.schema_ref)
            raise NotInEffect(
                f"environment {self.name}: schema {ref} resolves to no version on {day} "
                "(none active yet, or the schema or version does not exist)"
            )
        return effective
