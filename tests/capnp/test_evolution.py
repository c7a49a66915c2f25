"""The compatibility checker against a table of schema pairs, and against Cap'n Proto itself.

One pair per rule id, plus changes the "Evolving your protocol" rules allow,
which must pass. Every pair is also given to Cap'n Proto's own SchemaLoader
check (a child process): where it rejects a pair, the checker must report a
wire-breaking change; where the checker finds nothing breaking, it must accept.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ssmd.capnp.compiler import CapnpCompiler
from ssmd.capnp.evolution import NAME_RULES, WIRE_RULES, check_evolution

FILE_ID = "@0xd8a4bd5c2f1e9a01;\n"
BASE = """
struct Trade {
  price @0 :Float64;
  size @1 :UInt32;
  side @2 :Side;
  enum Side { buy @0; sell @1; }
}
"""

# name -> (old body, new body, the rule ids the checker must report)
PAIRS: dict[str, tuple[str, str, set[str]]] = {
    # Compatible changes.
    "new field with the next ordinal": (
        BASE,
        BASE.replace("side @2 :Side;", "side @2 :Side;\n  venue @3 :Text;"),
        set(),
    ),
    "reordered declarations": (
        BASE,
        "struct Trade {\n  enum Side { buy @0; sell @1; }\n  side @2 :Side;\n"
        "  size @1 :UInt32;\n  price @0 :Float64;\n}\n",
        set(),
    ),
    "new enumerant at the end": (BASE, BASE.replace("sell @1;", "sell @1; unknown @2;"), set()),
    "new struct": (BASE, BASE + "struct Quote { bid @0 :Float64; }\n", set()),
    "field moved into a new union beside only new fields": (
        BASE,
        BASE.replace("size @1 :UInt32;", "union { size @1 :UInt32; lots @3 :UInt16; }"),
        set(),
    ),
    "field moved into a new group (wire-safe; JSON nests it)": (
        BASE,
        BASE.replace("size @1 :UInt32;", "amount :group { size @1 :UInt32; }"),
        {"FIELD_SAME_NAME"},
    ),
    "List(UInt32) becomes a list of structs whose @0 is UInt32": (
        BASE.replace("side @2 :Side;", "side @2 :Side;\n  ids @3 :List(UInt32);"),
        BASE.replace("side @2 :Side;", "side @2 :Side;\n  ids @3 :List(Id);")
        + "struct Id { value @0 :UInt32; }\n",
        set(),
    ),
    # One pair per wire rule.
    "FIELD_NO_DELETE": (BASE, BASE.replace("side @2 :Side;", ""), {"FIELD_NO_DELETE"}),
    "FIELD_SAME_TYPE": (
        BASE,
        BASE.replace("size @1 :UInt32;", "size @1 :UInt64;"),
        {"FIELD_SAME_TYPE", "FIELD_SAME_LAYOUT"},  # side moves: UInt64 needs a word of its own
    ),
    "FIELD_SAME_TYPE: Text widened to AnyPointer (Cap'n Proto's loader rejects it)": (
        BASE.replace("side @2 :Side;", "side @2 :Side;\n  extra @3 :Text;"),
        BASE.replace("side @2 :Side;", "side @2 :Side;\n  extra @3 :AnyPointer;"),
        {"FIELD_SAME_TYPE"},
    ),
    "FIELD_SAME_DEFAULT": (
        BASE,
        BASE.replace("size @1 :UInt32;", "size @1 :UInt32 = 1;"),
        {"FIELD_SAME_DEFAULT"},
    ),
    "FIELD_SAME_LAYOUT": (
        "struct Level {\n  a @0 :UInt8;\n  b @1 :UInt8;\n}\n",
        "struct Level {\n  a @0 :UInt16;\n  b @1 :UInt8;\n}\n",
        {"FIELD_SAME_TYPE", "FIELD_SAME_LAYOUT"},
    ),
    "ORDINAL_STABLE": (
        BASE,
        BASE.replace("size @1 :UInt32;", "lots @1 :UInt32;\n  size @3 :UInt32;"),
        {"ORDINAL_STABLE"},
    ),
    "TYPE_ID_STABLE": (
        BASE,
        BASE.replace("struct Trade {", "struct Trade @0xa1b2c3d4e5f60718 {"),
        {"TYPE_ID_STABLE"},
    ),
    "TYPE_NO_DELETE": (BASE + "struct Quote { bid @0 :Float64; }\n", BASE, {"TYPE_NO_DELETE"}),
    "UNION_MEMBERSHIP_STABLE": (
        "struct Event {\n  union {\n    a @0 :UInt32;\n    b @1 :Text;\n  }\n}\n",
        "struct Event {\n  a @0 :UInt32;\n  union {\n    b @1 :Text;\n    c @2 :Text;\n  }\n}\n",
        {"UNION_MEMBERSHIP_STABLE"},
    ),
    "ENUMERANT_NO_DELETE": (BASE, BASE.replace("sell @1;", ""), {"ENUMERANT_NO_DELETE"}),
    # Name rules: wire-compatible, reported as warnings.
    "FIELD_SAME_NAME": (
        BASE,
        BASE.replace("size @1 :UInt32;", "quantity @1 :UInt32;"),
        {"FIELD_SAME_NAME"},
    ),
    "FIELD_NAMES_SWAPPED": (
        "struct Quote {\n  bid @0 :Float64;\n  ask @1 :Float64;\n}\n",
        "struct Quote {\n  ask @0 :Float64;\n  bid @1 :Float64;\n}\n",
        {"FIELD_NAMES_SWAPPED"},
    ),
    "ENUMERANT_SAME_NAME": (BASE, BASE.replace("sell @1;", "ask @1;"), {"ENUMERANT_SAME_NAME"}),
}


@pytest.fixture(scope="module")
def judged(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Any, Any, bool, str]]:
    """name -> (old structure, new structure, Cap'n Proto accepts, its reason)."""
    folder = tmp_path_factory.mktemp("pairs")
    files: dict[str, bytes] = {}
    names = sorted(PAIRS)
    for index, name in enumerate(names):
        old, new, _ = PAIRS[name]
        files[f"pairs/old{index}/trade.capnp"] = (FILE_ID + old).encode()
        files[f"pairs/new{index}/trade.capnp"] = (FILE_ID + new).encode()
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


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_checker_reports_exactly_the_expected_rules(name: str, judged: Any) -> None:
    old, new, _, _ = judged[name]
    changes = check_evolution(old, new)
    assert {c.rule for c in changes} == PAIRS[name][2], [str(c) for c in changes]
    for change in changes:
        assert change.breaking == (change.rule in WIRE_RULES)
        assert change.message


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_checker_agrees_with_capnp_schema_loader(name: str, judged: Any) -> None:
    old, new, capnp_accepts, reason = judged[name]
    breaking = [c for c in check_evolution(old, new) if c.breaking]
    if not capnp_accepts:
        assert breaking, f"Cap'n Proto rejects this pair ({reason}) but the checker passes it"
    if not breaking:
        assert capnp_accepts, f"the checker passes this pair but Cap'n Proto rejects it: {reason}"


def test_every_rule_id_has_a_pair() -> None:
    covered = set().union(*(expected for _, _, expected in PAIRS.values()))
    assert covered == set(WIRE_RULES) | set(NAME_RULES)


def test_the_oracle_can_say_no(judged: Any) -> None:
    """Guard: the oracle is really consulted (a changed type is rejected by Cap'n Proto)."""
    assert judged["FIELD_SAME_TYPE"][2] is False
    assert judged["new field with the next ordinal"][2] is True


def test_direction_matters(judged: Any) -> None:
    """Adding a field is compatible; the same change read backwards deletes it."""
    old, new, _, _ = judged["new field with the next ordinal"]
    assert check_evolution(old, new) == []
    assert {c.rule for c in check_evolution(new, old)} == {"FIELD_NO_DELETE"}
