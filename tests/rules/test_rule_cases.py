"""Run every rule case file in tests/rules/cases/ (one file per rule code).

A case file:

    code: SSMD101                   # the rule this file is about
    cases:
      - name: what the case shows
        as_of: 2025-06-01           # optional; default: the run's today
        files:                      # root-relative path -> text
          exchanges/feeds/kalshi.yaml: |
            name: kalshi
            ...
        expect:                     # every finding of every rule, 1-based positions
          - {code: SSMD101, file: exchanges/feeds/kalshi.yaml, line: 12, column: 16}

In file texts, `{{sha256:exchanges/schemas/trade.capnp}}` becomes the hash of
that case file's content. An expectation may add `message: <substring>` and
`fix: <title substring>`. Expectations list all findings, so a case proves both
that the rule fires where it should and that nothing else fires. Texts may be
YAML double-quoted strings where a tab or a control character matters.
Top-level keys other than `code` and `cases` (e.g. `fixtures:` holding
anchors that several cases reuse) are ignored by the runner.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.rules.casefiles import (
    CASES,
    Case,
    all_cases,
    expectation_key,
    finding_key,
    run_case,
)


@pytest.mark.parametrize("case", [pytest.param(c, id=f"{c.code}: {c.name}") for c in all_cases()])
def test_rule_case(case: Case, tmp_path: Path) -> None:
    found = run_case(tmp_path, case)
    expected = sorted(case.expect, key=expectation_key)
    described = [(*finding_key(d), d.message, d.fix.title if d.fix else "") for d in found]
    assert [finding_key(d) for d in found] == [expectation_key(e) for e in expected], (
        f"findings: {described}"
    )
    for expectation, finding in zip(expected, found, strict=True):
        assert expectation.get("message", "") in finding.message, described
        if "fix" in expectation:
            assert finding.fix is not None, f"{finding.code} offers no fix"
            assert expectation["fix"] in finding.fix.title
        elif finding.code == case.code:
            assert finding.fix is None, f"document the fix {finding.fix} with `fix:`"


def test_every_case_file_is_named_after_its_code() -> None:
    for case_file in CASES.glob("*.yaml"):
        assert yaml.safe_load(case_file.read_text())["code"] == case_file.stem


def test_every_case_file_has_a_firing_and_a_clean_case() -> None:
    by_code: dict[str, list[Case]] = {}
    for case in all_cases():
        by_code.setdefault(case.code, []).append(case)
    for code, cases in by_code.items():
        assert any(any(e["code"] == code for e in c.expect) for c in cases), code
        assert any(not c.expect for c in cases), f"{code} has no clean near-miss case"
