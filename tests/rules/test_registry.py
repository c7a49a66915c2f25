"""The rule registry matches SPEC section 6, every rule is documented, the sample is clean."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from ssmd import codes
from ssmd.check import check
from ssmd.document import Kind
from ssmd.rules import RULES, RULES_DOC_URL, Severity
from ssmd.rules.registry import registrations
from ssmd.workspace import Workspace
from tests.rules.casefiles import CASES

REPO = Path(__file__).resolve().parents[2]

# SPEC section 6, with the severity the SPEC table gives.
SPEC_CODES = {
    **{f"SSMD00{n}": Severity.ERROR for n in range(1, 8)},
    **{f"SSMD10{n}": Severity.ERROR for n in range(1, 6)},
    **{f"SSMD20{n}": Severity.ERROR for n in range(1, 10)},
    **{f"SSMD30{n}": Severity.ERROR for n in range(1, 10)},
    "SSMD206": Severity.WARNING,
    "SSMD305": Severity.WARNING,
    "SSMD307": Severity.WARNING,
    "SSMD308": Severity.WARNING,
    # Issue 13: a change that rewrites history, judged against a base commit.
    "SSMD401": Severity.WARNING,
    # Not in the SPEC table: issue 19's configuration and suppression findings.
    "SSMD010": Severity.ERROR,
    "SSMD011": Severity.WARNING,
    "SSMD012": Severity.WARNING,
}
# SSMD010 is about ssmd.yaml, which is no registry document: no kind.
NO_KIND = {"SSMD010"}
# Rules that compare with committed history: a case file has no git, so their
# cases are real repositories in tests/test_history.py.
GIT_ONLY = {"SSMD209", "SSMD401"}


def test_every_spec_code_is_registered_exactly_once() -> None:
    registered = registrations()
    assert sorted(registered) == sorted(SPEC_CODES), "registered codes differ from SPEC section 6"
    assert len(registered) == len(set(registered)), "a code is registered twice"


@pytest.mark.parametrize("code", sorted(SPEC_CODES))
def test_rule_has_spec_severity_name_and_documentation(code: str) -> None:
    rule = RULES[code]
    assert rule.severity is SPEC_CODES[code]
    assert rule.name and rule.name == rule.name.lower() and " " not in rule.name
    assert rule.kinds or code in NO_KIND, f"{code} applies to no kind of file"
    assert rule.summary.endswith("."), f"{code}'s docstring must open with a sentence"


def test_rule_names_are_unique() -> None:
    names = [rule.name for rule in RULES.values()]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("code", sorted(SPEC_CODES))
def test_rule_has_a_case_file_and_a_section_in_the_rules_doc(code: str) -> None:
    if code not in GIT_ONLY:
        assert (CASES / f"{code}.yaml").is_file(), f"add tests/rules/cases/{code}.yaml"
    doc = (REPO / "docs" / "rules.md").read_text()
    assert f"\n## {code}\n" in doc, f"{code} is missing from docs/rules.md"
    assert RULES[code].summary in doc


@pytest.mark.parametrize("as_of", [None, dt.date(2025, 3, 1), dt.date(2026, 6, 1)])
def test_no_rule_fires_on_the_sample_registry(as_of: dt.date | None) -> None:
    workspace = Workspace.load(REPO)
    results = check(workspace, as_of=as_of)
    findings = [
        (d.file, *d.span.one_based(), d.code, d.message) for ds in results.values() for d in ds
    ]
    assert findings == []
    assert {workspace.documents[path].kind for path in results} == set(Kind)


def test_every_rule_code_is_spelled_once_in_ssmd_codes() -> None:
    """`ssmd.codes` names every registered rule (constant = the rule's name), and no other."""
    constants = {
        name: value for name, value in vars(codes).items() if name.isupper() and name[0] != "_"
    }
    expected = {rule.name.upper().replace("-", "_"): code for code, rule in RULES.items()}
    assert constants == expected


def test_every_rule_has_its_anchor_in_the_rules_doc() -> None:
    text = (REPO / "docs/rules.md").read_text(encoding="utf-8")
    for rule in RULES.values():
        assert rule.url.startswith(RULES_DOC_URL + "#")
        anchor = rule.url.rpartition("#")[2]
        assert f'<a id="{anchor}"></a>' in text or f"## {rule.code}" in text, rule.code


def test_no_bare_rule_code_outside_the_rule_registry() -> None:
    """A code is spelled in `ssmd/codes.py` only; everything else names the constant."""
    bare = re.compile(r"""["']SSMD\d{3}["']""")
    found = []
    for folder in ("ssmd", "ssmd_ls"):
        for path in sorted((REPO / folder).rglob("*.py")):
            relative = path.relative_to(REPO).as_posix()
            if relative == "ssmd/codes.py":
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if bare.search(line):
                    found.append(f"{relative}:{number}: {line.strip()}")
    assert found == []
