"""Findings about the linting itself: the configuration file and suppressions (SSMD010-012).

The engine produces these (they are about `ssmd.yaml` and about the findings
of other rules), so the registered functions only document them: each
yields nothing. `ssmd.check` applies the configuration and suppressions.
"""

from __future__ import annotations

from collections.abc import Iterator

from ssmd import codes
from ssmd.document import Document, Kind
from ssmd.rules.context import Context
from ssmd.rules.registry import Finding, Severity, rule

ENGINE_CODES = frozenset(
    {codes.INVALID_CONFIG, codes.INVALID_SUPPRESSION, codes.UNUSED_SUPPRESSION}
)
"""Codes the engine reports, not a per-document check."""

ALL_KINDS = (Kind.FEED, Kind.SCHEMA, Kind.ENVIRONMENT, Kind.CAPNP)


@rule(codes.INVALID_CONFIG, "invalid-config", Severity.ERROR)
def invalid_config(document: Document, context: Context) -> Iterator[Finding]:
    """The registry's `ssmd.yaml` has an unknown key, rule code or severity.

    The rest of the file still applies; the bad entry is ignored until it is
    fixed. The configuration cannot change this rule's own severity.
    """
    return iter(())


@rule(codes.INVALID_SUPPRESSION, "invalid-suppression", Severity.WARNING, *ALL_KINDS)
def invalid_suppression(document: Document, context: Context) -> Iterator[Finding]:
    """A `# ssmd: ignore[...]` comment that suppresses nothing because it is malformed.

    A suppression must name known codes and give a reason after the bracket
    (`# ssmd: ignore[SSMD305] migrating to v2 in January`): the reason is
    what reviewers read. SSMD301-SSMD304 cannot be suppressed in an
    environment that `ssmd.yaml` protects (`protected_environments`).
    """
    return iter(())


@rule(codes.UNUSED_SUPPRESSION, "unused-suppression", Severity.WARNING, *ALL_KINDS)
def unused_suppression(document: Document, context: Context) -> Iterator[Finding]:
    """A `# ssmd: ignore[...]` comment covers a line with no such finding.

    The problem was fixed, or the rule is off: delete the comment (the quick
    fix does), so that stale suppressions do not hide a future finding.
    """
    return iter(())
