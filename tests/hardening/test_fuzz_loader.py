"""Fuzz the loader, the workspace and every rule with damaged and generated registry files.

CI runs a few thousand examples; `SSMD_FUZZ_FULL=1` runs the full campaign
(docs/reliability.md). Any input that ever failed is kept in `regressions/`
and replayed here on every run.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ssmd.capnp.compiler import CapnpCompiler
from ssmd.capnp.imports import find_cycles, scan_imports
from ssmd.check import check
from ssmd.document import load_document
from ssmd.workspace import Workspace

from .fuzzing import (
    REPO,
    YAML_SEEDS,
    assert_diagnostics_inside,
    examples,
    generated_capnp,
    generated_yaml,
    mutated_seed,
    oracle_problem,
    regression_cases,
    span_problem,
)

# One compiler for the whole module: its memory cache keeps unchanged .capnp files compiled once.
COMPILER = CapnpCompiler(use_disk_cache=False)


def assert_loads(path: str, text: str) -> None:
    document = load_document(path, text)
    for problem in document.problems:
        where = span_problem(problem.span, text) or oracle_problem(
            problem.code, problem.message, *problem.span.start, text
        )
        assert where is None, f"{problem.code} {problem.message!r}: {where}"
        assert len(problem.message) < 2_000, (
            f"{problem.code} message is {len(problem.message)} long"
        )


def assert_checks(path: str, text: str) -> None:
    """Lay `text` over the sample registry at `path`; check every file; spans stay inside."""
    workspace = Workspace.load(REPO, overlays={path: text}, compiler=COMPILER)
    results = check(workspace)
    texts = {p: d.text for p, d in workspace.documents.items()}
    assert_diagnostics_inside(results, texts)


@examples(ci=1_500, full=8_000)
@given(mutated_seed(".yaml"))
def test_mutated_yaml_loads(case: tuple[str, str]) -> None:
    assert_loads(*case)


@examples(ci=300, full=2_000)
@given(st.sampled_from(sorted(YAML_SEEDS)), generated_yaml())
def test_generated_yaml_loads(path: str, text: str) -> None:
    assert_loads(path, text)


@examples(ci=200, full=2_000)
@given(
    st.one_of(
        mutated_seed(".yaml"), st.tuples(st.sampled_from(sorted(YAML_SEEDS)), generated_yaml())
    )
)
def test_every_rule_on_damaged_yaml(case: tuple[str, str]) -> None:
    assert_checks(*case)


@examples(ci=200, full=3_000)
@given(st.one_of(mutated_seed(".capnp"), generated_capnp()))
def test_capnp_import_scanning(text: str | tuple[str, str]) -> None:
    text = text[1] if isinstance(text, tuple) else text
    for imported in scan_imports(text):
        assert span_problem(imported.span, text) is None
        imported.resolve("exchanges/schemas/gen.capnp")
    find_cycles({"a": ["b"], "b": ["a", "c"], "c": []})


@examples(ci=30, full=400)
@given(
    st.one_of(
        mutated_seed(".capnp"),
        st.tuples(st.just("exchanges/schemas/trade.capnp"), generated_capnp()),
    )
)
def test_every_rule_on_damaged_capnp(case: tuple[str, str]) -> None:
    """Each example compiles in the child process: a smaller campaign."""
    assert_checks(*case)


def _target(case: Path) -> str:
    """`NNN-what@feeds@kalshi.yaml` replays as exchanges/feeds/kalshi.yaml."""
    _, folder, filename = case.name.split("@")
    return f"exchanges/{folder}/{filename}"


@pytest.mark.parametrize(
    "case", [*regression_cases(".yaml"), *regression_cases(".capnp")], ids=lambda p: p.name
)
def test_regression(case: Path) -> None:
    text = case.read_bytes().decode("utf-8")
    path = _target(case)
    if path.endswith(".yaml"):
        assert_loads(path, text)
    assert_checks(path, text)
