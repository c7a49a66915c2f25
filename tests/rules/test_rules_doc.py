"""docs/rules.md is generated from the registry and the case files; it must be up to date.

So a new rule without a docstring, a case file or a regenerated doc fails here.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from ssmd.rules import RULES
from tests.rules.test_registry import GIT_ONLY

REPO = Path(__file__).resolve().parents[2]


def test_committed_rules_doc_is_up_to_date() -> None:
    completed = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "gen_rules_doc.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr


def test_every_rule_section_has_an_example_with_its_finding() -> None:
    doc = (REPO / "docs" / "rules.md").read_text()
    sections = [s for s in doc.split("\n## ")[1:] if s.startswith("SSMD")]
    assert len(sections) == len(RULES)
    for section in sections:
        code = section.splitlines()[0]
        assert "Example: " in section, code
        if code in GIT_ONLY:
            assert "tests/test_history.py" in section, code
        else:
            finding = re.compile(rf":\d+:\d+: (error|warning|info) {code} ")
            assert finding.search(section), f"{code}'s example shows no finding"
