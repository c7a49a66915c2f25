"""In-place suppressions: `# ssmd: ignore[SSMD305] reason` on the line or the line above.

A team acknowledges one finding where it sits, with the reason in the file
where reviewers see it, instead of switching a rule off for everyone. The
comment works in YAML and in `.capnp` files (both comment with `#`).

- A trailing comment covers its own line; a comment alone on its line covers
  the next line. A finding is covered when the line it starts on is.
- Several codes: `ignore[SSMD305, SSMD307]`.
- A reason is required; without one the comment suppresses nothing and is
  itself a finding (SSMD011), as is an unknown code. A suppression that
  covers no finding is SSMD012, so stale ones do not pile up.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from ssmd.span import LineIndex, Span

MARKER = "ssmd:"
_COMMENT = re.compile(
    r"(?:^|(?<=\s))#\s*ssmd:\s*ignore\s*(?:\[(?P<codes>[^\]]*)\])?(?P<reason>.*)$"
)
_CODE = re.compile(r"^SSMD\d{3}$")


@dataclass(frozen=True, slots=True)
class Suppression:
    codes: tuple[str, ...]
    reason: str
    span: Span
    """The comment, from `#` to the end of the line."""
    covers: int
    """The 0-based line whose findings it suppresses."""

    @property
    def line(self) -> int:
        return self.span.start.line


def suppressions(text: str) -> list[Suppression]:
    """Every `# ssmd: ignore[...]` comment in `text`, in order."""
    if MARKER not in text:  # the common case, decided without splitting lines
        return []
    found = []
    lines = LineIndex(text)
    for number in range(lines.count):
        start = lines.offset(number)
        line = text[start : start + lines.length(number)]
        if MARKER not in line:
            continue
        match = _COMMENT.search(line)
        if match is None:
            continue
        raw = match["codes"] or ""
        codes = tuple(code.strip() for code in raw.split(",") if code.strip())
        alone = not line[: match.start()].strip()
        span = Span.of(number, match.start(), number, len(line))
        covers = number + 1 if alone else number
        found.append(Suppression(codes, match["reason"].strip(), span, covers))
    return found


def malformed(suppression: Suppression, known: Collection[str]) -> str | None:
    """Why the comment cannot suppress anything, or None when it is well formed."""
    if not suppression.codes:
        return "name the codes to ignore, e.g. `# ssmd: ignore[SSMD305] reason`"
    unknown = [c for c in suppression.codes if not _CODE.match(c) or c not in known]
    if unknown:
        return f"{', '.join(unknown)} is not a rule code; see docs/rules.md for the codes"
    if not suppression.reason:
        codes = ", ".join(suppression.codes)
        return (
            f"the suppression of {codes} gives no reason; write why after the bracket, "
            f"e.g. `# ssmd: ignore[{codes}] migrating next sprint`"
        )
    return None
