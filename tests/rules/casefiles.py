"""Rule case files (tests/rules/cases/*.yaml): loading, materializing, running.

Shared by the parametrized rule test and by scripts/gen_rules_doc.py, which
takes each rule's documented example from its first firing case, so the
examples in docs/rules.md are exactly what the tests prove.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ssmd.check import Diagnostic, check
from ssmd.workspace import Workspace

CASES = Path(__file__).parent / "cases"
_HASH = re.compile(r"\{\{sha256:(?P<path>[^}]+)\}\}")


@dataclass(frozen=True)
class Case:
    code: str
    """The rule the case file is about."""
    name: str
    files: dict[str, str]
    as_of: dt.date | None
    expect: list[dict[str, Any]]


def load_case_file(path: Path) -> tuple[str, list[Case]]:
    spec = yaml.safe_load(path.read_text())
    cases = []
    for raw in spec["cases"]:
        as_of = raw.get("as_of")
        if isinstance(as_of, str):
            as_of = dt.date.fromisoformat(as_of)
        cases.append(
            Case(
                spec["code"], raw["name"], dict(raw["files"]), as_of, list(raw.get("expect") or [])
            )
        )
    return spec["code"], cases


def all_cases() -> list[Case]:
    return [case for path in sorted(CASES.glob("*.yaml")) for case in load_case_file(path)[1]]


def materialize(files: dict[str, str]) -> dict[str, str]:
    """Replace `{{sha256:PATH}}` with the hash of that case file's text."""

    def digest(match: re.Match[str]) -> str:
        content = files[match["path"]].encode()
        return "sha256:" + hashlib.sha256(content).hexdigest()

    return {path: _HASH.sub(digest, text) for path, text in files.items()}


def write_case(root: Path, case: Case) -> dict[str, str]:
    files = materialize(case.files)
    (root / "exchanges").mkdir(parents=True, exist_ok=True)
    for relative, text in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode())
    return files


def run_case(root: Path, case: Case) -> list[Diagnostic]:
    """Every finding of every rule on the case's files, sorted by code, file and position."""
    write_case(root, case)
    results = check(Workspace.load(root), as_of=case.as_of)
    return sorted((d for found in results.values() for d in found), key=finding_key)


def expectation_key(expectation: dict[str, Any]) -> tuple[str, str, int, int]:
    return (expectation["code"], expectation["file"], expectation["line"], expectation["column"])


def finding_key(diagnostic: Diagnostic) -> tuple[str, str, int, int]:
    return (diagnostic.code, diagnostic.file, *diagnostic.span.one_based())
