"""The rule registry: each rule is one small function registered once with its code.

A rule yields `Finding`s that name a model path (or, for `.capnp` text, a
span); the engine turns paths into positions. A rule never computes a line.
The rule's docstring is its user documentation (docs/rules.md is built from it).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from ssmd.document import Kind
from ssmd.span import RelatedLocation, Span
from ssmd.yamlsource import ModelPath

RULES_DOC_URL = "https://github.com/ssmd/ssmd-metadata/blob/main/docs/rules.md"
"""The rules' documentation (docs/rules.md); each rule has an anchor there (`Rule.url`)."""

if TYPE_CHECKING:
    from ssmd.document import Document
    from ssmd.rules.context import Context


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    """Only through `ssmd.yaml`: shown, never failing `validate`, not even with --strict."""


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the value (or key) at `path`, or an explicit `span`, with `new_text`.

    `file` defaults to the document the finding is in.
    """

    new_text: str
    path: ModelPath = ()
    part: str = "value"
    span: Span | None = None
    file: str | None = None


@dataclass(frozen=True, slots=True)
class NewFile:
    """A file a fix creates: its root-relative path and its whole text."""

    file: str
    text: str


@dataclass(frozen=True, slots=True)
class Fix:
    title: str
    edits: tuple[Edit, ...]
    creates: tuple[NewFile, ...] = ()
    """Files the fix creates (never overwriting one), before its `edits` apply."""


@dataclass(frozen=True, slots=True)
class Finding:
    message: str
    path: ModelPath = ()
    part: str = "value"
    span: Span | None = None
    """Explicit position, for findings in text without a model (`.capnp`)."""
    fix: Fix | None = None
    severity: Severity | None = None
    """Overrides the rule's severity for this finding (SSMD208's undocumented break is a
    warning, its contradicted claim an error); None keeps the rule's."""
    more_fixes: tuple[Fix, ...] = ()
    """Other fixes offered after `fix`, never applied without asking (SSMD301: create the
    feed it names)."""
    related: tuple[RelatedLocation, ...] = ()
    """Second places the finding is about. A finding located by `path` under an alias gets
    the anchor's place without asking (`ssmd.check`)."""


Check = Callable[["Document", "Context"], Iterator[Finding]]


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    severity: Severity
    kinds: frozenset[Kind]
    check: Check

    @property
    def url(self) -> str:
        """Where this rule is documented (SARIF `helpUri`, LSP `codeDescription`)."""
        return f"{RULES_DOC_URL}#{self.code.lower()}"

    @property
    def summary(self) -> str:
        return self.documentation.splitlines()[0] if self.documentation else ""

    @property
    def documentation(self) -> str:
        """The docstring without its source indentation (SARIF, docs/rules.md, hovers)."""
        first, _, rest = (self.check.__doc__ or "").strip().partition("\n")
        return f"{first}\n{textwrap.dedent(rest)}".strip()


RULES: dict[str, Rule] = {}
_REGISTERED: list[str] = []
"""Every registration, duplicates included: the registry test reads it."""


def rule(code: str, name: str, severity: Severity, *kinds: Kind) -> Callable[[Check], Check]:
    def register(check: Check) -> Check:
        _REGISTERED.append(code)
        RULES[code] = Rule(code, name, severity, frozenset(kinds), check)
        return check

    return register


def registrations() -> list[str]:
    return list(_REGISTERED)
