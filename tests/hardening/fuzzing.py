"""Strategies and invariants shared by the fuzz campaigns.

Inputs start from the sample registry's own files and are mutated the way
people and editors damage YAML (a deleted character, a line moved, a tab, a
stray tag or anchor, a pasted unicode symbol), or are generated from the
keys the models know. The invariant is the same everywhere: nothing raises,
and every position the library reports lies inside the text it describes,
counting lines as the Language Server Protocol does (\\n, \\r\\n, \\r).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

import yaml
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from ssmd.check import Diagnostic
from ssmd.span import Span

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "exchanges"
REGRESSIONS = Path(__file__).resolve().parent / "regressions"

FULL = os.environ.get("SSMD_FUZZ_FULL") == "1"
"""`SSMD_FUZZ_FULL=1` runs the full-size campaigns (docs/reliability.md has the sizes)."""

FULL_EXAMPLES = os.environ.get("SSMD_FUZZ_EXAMPLES")
"""With `SSMD_FUZZ_FULL=1`, `SSMD_FUZZ_EXAMPLES=N` runs N examples per campaign instead of the
full size: scripts/fuzz_server_bounded.sh runs a long campaign in counted, seeded chunks."""


def examples(ci: int, full: int) -> settings:
    """Hypothesis settings for a campaign of `ci` examples in CI, `full` when asked.

    The CI-size campaign is derandomized: the same examples every run, so main
    does not turn red because a run happened to explore somewhere new. The
    full-size campaign explores at random; what it finds is fixed and kept in
    `regressions/`, which every run replays.
    """
    return settings(
        max_examples=(int(FULL_EXAMPLES) if FULL_EXAMPLES else full) if FULL else ci,
        derandomize=not FULL,
        deadline=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ],
        print_blob=True,
    )


def sample_files(suffix: str) -> dict[str, str]:
    """Root-relative path -> text of every sample registry file ending in `suffix`."""
    return {
        path.relative_to(REPO).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(SAMPLE.rglob(f"*{suffix}"))
    }


YAML_SEEDS = sample_files(".yaml")
CAPNP_SEEDS = sample_files(".capnp")

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def document_lines(text: str) -> list[str]:
    """The lines of `text` as an LSP client counts them (the only breaks: \\n, \\r\\n, \\r)."""
    return _LINE_BREAK.split(text)


def span_problem(span: Span, text: str) -> str | None:
    """Why `span` does not lie inside `text`, or None when it does."""
    lines = document_lines(text)
    for name, position in (("start", span.start), ("end", span.end)):
        if not 0 <= position.line < len(lines):
            return f"{name} line {position.line} outside 0..{len(lines) - 1}"
        if not 0 <= position.character <= len(lines[position.line]):
            return (
                f"{name} character {position.character} outside 0..{len(lines[position.line])} "
                f"on line {position.line}"
            )
    if span.end < span.start:
        return f"end {span.end} before start {span.start}"
    return None


_FORBIDDEN_CODE = re.compile(r"does not allow \(#x([0-9a-f]{4,6})\)")
_NAMED_KEY = re.compile(r"^(?:unknown key|duplicate key) '(.*?)'")


def oracle_problem(code: str, message: str, line: int, character: int, text: str) -> str | None:
    """Why the character a finding points at is not the one its message names, else None.

    An independent oracle: the text is split here (not by ssmd's LineIndex) and
    the finding is checked against what it says it found: a forbidden
    character, a key by name, a tag, a merge key.
    """
    lines = document_lines(text)
    if not 0 <= line < len(lines):
        return f"line {line} outside the document"
    at = lines[line][character:]
    forbidden = _FORBIDDEN_CODE.search(message)
    if code == "SSMD001" and forbidden:
        wanted = chr(int(forbidden.group(1), 16))
        return None if at[:1] == wanted else f"points at {at[:1]!r}, not {wanted!r}"
    key = _NAMED_KEY.match(message)
    if code in ("SSMD002", "SSMD003") and key and not key.group(1).endswith("…"):
        name = key.group(1)
        if at[:1] in "\"'*&!?" or at.startswith(name.split("\n")[0].split(" ")[0]):
            return None  # quoted, aliased or tagged keys are spelled differently in the text
        return f"points at {at[:20]!r}, not the key {name!r}"
    if code == "SSMD001" and message.startswith("the tag '"):
        return None if at[:1] in "!&" else f"points at {at[:10]!r}, not a tag"
    if code == "SSMD001" and message.startswith("merge keys"):
        return None if at.startswith("<<") else f"points at {at[:10]!r}, not '<<'"
    if code == "SSMD001" and "this key is empty" in message:
        return None if at[:1] in ":?" else f"points at {at[:10]!r}, not the empty key's ':'"
    return None


def assert_diagnostics_inside(results: dict[str, list[Diagnostic]], texts: dict[str, str]) -> None:
    """Every diagnostic (and every quick-fix edit) points inside the file it names."""
    for path, found in results.items():
        for diagnostic in found:
            assert diagnostic.file == path
            problem = span_problem(diagnostic.span, texts[path]) or oracle_problem(
                diagnostic.code, diagnostic.message, *diagnostic.span.start, texts[path]
            )
            assert problem is None, f"{diagnostic.code} in {path}: {problem} ({diagnostic})"
            assert diagnostic.message.strip(), f"{diagnostic.code} has an empty message"
            for related in diagnostic.related:
                problem = span_problem(related.span, texts[related.file])
                assert problem is None, f"related place of {diagnostic.code}: {problem}"
            fixes = [diagnostic.fix] if diagnostic.fix is not None else []
            for fix in [*fixes, *diagnostic.more_fixes]:
                for edit in fix.edits:
                    problem = span_problem(edit.span, texts[edit.file])
                    assert problem is None, f"fix of {diagnostic.code} in {edit.file}: {problem}"
                for new in fix.creates:  # a new file, where the registry keeps its kind
                    assert new.file not in texts and new.file.startswith("exchanges/"), new.file


# -- mutation ---------------------------------------------------------------------------

YAML_FRAGMENTS = [
    ":",
    ": ",
    "- ",
    "-",
    "  ",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "#",
    "'",
    '"',
    "{",
    "}",
    "[",
    "]",
    ",",
    "&a ",
    "*a",
    "&anchor ",
    "*anchor",
    "<<: *a\n",
    "!!str ",
    "!!int ",
    "!!binary ",
    "!!python/object/apply:os.system ['touch /tmp/ssmd-pwned']",
    "!!python/object/new:subprocess.Popen [['true']]",
    "!!python/name:os.system",
    "!custom ",
    "!!set ",
    "!!omap ",
    "!!timestamp ",
    "? ",
    "|",
    ">",
    "|-",
    "---\n",
    "...\n",
    "%YAML 1.1\n",
    "%TAG ! tag:example.com,2000:\n",
    "null",
    "~",
    "true",
    "no",
    "0x1F",
    "0o17",
    "1e400",
    ".nan",
    "-.inf",
    "2025-13-45",
    "2025-02-30",
    "9999-12-31",
    "0001-01-01",
    "v0",
    "v99999999999",
    "sha256:",
    "../",
    "/etc/passwd",
    "..",
    "\\",
    "\x00",
    "\x07",
    "\ufeff",
    "\u00e9",
    "\u2028",
    "\u2029",
    "\x85",
    "\x0b",
    "\x0c",
    "\U0001f600",
    "\u200b",
    "\ud7ff",
    "\uffff",
    "\u0301",
    "name",
    "version",
    "versions",
    "effective_from",
    "schema_file",
    "schema",
    "feed",
    "keys",
    "storage",
    "transport",
    "compatible_with",
    "status",
    "hash",
    "endpoint",
    "protocol",
]

CAPNP_FRAGMENTS = [
    "struct ",
    "enum ",
    "union ",
    "group ",
    "interface ",
    "const ",
    "using ",
    "annotation ",
    "import ",
    '"',
    "{",
    "}",
    "(",
    ")",
    ";",
    ":",
    "@",
    "@0",
    "@1",
    "@65535",
    "@-1",
    "#",
    "\n",
    "\t",
    "$",
    "0x",
    "@0xd8a4bd5c2f1e9a01;",
    "@0x0;",
    ":Text",
    ":UInt64",
    ":List(",
    ":Void",
    ':Data = 0x"ff"',
    'import "trade.capnp"',
    'import "../feeds/kalshi.yaml"',
    'import "/capnp/c++.capnp"',
    'import "../../../../etc/hostname"',
    'import "orderbook.capnp"',
    "\x00",
    "\u2028",
    "\U0001f600",
    "\r",
    "=",
    "0",
    "-",
    "true",
    "Trade",
    "Side",
]


@st.composite
def mutated(draw: st.DrawFn, seed: str, fragments: list[str]) -> str:
    """`seed` after a few edits of the kinds people and editors make."""
    text = seed
    for _ in range(draw(st.integers(1, 6))):
        operation = draw(
            st.sampled_from(
                ["delete", "insert", "insert_text", "swap", "indent", "duplicate", "truncate"]
            )
        )
        if operation == "delete" and text:
            start = draw(st.integers(0, len(text) - 1))
            length = draw(st.integers(1, 12))
            text = text[:start] + text[start + length :]
        elif operation == "insert":
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(st.sampled_from(fragments)) + text[at:]
        elif operation == "insert_text":
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(st.text(max_size=8)) + text[at:]
        elif operation in ("swap", "indent", "duplicate"):
            lines = text.split("\n")
            i = draw(st.integers(0, len(lines) - 1))
            if operation == "swap":
                j = draw(st.integers(0, len(lines) - 1))
                lines[i], lines[j] = lines[j], lines[i]
            elif operation == "indent":
                change = draw(st.sampled_from(["", " ", "  ", "   ", "    ", "\t", " \t"]))
                lines[i] = (
                    change + lines[i].lstrip(" ") if draw(st.booleans()) else change + lines[i]
                )
            else:
                lines.insert(i, lines[i])
            text = "\n".join(lines)
        elif operation == "truncate" and text:
            text = text[: draw(st.integers(0, len(text)))]
    return text


def mutated_seed(kind_suffix: str = ".yaml") -> st.SearchStrategy[tuple[str, str]]:
    """(root-relative path, mutated text) of one sample file."""
    seeds = YAML_SEEDS if kind_suffix == ".yaml" else CAPNP_SEEDS
    fragments = YAML_FRAGMENTS if kind_suffix == ".yaml" else CAPNP_FRAGMENTS
    return st.sampled_from(sorted(seeds)).flatmap(
        lambda path: st.tuples(st.just(path), mutated(seeds[path], fragments))
    )


# -- generation -------------------------------------------------------------------------

KNOWN_KEYS = sorted(
    {
        "name",
        "display_name",
        "type",
        "status",
        "versions",
        "version",
        "effective_from",
        "protocol",
        "endpoint",
        "auth_method",
        "rate_limit_per_second",
        "max_symbols_per_connection",
        "supports_orderbook",
        "supports_trades",
        "calendar",
        "timezone",
        "holiday_calendar",
        "format",
        "schema_file",
        "hash",
        "compatible_with",
        "breaking_changes",
        "feed",
        "schema",
        "keys",
        "required",
        "fields",
        "source",
        "transport",
        "url",
        "storage",
        "path",
        "raw_bucket",
        "normalized_bucket",
        "prefix",
        "region",
        "endpoint_url",
    }
)
KNOWN_VALUES = [
    "kalshi",
    "trade",
    "trade:v1",
    "trade:v2",
    "trade:v9",
    "orderbook",
    "coinbase",
    "v1",
    "v2",
    "2025-01-01",
    "2026-01-01",
    "websocket",
    "wss",
    "https",
    "wss://api.example.com/ws",
    "http://x",
    "active",
    "draft",
    "deprecated",
    "inactive",
    "api_key",
    "hmac",
    "nats",
    "local",
    "s3",
    "trade.capnp",
    "trade.v2.capnp",
    "../outside.capnp",
    "/etc/passwd",
    "America/New_York",
    "Mars/Olympus",
    "us_equity",
    "none",
    "env",
    "KALSHI_API_KEY",
    "capnp",
    "sha256:" + "0" * 64,
]

scalars = st.one_of(
    st.sampled_from(KNOWN_VALUES),
    st.none(),
    st.booleans(),
    st.integers(-(2**66), 2**66),
    st.floats(allow_nan=True, width=32),
    st.dates(),
    st.text(max_size=12),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.one_of(st.sampled_from(KNOWN_KEYS), st.text(max_size=10)), children, max_size=6
        ),
    ),
    max_leaves=12,
)


@st.composite
def generated_yaml(draw: st.DrawFn) -> str:
    """A YAML document built from known keys and values, dumped in a random style."""
    data = draw(st.dictionaries(st.sampled_from(KNOWN_KEYS), values, max_size=10))
    style = draw(st.sampled_from([None, True, False]))
    try:
        return yaml.safe_dump(data, default_flow_style=style, allow_unicode=draw(st.booleans()))
    except yaml.YAMLError:
        return ""


CAPNP_TYPES = ["Text", "Data", "Bool", "UInt8", "UInt64", "Int32", "Float64", "List(Text)", "Void"]
identifiers = st.from_regex(r"[a-zA-Z][a-zA-Z0-9]{0,8}", fullmatch=True)


@st.composite
def generated_capnp(draw: st.DrawFn) -> str:
    """Cap'n Proto text: mostly well-formed declarations with random flaws."""
    lines = []
    if draw(st.booleans()):
        lines.append(f"@0x{draw(st.integers(0, 2**64 - 1)):016x};")
    for target in draw(
        st.lists(
            st.sampled_from(
                [
                    "trade.capnp",
                    "orderbook.capnp",
                    "gen.capnp",
                    "missing.capnp",
                    "../feeds/x.capnp",
                    "/capnp/c++.capnp",
                ]
            ),
            max_size=2,
        )
    ):
        lines.append(f'using Import{len(lines)} = import "{target}";')
    for _ in range(draw(st.integers(0, 3))):
        name = draw(identifiers)
        if draw(st.booleans()):
            members = [
                f"  {draw(identifiers)} @{draw(st.integers(-1, 6))} "
                f":{draw(st.sampled_from(CAPNP_TYPES))};"
                for _ in range(draw(st.integers(0, 5)))
            ]
            lines += [f"struct {name} {{", *members, "}"]
        else:
            members = [
                f"  {draw(identifiers).lower()} @{draw(st.integers(-1, 4))};"
                for _ in range(draw(st.integers(0, 4)))
            ]
            lines += [f"enum {name} {{", *members, "}"]
    text = "\n".join(lines) + "\n"
    if draw(st.booleans()):
        return draw(mutated(text, CAPNP_FRAGMENTS))
    return text


def regression_cases(suffix: str) -> Iterable[Path]:
    """Inputs that once crashed or misplaced a span; each is kept as a case forever."""
    return sorted(REGRESSIONS.glob(f"*{suffix}"))
