"""Each YAML-reading hazard of issue 15, pinned with its exact message and position.

Positions are 1-based (line, column) in characters of the line as an editor shows it.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from ssmd.check import check
from ssmd.document import load_document
from ssmd.models import Feed
from ssmd.span import Position, RelatedLocation, Span
from ssmd.workspace import Workspace
from ssmd.write.textedit import NotEditable, TextDocument
from ssmd_ls.convert import Lines, to_client
from tests.conftest import run_ssmd

FEED = "exchanges/feeds/kalshi.yaml"
HEAD = "name: kalshi\ntype: websocket\nversions:\n  - version: v1\n"
V1 = "    effective_from: 2024-01-01\n    protocol: wss\n    endpoint: wss://a.example.com/ws\n"

Found = list[tuple[str, int, int, str]]


def found(text: str, path: str = FEED) -> Found:
    return [(p.code, *p.span.one_based(), p.message) for p in load_document(path, text).problems]


def feed(text: str) -> Feed:
    document = load_document(FEED, text)
    assert document.problems == []
    assert isinstance(document.model, Feed)
    return document.model


# -- YAML 1.2 typing --------------------------------------------------------------


def test_a_leading_zero_is_decimal_not_octal() -> None:
    model = feed(HEAD + V1 + "    rate_limit_per_second: 012\n")
    assert model.versions[0].rate_limit_per_second == 12


def test_0o_is_octal() -> None:
    model = feed(HEAD + V1 + "    rate_limit_per_second: 0o12\n")
    assert model.versions[0].rate_limit_per_second == 10


def test_no_is_the_string_no() -> None:
    assert feed("name: kalshi\ndisplay_name: no\n" + HEAD[13:] + V1).display_name == "no"


def test_colons_are_not_sexagesimal() -> None:
    assert found(HEAD + V1 + "    rate_limit_per_second: 1:30\n") == [
        (
            "SSMD005",
            8,
            28,
            "invalid value for 'rate_limit_per_second' in versions[0]: "
            "Input should be a valid integer",
        )
    ]


def test_a_number_where_text_is_expected_says_to_quote_it() -> None:
    assert found("name: kalshi\ndisplay_name: 012\n" + HEAD[13:] + V1) == [
        (
            "SSMD005",
            2,
            15,
            "invalid value for 'display_name': Input should be a valid string "
            "(YAML reads 012 as a number; quote it to keep it text: '012')",
        )
    ]


# -- tags and merge keys -----------------------------------------------------------

TAG_MESSAGE = (
    "the tag '{}' is not allowed: registry files hold plain YAML values (text, numbers, "
    "true/false, lists, mappings); remove the tag, and quote the value if it is text"
)


def test_a_python_tag_is_an_error_at_the_tag() -> None:
    text = (HEAD + V1).replace("name: kalshi", "name: !!python/object:os.system kalshi")
    assert found(text) == [("SSMD001", 1, 7, TAG_MESSAGE.format("!!python/object:os.system"))]


@pytest.mark.parametrize("tag", ["!env", "!!binary"])
def test_local_and_non_core_tags_are_errors(tag: str) -> None:
    text = "name: kalshi\ndisplay_name: " + tag + " X\n" + HEAD[13:] + V1
    assert found(text)[0] == ("SSMD001", 2, 15, TAG_MESSAGE.format(tag))


def test_core_tags_are_fine() -> None:
    model = feed(
        HEAD + V1.replace("wss://a", "!!str wss://a") + "    rate_limit_per_second: !!int 7\n"
    )
    assert model.versions[0].rate_limit_per_second == 7


def test_a_merge_key_is_one_clear_finding() -> None:
    text = HEAD.replace("  - version: v1\n", "  - &v1\n    version: v1\n") + V1
    text += "  - <<: *v1\n    version: v2\n"
    assert found(text) == [
        (
            "SSMD001",
            9,
            5,
            "merge keys ('<<') are not supported: registry files spell every key out, so a "
            "reader and a reviewer see the same thing; copy the keys of the anchored mapping here",
        )
    ]


# -- aliases ----------------------------------------------------------------------


def test_a_finding_on_an_alias_is_at_the_alias_and_the_anchor_is_kept() -> None:
    text = HEAD + V1.replace("protocol: wss", "protocol: &p carrier")
    text += "  - version: v2\n    effective_from: 2025-01-01\n    protocol: *p\n"
    text += "    endpoint: wss://a.example.com/ws\n"
    document = load_document(FEED, text)
    lines = [(p.span.start.line + 1, p.span.start.character + 1) for p in document.problems]
    assert lines == [(6, 15), (10, 15)]  # the anchor's own line, then the alias's
    assert document.source_map.anchors[("versions", 1, "protocol")][:2] == (5, 14)
    at_anchor, at_alias = document.problems
    assert at_anchor.related == ()
    assert at_alias.related == (
        RelatedLocation(
            FEED, Span.of(5, 14, 5, 24), "defined here, at the anchor &p (the alias *p repeats it)"
        ),
    )


def test_a_finding_inside_an_aliased_mapping_points_at_the_same_key_under_the_anchor() -> None:
    text = HEAD.replace("  - version: v1\n", "  - &v1\n    version: v1\n") + V1
    text += "    bogus: 1\n  - *v1\n"
    unknown = [p for p in load_document(FEED, text).problems if p.code == "SSMD003"]
    assert [(p.span.one_based(), p.related) for p in unknown] == [
        ((9, 5), ()),
        (
            (10, 5),  # the `*v1`
            (
                RelatedLocation(
                    FEED,
                    Span.of(8, 4, 8, 9),  # `bogus` under the anchor
                    "defined here, at the anchor &v1 (the alias *v1 repeats it)",
                ),
            ),
        ),
    ]


def test_a_rule_finding_at_an_alias_gets_the_anchor_too(tmp_path: Path) -> None:
    """Cross-file rules locate by model path; `check` adds the anchor for them."""
    (tmp_path / "exchanges/environments").mkdir(parents=True)
    env = "exchanges/environments/kalshy.yaml"
    (tmp_path / env).write_text("name: &n kalshy\nfeed: *n\nschema: trade:v1\n")
    results = check(Workspace.load(tmp_path))
    unknown = next(d for d in results[env] if d.code == "SSMD301")
    assert unknown.span.one_based() == (2, 7)
    assert unknown.related == (
        RelatedLocation(
            env, Span.of(0, 6, 0, 15), "defined here, at the anchor &n (the alias *n repeats it)"
        ),
    )


def test_a_duplicate_key_points_at_its_first_occurrence() -> None:
    (problem,) = [
        p for p in load_document(FEED, "name: a\nname: b\n").problems if p.code == "SSMD002"
    ]
    assert problem.span == Span.of(1, 0, 1, 4)
    assert problem.related == (RelatedLocation(FEED, Span.of(0, 0, 0, 4), "first defined here"),)


# -- invalid YAML that libyaml read as data ------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        (
            'name: "kalshi"# c\n',
            1,
            15,
            "YAML syntax error: comments must be separated from other tokens by whitespace "
            "(put a space before the '#')",
        ),
        (
            "name: kalshi\nx: [-]\n",
            2,
            5,
            "YAML syntax error: plain scalar cannot start with '-' followed by ,[]{}",
        ),
        (
            "name: kalshi\ndisplay_name: a\n\tb\n",
            3,
            1,
            "YAML syntax error: while scanning a plain scalar; found a tab character that "
            "violates indentation (indent with spaces: YAML does not allow tabs for indentation)",
        ),
        (
            "name: kalshi\ntags: [a,\nb]\n",
            3,
            1,
            "YAML syntax error: invalid indentation in flow construct "
            "(indent the continuation line of a '[' or '{' list)",
        ),
    ],
)
def test_invalid_yaml_libyaml_accepted_is_refused(
    text: str, line: int, column: int, message: str
) -> None:
    assert found(text) == [("SSMD001", line, column, message)]


def test_the_tab_hint_fires_for_a_tab_in_indentation() -> None:
    assert found("name: kalshi\nversions:\n\t- version: v1\n") == [
        (
            "SSMD001",
            3,
            1,
            "YAML syntax error: while scanning for the next token; found character that cannot "
            "start any token (indent with spaces: YAML does not allow tabs for indentation)",
        )
    ]


@pytest.mark.parametrize(
    "text",
    [
        "name: kalshi\ntype: websocket\nversions:\t\n  - version: v1\n" + V1[0:0] + V1,
        HEAD.replace("  - version", "  -\tversion") + V1,
        "name: kalshi\n\t\ntype: websocket\nversions:\n  - version: v1\n" + V1,
    ],
)
def test_tabs_yaml_allows_are_read(text: str) -> None:
    assert feed(text).versions[0].version == "v1"


# -- the smaller messages -------------------------------------------------------------


def test_an_unclosed_bracket_is_reported_at_the_bracket() -> None:
    assert found("name: kalshi\ntags: [a, b\ntype: websocket\n") == [
        (
            "SSMD001",
            2,
            7,
            "YAML syntax error: while parsing a flow sequence; did not find expected ',' or ']' "
            "(the '[' opened here is never closed; add the ']')",
        )
    ]


def test_a_duplicate_anchor_is_named() -> None:
    assert found("name: &n kalshi\ndisplay_name: &n k\n") == [
        (
            "SSMD001",
            2,
            15,
            "the anchor '&n' is defined twice (first defined on line 1); "
            "give each anchor its own name",
        )
    ]


def test_an_environment_takes_an() -> None:
    assert found("", "exchanges/environments/dev.yaml") == [
        ("SSMD004", 1, 1, "the file is empty: an environment needs at least `name`")
    ]


# -- bytes and positions ----------------------------------------------------------------


def _load_bytes(tmp_path: Path, content: bytes) -> Found:
    (tmp_path / "exchanges" / "feeds").mkdir(parents=True)
    (tmp_path / FEED).write_bytes(content)
    document = Workspace.load(tmp_path).documents[FEED]
    return [(p.code, *p.span.one_based(), p.message) for p in document.problems]


def test_latin1_is_an_error_at_the_first_bad_byte(tmp_path: Path) -> None:
    content = ("name: kalshi\ndisplay_name: Börse\n" + HEAD[13:] + V1).encode("latin-1")
    assert _load_bytes(tmp_path, content) == [
        (
            "SSMD001",
            2,
            16,
            "byte 0xF6 is not UTF-8 (it reads as 'ö' in latin-1/Windows-1252, which the file "
            "seems to use); registry files are UTF-8 text: save the file as UTF-8 and run the "
            "command again",
        )
    ]


@pytest.mark.parametrize(
    ("encoding", "name"),
    [
        ("utf-16", "UTF-16 (little-endian)"),
        ("utf-16-be", "UTF-16 (big-endian)"),
        ("utf-32", "UTF-32 (little-endian)"),
    ],
)
def test_utf16_and_utf32_are_named(tmp_path: Path, encoding: str, name: str) -> None:
    assert _load_bytes(tmp_path, (HEAD + V1).encode(encoding)) == [
        (
            "SSMD001",
            1,
            1,
            f"the file is encoded as {name}, not UTF-8; registry files are UTF-8 text: save it "
            "as UTF-8 (without changing its content) and run the command again",
        )
    ]


def test_a_bom_is_allowed(tmp_path: Path) -> None:
    assert _load_bytes(tmp_path, b"\xef\xbb\xbf" + (HEAD + V1).encode()) == []


def test_a_nul_after_non_ascii_is_located_in_characters() -> None:
    text = "name: kalshi\ntype: websocket\n# Börse\ndisplay_name: Börse\nx: é\x00\n"
    assert found(text) == [
        (
            "SSMD001",
            5,
            5,
            "the file holds a character YAML does not allow (#x0000); registry files are plain "
            "UTF-8 text: remove it, or check that this is the file you meant",
        )
    ]


def test_the_server_counts_a_lone_cr_as_a_line_end() -> None:
    text = "name: kalshi\rdisplay_name: Börse 𝄞 x\n"
    # line 1 (0-based) is "display_name: Börse 𝄞 x"; the 𝄞 takes two UTF-16 units
    assert to_client(Position(1, 22), Lines(text), "utf-16").character == 23


# -- the write side -------------------------------------------------------------------


def test_the_writer_refuses_latin1_and_leaves_the_bytes(sample_root: Path) -> None:
    file = sample_root / FEED
    content = file.read_text().replace("Kalshi Exchange", "Börse").encode("latin-1")
    file.write_bytes(content)
    result = run_ssmd(
        "feed", "add-version", "kalshi", "--effective-from", "2026-01-01", root=sample_root
    )
    assert result.returncode == 1
    assert "byte 0xF6 is not UTF-8" in result.stdout + result.stderr
    assert file.read_bytes() == content


def test_add_version_edits_a_file_with_a_trailing_tab_and_keeps_it(sample_root: Path) -> None:
    file = sample_root / FEED
    original = file.read_text().replace("versions:\n", "versions:\t\n")
    file.write_text(original)
    assert run_ssmd("validate", root=sample_root).returncode == 0
    result = run_ssmd(
        "feed", "add-version", "kalshi", "--effective-from", "2026-01-01", root=sample_root
    )
    assert result.returncode == 0, result.stdout + result.stderr
    new = file.read_text()
    opcodes = difflib.SequenceMatcher(
        None, original.split("\n"), new.split("\n"), autojunk=False
    ).get_opcodes()
    assert {op for op, *_ in opcodes} == {"equal", "insert"}  # every old line kept, tab included
    assert "versions:\t\n" in new
    assert "effective_from: 2026-01-01" in new


def test_the_writer_refuses_with_the_readers_message() -> None:
    with pytest.raises(NotEditable) as refused:
        TextDocument.parse('name: "kalshi"# c\n', FEED)
    assert str(refused.value) == (
        f"{FEED} is not valid YAML (line 1:15: SSMD001 YAML syntax error: comments must be "
        "separated from other tokens by whitespace (put a space before the '#')); fix it first "
        "(`ssmd validate` shows it)"
    )


# -- valid YAML libyaml cannot read: a second reading, or a registry rule -------------

EMPTY_KEY = (
    "mapping keys must be plain words; this key is empty: write the key's name before the ':'"
)


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("name: kalshi\n? \n: x\n", 3, 1),  # libyaml reads it (as the key ""): refused
        ("name: kalshi\n: x\n", 2, 1),  # libyaml cannot read it; ruamel locates it
        ("name: kalshi\nv: [ : x ]\n", 2, 6),  # neither reads it: yaml-rs's data says so
    ],
)
def test_an_empty_key_is_refused_at_its_colon(text: str, line: int, column: int) -> None:
    assert [f for f in found(text) if f[0] == "SSMD001"] == [("SSMD001", line, column, EMPTY_KEY)]


def test_a_tab_after_the_indentation_of_a_block_scalar_is_read_with_exact_positions() -> None:
    text = "name: kalshi\ndisplay_name: |-\n \tKalshi\n" + HEAD[13:] + V1
    document = load_document(FEED, text)
    assert document.problems == []
    assert isinstance(document.model, Feed)
    assert document.model.display_name == "\tKalshi"
    assert document.span(("display_name",)).start == Position(1, 14)
    assert document.span(("versions", 0, "protocol")) == Span.of(7, 14, 7, 17)


def test_a_leading_directive_is_read_as_a_comment() -> None:
    text = "%YAML 1.2\n---\n" + HEAD + V1
    document = load_document(FEED, text)
    assert document.problems == []
    assert document.span(("name",)) == Span.of(2, 6, 2, 12)


# -- readings libyaml gets wrong, lone `\r` lines, alias keys (session 3, reader2) ----

READ_TWO_WAYS = (
    "ssmd cannot read this YAML (libyaml reads this value differently from YAML 1.2): it is "
    "valid YAML, but written in a form the registry does not support; write it plainly "
    "(anchor names of letters, digits, '-' and '_'; quote a value that starts with '?'; no "
    "line of only spaces at the end of the file)"
)


def test_an_anchor_name_with_a_colon_is_read_as_yaml_1_2_reads_it() -> None:
    """Suite Y2GN#0: libyaml ends the anchor at ':' and read the value ':chor Kalshi'."""
    text = HEAD.replace("name: kalshi\n", "name: kalshi\ndisplay_name: &an:chor Kalshi\n") + V1
    document = load_document(FEED, text)
    assert document.problems == []
    assert isinstance(document.model, Feed)
    assert document.model.display_name == "Kalshi"
    assert document.span(("display_name",)) == Span.of(1, 14, 1, 29)  # `&an:chor Kalshi`
    assert document.span(("versions", 0, "protocol")) == Span.of(6, 14, 6, 17)


