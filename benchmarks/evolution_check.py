"""What the evolution checker costs next to the compile every check pays anyway.

    python benchmarks/evolution_check.py [--structs 200] [--fields 30] [--runs 5]

Generates a schema of --structs structs with --fields fields each (plus an
interface per ten structs), and a new version with one field's type changed
in every tenth struct and a field added to every struct. Measured in this
run, median of --runs:

  compile    the baseline: both texts compiled and described in the compiler
             child (no cache), which SSMD208 and `schema diff` need anyway
  compare    `compare_structures`: the checker at `source` plus locating every
             finding in both texts
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ssmd.capnp.compiler import CapnpCompiler  # noqa: E402
from ssmd.models import CompatibilityLevel, Schema  # noqa: E402
from ssmd.schema_diff import VersionStructure, compare_structures  # noqa: E402

_TYPES = ["UInt32", "Float64", "Text", "List(UInt64)", "Bool"]


def schema_text(structs: int, fields: int, changed: bool) -> str:
    lines = ["@0xd8a4bd5c2f1e9a01;"]
    for s in range(structs):
        lines.append(f"struct S{s} {{")
        for f in range(fields):
            kind = _TYPES[f % len(_TYPES)]
            if changed and s % 10 == 0 and f == 1:
                kind = "UInt64"
            lines.append(f"  f{f} @{f} :{kind};")
        if changed:
            lines.append(f"  added @{fields} :Text;")
        lines.append("}")
        if s % 10 == 0:
            lines.append(f"interface I{s} {{ get @0 (id :UInt32) -> (value :S{s}); }}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--structs", type=int, default=200)
    parser.add_argument("--fields", type=int, default=30)
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()
    old = schema_text(arguments.structs, arguments.fields, False)
    new = schema_text(arguments.structs, arguments.fields, True)
    schema = Schema.model_validate(
        {
            "name": "big",
            "schema_file": "big.capnp",
            "versions": [
                {
                    "version": "v1",
                    "effective_from": "2025-01-01",
                    "status": "active",
                    "hash": "sha256:" + "0" * 64,
                }
            ],
        }
    )
    compile_times, compare_times = [], []
    findings = 0
    for _ in range(arguments.runs):
        compiler = CapnpCompiler(use_disk_cache=False)
        started = time.perf_counter()
        results = compiler.compile_variants(
            [({"big.capnp": old.encode()}, "big.capnp"), ({"big.capnp": new.encode()}, "big.capnp")]
        )
        compile_times.append(time.perf_counter() - started)
        before = VersionStructure(results[0].structure, "old", text=old, path="big.capnp")
        after = VersionStructure(results[1].structure, "new", text=new, path="big.capnp")
        started = time.perf_counter()
        comparison = compare_structures(
            "big:v1", "big:v2", before, after, CompatibilityLevel.SOURCE, schema
        )
        compare_times.append(time.perf_counter() - started)
        findings = len(comparison.changes)
    compile_median = statistics.median(compile_times)
    compare_median = statistics.median(compare_times)
    print(f"schema: {arguments.structs} structs x {arguments.fields} fields; findings: {findings}")
    print(f"compile both texts (baseline): {compile_median:.3f} s")
    print(
        f"compare + locate:             {compare_median:.3f} s "
        f"({compare_median / compile_median:.1%} of the compile)"
    )


if __name__ == "__main__":
    main()
