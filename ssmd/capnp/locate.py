"""Where a declaration or member sits in a `.capnp` text (for findings' old and new locations).

Compiled schemas carry no source positions, so the text is scanned once:
comments and strings are skipped, braces tracked, and each `struct`, `enum`,
`interface`, named group or union, and each `name @N` member is recorded
under its qualified name (`Trade`, `Trade.size`, `Trade.amount.lots`,
`Feed.subscribe`, `Trade.Side.buy`). Anonymous unions do not add a name.
A position is 0-based (line, column) of the name.
"""

from __future__ import annotations

import re

Position = tuple[int, int]

_TOKEN = re.compile(
    r"""(?P<comment>\#[^\n]*)
      | (?P<string>"(?:[^"\\\n]|\\.)*")
      | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<at>@[0-9]+)
      | (?P<open>\{) | (?P<close>\}) | (?P<semi>;)
      | (?P<colon>:) | (?P<paren>[()])
      | (?P<newline>\n)
      | (?P<other>[^\sA-Za-z_{}\#";:@()]+|@|[ \t\r\f\v]+)""",
    re.VERBOSE,
)
_DECLARES = {"struct", "enum", "interface"}


def locate(text: str) -> dict[str, Position]:
    """Qualified name -> position of the name in `text` (first occurrence wins)."""
    found: dict[str, Position] = {}
    scope: list[str | None] = []
    pending: str | None = None
    previous: list[tuple[str, str, Position]] = []  # the last tokens: (kind, text, position)
    line, line_start = 0, 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind == "newline":
            line, line_start = line + 1, match.end()
            continue
        if kind in ("comment", "other") or (kind == "string"):
            continue
        value = match.group()
        here = (line, match.start() - line_start)
        if kind == "open":
            scope.append(pending)
            pending = None
        elif kind == "close":
            if scope:
                scope.pop()
            pending = None
        elif kind == "semi":
            pending = None
        elif kind == "word" and previous and previous[-1][1] in _DECLARES:
            pending = value
            _record(found, scope, value, here)
        elif kind == "at" and previous and previous[-1][0] == "word":
            _record(found, scope, previous[-1][1], previous[-1][2])
        elif (
            kind == "word"
            and value in ("group", "union")
            and len(previous) >= 2
            and previous[-1][0] == "colon"
            and previous[-2][0] == "word"
        ):
            pending = previous[-2][1]
            _record(found, scope, pending, previous[-2][2])
        previous = [*previous[-2:], (kind, value, here)]
    return found


def _record(found: dict[str, Position], scope: list[str | None], name: str, at: Position) -> None:
    qualified = ".".join([*(s for s in scope if s), name])
    found.setdefault(qualified, at)
