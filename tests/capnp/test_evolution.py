"""The evolution checker against a corpus of schema pairs, at every level, and against Cap'n Proto.

The corpus (`evolution_corpus.py`) says where each case comes from. Every
case is checked old -> new at each level (`wire`, `wire+text`, `source`),
and new -> old where the corpus gives the reverse. Every pair is also given
to Cap'n Proto's own SchemaLoader check (a child process): where it rejects a
pair, the checker must report a wire-breaking change, except for the few
cases listed in `LOADER_STRICTER` where the loader is stricter than the
documented wire rules (it demands equal type ids where the checker compares
the two types' structures); where the checker finds nothing breaking at
`wire` the loader must accept unless listed there.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ssmd.capnp.compiler import CapnpCompiler
from ssmd.capnp.evolution import check_evolution
from ssmd.capnp.rules import RULES, Level
from tests.capnp.evolution_corpus import CASES, FILE_ID, Case

BY_NAME = {c.name: c for c in CASES}
LOADER_STRICTER = {
    # The loader requires an enum field to keep its enum type (wire: a UInt16 either way).
    "an enum field becomes UInt16",
    # The loader requires the same struct id (its own TODO says it should compare them).
    "a field's struct swapped for another of the same layout",
    "same struct swapped, names kept",
    "a struct renamed without an explicit id",
    # The loader's type check allows these upgrades (canUpgradeToAnyPointer, canUpgradeToData),
    # but its default-value check then asserts both defaults have the same kind, and fails.
    "a type made generic, its uses bound to what the parameters replace",
    "a struct field widened to AnyPointer",
    "a struct field widened to AnyStruct",
    "Text becomes Data",
    "near miss of FIELD_SAME_TYPE: a capability field widened to Capability",
}


@pytest.fixture(scope="module")
def judged(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Any, Any, bool, str]]:
    """name -> (old structure, new structure, Cap'n Proto accepts, its reason)."""
    folder = tmp_path_factory.mktemp("pairs")
    files: dict[str, bytes] = {}
    names = [c.name for c in CASES]
    for index, name in enumerate(names):
        files[f"pairs/old{index}/trade.capnp"] = (FILE_ID + BY_NAME[name].old).encode()
        files[f"pairs/new{index}/trade.capnp"] = (FILE_ID + BY_NAME[name].new).encode()
    results = CapnpCompiler(use_disk_cache=False).compile(files, sorted(files))
    for path, result in results.items():
        assert result.ok, f"{path} does not compile: {result.errors}"
    for path, content in files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(content)
    request = [
        [str(folder / f"pairs/old{i}/trade.capnp"), str(folder / f"pairs/new{i}/trade.capnp")]
        for i in range(len(names))
    ]
    verdicts = _ask_capnp(request)
    return {
        name: (
            results[f"pairs/old{i}/trade.capnp"].structure,
            results[f"pairs/new{i}/trade.capnp"].structure,
            verdicts[i]["ok"],
            verdicts[i].get("message", ""),
        )
        for i, name in enumerate(names)
    }


def _ask_capnp(pairs: list[list[str]]) -> list[dict[str, Any]]:
    """All pairs in one child; should it die on a pair, that pair alone counts as rejected."""
    verdicts: list[dict[str, Any]] = []
    while len(verdicts) < len(pairs):
        completed = subprocess.run(
            [sys.executable, str(Path(__file__).with_name("oracle_child.py"))],
            input=json.dumps(pairs[len(verdicts) :]),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        verdicts += [json.loads(line) for line in completed.stdout.splitlines()]
        if completed.returncode != 0 and len(verdicts) < len(pairs):
            verdicts.append({"ok": False, "message": completed.stderr.strip()[-200:]})
    return verdicts


@pytest.mark.parametrize("level", list(Level))
@pytest.mark.parametrize("name", [c.name for c in CASES])
def test_each_case_at_each_level(name: str, level: Level, judged: Any) -> None:
    old, new, _, _ = judged[name]
    expected: Case = BY_NAME[name]
    changes = check_evolution(old, new, level)
    assert {c.rule for c in changes} == expected.rules, [str(c) for c in changes]
    breaking = {c.rule for c in changes if c.breaking}
    assert breaking == {r for r in expected.rules if level.includes(RULES[r].level)}
    for change in changes:
        assert change.level == RULES[change.rule].level.value
        assert change.message and change.consequence and change.element


@pytest.mark.parametrize("name", [c.name for c in CASES if c.reverse is not None])
def test_reverse_direction(name: str, judged: Any) -> None:
    old, new, _, _ = judged[name]
    changes = check_evolution(new, old, Level.SOURCE)
    assert {c.rule for c in changes} == BY_NAME[name].reverse, [str(c) for c in changes]


@pytest.mark.parametrize("name", [c.name for c in CASES])
def test_checker_agrees_with_capnp_schema_loader(name: str, judged: Any) -> None:
    old, new, capnp_accepts, reason = judged[name]
    breaking = [c for c in check_evolution(old, new) if c.breaking]
    if name in LOADER_STRICTER:
        assert not breaking and not capnp_accepts, "no longer a known disagreement: update the list"
        return
    if not capnp_accepts:
        assert breaking, f"Cap'n Proto rejects this pair ({reason}) but the checker passes it"
    if not breaking:
        assert capnp_accepts, f"the checker passes this pair but Cap'n Proto rejects it: {reason}"


def test_every_rule_has_a_case_and_a_safe_near_miss() -> None:
    fired = set().union(*(c.rules for c in CASES), *(c.reverse or set() for c in CASES))
    assert fired | {"FIELD_SAME_LAYOUT"} == set(RULES)  # FIELD_SAME_LAYOUT: see below
    for rule in RULES:
        near = [c for c in CASES if rule in c.near_miss_of]
        assert near, f"{rule} has no near-miss case"
        assert all(rule not in c.rules for c in near)


def test_the_oracle_can_say_no(judged: Any) -> None:
    """Guard: the oracle is really consulted (a changed type is rejected by Cap'n Proto)."""
    assert judged["FIELD_SAME_TYPE"][2] is False
    assert judged["new field with the next ordinal"][2] is True


def test_one_finding_per_cause(judged: Any) -> None:
    """A type change that shifts a union's tag is one finding, not one per member."""
    old, new, _, _ = judged["UNION_MEMBERSHIP_STABLE: one change, one finding"]
    assert len(check_evolution(old, new)) == 1
    # A generic struct's own change is not repeated at the field that binds it.
    old, new, _, _ = judged["FIELD_SAME_TYPE: a generic struct changed, used with a binding"]
    (change,) = check_evolution(old, new)
    assert change.element == "Ref.slot"


def test_layout_is_a_last_resort(judged: Any) -> None:
    """FIELD_SAME_LAYOUT cannot come from a real schema pair (layout follows ordinals and
    types, which other rules report): it is a net for a description whose slot moved alone."""
    old, _, _, _ = judged["FIELD_SAME_NAME"]
    moved = json.loads(json.dumps(old))
    trade = next(t for t in moved["types"].values() if t["name"] == "Trade")
    size = next(f for f in trade["fields"] if f["name"] == "size")
    size["offset"] += 1
    changes = check_evolution(old, moved)
    assert [c.rule for c in changes] == ["FIELD_SAME_LAYOUT"]
    assert check_evolution(old, old) == []


def test_findings_name_old_and_new_elements(judged: Any) -> None:
    old, new, _, _ = judged["near miss of ORDINAL_STABLE: a rename at the same ordinal"]
    (change,) = check_evolution(old, new, "wire+text")
    assert (change.old_element, change.element) == ("Trade.size", "Trade.quantity")
    assert change.breaking and change.level == "wire+text"
    assert "JSON" in change.consequence


def test_docs_list_every_rule_with_its_level() -> None:
    page = (Path(__file__).parents[2] / "docs" / "evolution.md").read_text()
    for rule in RULES.values():
        row = f"| `{rule.id}` | {rule.level.value} | {rule.summary} | {rule.example} |"
        assert row in page, f"docs/evolution.md lacks (or has a stale row for) {rule.id}"
