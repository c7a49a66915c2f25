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
that the rule fires where it should and that nothing else fires.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from ssmd.check import check
from ssmd.workspace import Workspace

CASES = Path(__file__).parent / "cases"
_HASH = re.compile(r"\{\{sha256:(?P<path>[^}]+)\}\}")


def load_cases() -> list[Any]:
    params = []
    for case_file in sorted(CASES.glob("*.yaml")):
        spec = yaml.safe_load(case_file.read_text())
        for case in spec["cases"]:
            params.append(pytest.param(spec["code"], case, id=f"{case_file.stem}: {case['name']}"))
    return params


def materialize(files: dict[str, str]) -> dict[str, str]:
    def digest(match: re.Match[str]) -> str:
        content = files[match["path"]].encode()
        return "sha256:" + hashlib.sha256(content).hexdigest()

    return {path: _HASH.sub(digest, text) for path, text in files.items()}


@pytest.mark.parametrize(("code", "case"), load_cases())
def test_rule_case(code: str, case: dict[str, Any], write_files: Any) -> None:
    root = write_files(materialize(case["files"]))
    as_of = case.get("as_of")
    if isinstance(as_of, str):
        as_of = dt.date.fromisoformat(as_of)
    results = check(Workspace.load(root), as_of=as_of)
    found = sorted(
        (d.code, d.file, *d.span.one_based(), d.message, d.fix.title if d.fix else "")
        for ds in results.values()
        for d in ds
    )
    expected = case.get("expect") or []
    assert [f[:4] for f in found] == sorted(
        (e["code"], e["file"], e["line"], e["column"]) for e in expected
    ), f"findings: {found}"
    for expectation, finding in zip(
        sorted(expected, key=lambda e: (e["code"], e["file"], e["line"], e["column"])),
        found,
        strict=True,
    ):
        assert expectation.get("message", "") in finding[4]
        assert expectation.get("fix", "") in finding[5]
    if expected:
        assert any(e["code"] == code for e in expected), "a case file must exercise its own rule"


def test_every_case_file_is_named_after_its_code() -> None:
    for case_file in CASES.glob("*.yaml"):
        assert yaml.safe_load(case_file.read_text())["code"] == case_file.stem
