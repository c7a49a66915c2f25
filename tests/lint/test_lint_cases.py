"""Run the configuration and suppression behaviour cases in tests/lint/cases/ (one file each).

A case file is a rule case file (tests/rules/test_rule_cases.py) about a
behaviour instead of a code: `behaviour:` says what it shows, each case's
`expect` lists every shown finding (with an optional `severity:`), and
`suppressed` every finding a `# ssmd: ignore[...]` comment hides (with its `reason`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from ssmd.check import Diagnostic, check_report
from ssmd.workspace import Workspace
from tests.rules.casefiles import Case, expectation_key, finding_key, write_case

CASES = Path(__file__).parent / "cases"


def _cases() -> list[tuple[str, Case, list[dict[str, Any]]]]:
    found = []
    for path in sorted(CASES.glob("*.yaml")):
        spec = yaml.safe_load(path.read_text())
        for raw in spec["cases"]:
            as_of = raw.get("as_of")
            as_of = dt.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
            case = Case(path.stem, raw["name"], dict(raw["files"]), as_of, raw.get("expect") or [])
            found.append((path.stem, case, list(raw.get("suppressed") or [])))
    return found


def _compare(found: list[Diagnostic], expected: list[dict[str, Any]]) -> None:
    found = sorted(found, key=finding_key)
    expected = sorted(expected, key=expectation_key)
    described = [(*finding_key(d), d.severity.value, d.message, d.suppressed) for d in found]
    assert [finding_key(d) for d in found] == [expectation_key(e) for e in expected], described
    for expectation, finding in zip(expected, found, strict=True):
        assert expectation.get("message", "") in finding.message, described
        if "severity" in expectation:
            assert finding.severity.value == expectation["severity"], described
        if "reason" in expectation:
            assert finding.suppressed == expectation["reason"], described


@pytest.mark.parametrize(
    ("case", "suppressed"), [pytest.param(c, s, id=f"{n}: {c.name}") for n, c, s in _cases()]
)
def test_lint_case(case: Case, suppressed: list[dict[str, Any]], tmp_path: Path) -> None:
    write_case(tmp_path, case)
    report = check_report(Workspace.load(tmp_path), as_of=case.as_of)
    _compare([d for ds in report.results.values() for d in ds], case.expect)
    _compare([d for ds in report.suppressed.values() for d in ds], suppressed)