def test_a_value_libyaml_misreads_and_no_reading_proves_is_refused_at_it() -> None:
    """Suite L24T#1's shape: libyaml drops the last line of spaces of a block that ends the
    file (`'x\\n '` where YAML 1.2 reads `'x\\n \\n'`); refused, not misread."""
    text = HEAD + V1 + "    description: |\n      x\n       "
    assert found(text) == [("SSMD001", 8, 18, READ_TWO_WAYS)]


@pytest.mark.parametrize(
    ("text", "data"),
    [
        ("foo: 'x'\r \t\rbar: 2", {"foo": "x", "bar": 2}),  # a blank line holding a tab
        ("a:\r  -\tb\r  -\tc\r", {"a": ["b", "c"]}),  # a tab after `-`
        ("a:\r  - b\r \t\r  - c\r", {"a": ["b", "c"]}),  # inside a block sequence
    ],
)
def test_tabs_after_a_lone_cr_are_normalised_as_after_a_newline(text: str, data: object) -> None:
    from ssmd.yamlsource import parse_yaml

    parsed = parse_yaml(text)
    assert (parsed.data, parsed.problems) == (data, [])
    assert parse_yaml(text.replace("\r", "\n")).data == data


def test_a_feed_with_lone_cr_line_ends_and_a_tab_after_a_dash_is_read() -> None:
    text = (HEAD.replace("  - version", "  -\tversion") + V1).replace("\n", "\r")
    document = load_document(FEED, text)
    assert document.problems == []
    assert document.span(("versions", 0, "version")) == Span.of(3, 13, 3, 15)


def test_a_finding_on_an_alias_key_is_at_the_alias_with_the_anchor_related() -> None:
    text = HEAD.replace("name: kalshi", "name: &k kalshi") + V1 + "    *k : 1\n"
    (problem,) = load_document(FEED, text).problems
    assert problem.code == "SSMD003"
    assert problem.span == Span.of(7, 4, 7, 6)  # the `*k`, not the anchor on line 1
    assert problem.related == (
        RelatedLocation(
            FEED, Span.of(0, 6, 0, 15), "defined here, at the anchor &k (the alias *k repeats it)"
        ),
    )
