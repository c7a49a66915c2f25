"""Hostile sizes finish in bounded time and memory with a clear diagnostic.

Each case runs `ssmd.check` on a registry in a child process, which reports
its peak RSS (`resource.getrusage`); the limits asserted are generous (the
point is "bounded", not a benchmark), and a hang fails through the timeout.
Limits: docs/reliability.md.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ssmd.document import MAX_FILE_BYTES
from ssmd.yamlsource import MAX_NODES

from .fuzzing import SAMPLE

PEAK_RSS_LIMIT_MB = 400
"""The whole CLI with the sample registry peaks near 100 MB; a blow-up is many times that."""

_MEASURE = """
import json, resource, sys
from pathlib import Path
from ssmd.check import check
from ssmd.workspace import Workspace
workspace = Workspace.load(Path(sys.argv[1]))
results = check(workspace)
found = [
    {"file": d.file, "code": d.code, "message": d.message, "line": d.span.start.line}
    for diagnostics in results.values() for d in diagnostics
]
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(json.dumps({"found": found, "peak_mb": peak}))
"""


def measure(root: Path) -> tuple[list[dict[str, object]], int]:
    completed = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(root)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    report = json.loads(completed.stdout)
    return report["found"], report["peak_mb"]


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    shutil.copytree(SAMPLE, tmp_path / "exchanges")
    return tmp_path


def findings_for(found: list[dict[str, object]], file: str) -> list[tuple[object, str]]:
    return [(f["code"], str(f["message"])) for f in found if f["file"] == file]


def alias_bomb() -> str:
    lines = ["name: kalshi", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 10):
        previous = f"*a{level - 1}"
        lines.append(f"a{level}: &a{level} [{', '.join([previous] * 10)}]")
    return "\n".join(lines) + "\n"


CASES = {
    "alias-bomb": (alias_bomb(), "SSMD001", f"more than {MAX_NODES} values"),
    "deep-flow-nesting": ("name: " + "[" * 10_000 + "]" * 10_000 + "\n", "SSMD001", "nesting"),
    "deep-block-nesting": ("name:\n  " + "- " * 10_000 + "x\n", "SSMD001", "nesting"),
    "deep-mixed-nesting": ("name: " + "{a: [" * 5_000 + "]}" * 5_000, "SSMD001", "nesting"),
    "one-megabyte-line": ("name: " + "k" * 1_000_000 + "\n", "SSMD005", "not a valid name"),
    "fifty-megabytes": (
        "name: kalshi\nversions:\n" + "  - {version: v1, effective_from: 2025-01-01}\n" * 1_100_000,
        "SSMD001",
        f"more than the {MAX_FILE_BYTES:,} a registry file may hold",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_yaml_is_bounded(registry: Path, case: str) -> None:
    text, code, phrase = CASES[case]
    (registry / "exchanges/feeds/kalshi.yaml").write_text(text)
    found, peak_mb = measure(registry)
    mine = findings_for(found, "exchanges/feeds/kalshi.yaml")
    assert any(c == code and phrase in m for c, m in mine), mine
    assert all(len(m) < 1_000 for _, m in mine), "a message repeats the input"
    assert peak_mb < PEAK_RSS_LIMIT_MB, f"{case} peaked at {peak_mb} MB"


def test_fifty_megabyte_schema_file_is_not_read(registry: Path) -> None:
    big = registry / "exchanges/schemas/trade.capnp"
    big.write_text("# padding\n" * 5_300_000)
    found, peak_mb = measure(registry)
    mine = findings_for(found, "exchanges/schemas/trade.capnp")
    assert any(c == "SSMD203" and "not read" in m for c, m in mine), mine
    assert peak_mb < PEAK_RSS_LIMIT_MB


def test_huge_import_cycle_is_refused_without_compiling(registry: Path) -> None:
    schemas = registry / "exchanges/schemas"
    size = 2_000
    for i in range(size):
        (schemas / f"ring{i}.capnp").write_text(
            f'@0x{0xA000000000000000 + i:x};\nusing Next = import "ring{(i + 1) % size}.capnp";\n'
        )
    found, peak_mb = measure(registry)
    cyclic = {f["file"] for f in found if f["code"] == "SSMD207"}
    assert len(cyclic) == size
    assert peak_mb < PEAK_RSS_LIMIT_MB


def test_long_import_chain_compiles(registry: Path) -> None:
    schemas = registry / "exchanges/schemas"
    size = 60
    for i in range(size):
        follow = f'using Next = import "chain{i + 1}.capnp";\n'
        (schemas / f"chain{i}.capnp").write_text(
            f"@0x{0xB000000000000000 + i:x};\n{follow}struct S{i} {{ x @0 :Next.S{i + 1}; }}\n"
        )
    (schemas / "chain59.capnp").write_text("@0xb00000000000003b;\nstruct S59 { x @0 :Nope; }\n")
    found, peak_mb = measure(registry)
    broken = {f["file"] for f in found if f["code"] == "SSMD203"}
    assert "exchanges/schemas/chain59.capnp" in broken
    assert "exchanges/schemas/chain0.capnp" in broken  # flagged at its import
    assert peak_mb < PEAK_RSS_LIMIT_MB
