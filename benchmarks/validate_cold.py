"""Cold `ssmd validate` on a large generated registry against libyaml's bare parse time.

    python benchmarks/validate_cold.py [--runs 3] [--keep DIR]

Every figure is a fresh process (interpreter start and imports included), median
of --runs, all measured in this run:
  baseline   PyYAML CSafeLoader `compose` of every YAML file (nodes with marks, nothing else)
  cold       `ssmd validate` with no compile cache: every .capnp compiled
  cached     `ssmd validate` with a warm content-addressed compile cache
plus an in-process breakdown (load, compile, rules) of one run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.generate import generate

BASELINE = """
import glob, yaml
for path in sorted(glob.glob("exchanges/*/*.yaml")):
    with open(path) as f:
        yaml.compose(f.read(), Loader=yaml.CSafeLoader)
"""

BREAKDOWN = """
import time
from pathlib import Path
t0 = time.perf_counter()
from ssmd.check import check
from ssmd.capnp.compiler import CapnpCompiler
from ssmd.workspace import Workspace
t1 = time.perf_counter()
ws = Workspace.load(Path("."), compiler=CapnpCompiler(use_disk_cache=False))
t2 = time.perf_counter()
ws.compiled(sorted(ws.capnp_bytes))
t3 = time.perf_counter()
results = check(ws)
t4 = time.perf_counter()
found = sum(len(v) for v in results.values())
print(f"imports {t1-t0:.2f} s, load {t2-t1:.2f} s, compile {t3-t2:.2f} s, rules {t4-t3:.2f} s,"
      f" {len(ws.documents)} files, {found} findings")
"""


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def median_of(runs: int, command: list[str], cwd: Path, env: dict[str, str]) -> float:
    return statistics.median(timed(command, cwd, env) for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    arguments = parser.parse_args()
    root = arguments.keep or Path(tempfile.mkdtemp(prefix="ssmd-bench-"))
    if not (root / "exchanges").exists():
        planted = generate(root)
        print(
            f"generated {root}: 500 feeds, 1000 schemas, 1500 environments, "
            f"{len(planted.errors)} planted errors"
        )
    repo = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": repo}
    python = sys.executable
    with tempfile.TemporaryDirectory() as cache:
        baseline = median_of(arguments.runs, [python, "-c", BASELINE], root, env)
        cold_env = {**env, "SSMD_CACHE_DIR": "off"}
        cold = median_of(arguments.runs, [python, "-m", "ssmd", "validate"], root, cold_env)
        warm_env = {**env, "SSMD_CACHE_DIR": cache}
        timed([python, "-m", "ssmd", "validate"], root, warm_env)  # fills the cache
        cached = median_of(arguments.runs, [python, "-m", "ssmd", "validate"], root, warm_env)
    print(f"baseline (libyaml compose only): {baseline:6.2f} s")
    print(f"ssmd validate, no compile cache: {cold:6.2f} s  ratio {cold / baseline:4.1f}x")
    print(f"ssmd validate, warm cache:       {cached:6.2f} s  ratio {cached / baseline:4.1f}x")
    breakdown = subprocess.run(
        [python, "-c", BREAKDOWN],
        cwd=root,
        env=cold_env,
        capture_output=True,
        text=True,
        check=True,
    )
    print("breakdown:", breakdown.stdout.strip())


if __name__ == "__main__":
    main()
