"""`ssmd fmt`'s core: data cases (tests/fmt/cases/), the sample and the decorated corpus.

A case file: `behaviour:` says what it shows; each case has a `path` (which kind
of file), an `input`, and either the exact `output` or `refused: <reason substring>`
(then the text must come back unchanged). Every output is also formatted again
(idempotence) and must read back as the same values.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from ssmd.document import Kind, kind_of, load_document
from ssmd.fmt import format_text

REPO = Path(__file__).resolve().parents[2]
CASES = Path(__file__).parent / "cases"
CORPORA = [REPO, REPO / "tests" / "write" / "decorated"]


def _cases() -> list[Any]:
    found = []
    for path in sorted(CASES.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text())["cases"]:
            found.append(pytest.param(case, id=f"{path.stem}: {case['name']}"))
    return found


@pytest.mark.parametrize("case", _cases())
def test_fmt_case(case: dict[str, Any]) -> None:
    result = format_text(case["path"], case["input"])
    if "refused" in case:
        assert result.refused is not None and case["refused"] in result.refused
        assert result.text == case["input"]
        return
    assert result.refused is None, result.refused
    assert result.text == case["output"]
    again = format_text(case["path"], result.text)
    assert again.refused is None and again.text == result.text, "fmt is not idempotent"


def _corpus_files() -> list[Any]:
    files = []
    for root in CORPORA:
        for path in sorted((root / "exchanges").rglob("*.yaml")):
            relative = path.relative_to(root).as_posix()
            if kind_of(relative) not in (None, Kind.CAPNP):
                files.append(pytest.param(root, relative, id=f"{root.name}/{relative}"))
    return files


def _model(relative: str, text: str) -> Any:
    document = load_document(relative, text)
    assert document.model is not None, document.problems
    data = document.model.model_dump(mode="json")
    if "versions" in data:
        data["versions"].sort(key=lambda v: v["effective_from"])
    return data


@pytest.mark.parametrize(("root", "relative"), _corpus_files())
def test_corpus_file_formats_idempotently_with_the_same_model(root: Path, relative: str) -> None:
    original = (root / relative).read_bytes().decode()
    result = format_text(relative, original)
    assert result.refused is None, result.refused
    assert format_text(relative, result.text).text == result.text, "not idempotent"
    assert _model(relative, result.text) == _model(relative, original)
    assert result.text.count("#") == original.count("#"), "a comment was lost"
    if root == REPO:
        assert result.text == original, f"the sample {relative} is not canonical: run ssmd fmt"
