"""Write commands on a large generated registry, against a full `ssmd validate` in the same run.

    python benchmarks/write_latency.py [--runs 5] [--keep DIR]

A write validates only the files it touches and their dependents, so it should
cost a workspace load plus a little, not a full validation. Every figure is a
fresh process (interpreter start and imports included), median of --runs, with a
warm compile cache (as an operator's machine has after the first command); each
written file is restored between runs. Then an in-process breakdown of one
`feed add-version`: load, round-trip edit, check of the affected files, atomic write.
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

PICK = """
from pathlib import Path
from ssmd.check import check
from ssmd.document import Kind
from ssmd.workspace import Workspace
ws = Workspace.load(Path("."))
results = check(ws)
bad = {path for path, found in results.items() if any(d.severity == "error" for d in found)}
def clean(document):
    return not (ws.dependents(document.path) & bad)
feed = next(d for d in ws.of_kind(Kind.FEED) if clean(d) and ws.environments_using_feed(d.stem))
env = next(d for d in ws.of_kind(Kind.ENVIRONMENT) if clean(d))
print(feed.stem, env.stem)
"""

BREAKDOWN = """
import datetime as dt, sys, time
from pathlib import Path
t0 = time.perf_counter()
from ssmd.check import check
from ssmd.write.feeds import VersionFields, add_feed_version
from ssmd.write.atomic import write_atomically
from ssmd.workspace import Workspace
t1 = time.perf_counter()
ws = Workspace.load(Path("."))
t2 = time.perf_counter()
fields = VersionFields(rate_limit_per_second=3)
change = add_feed_version(ws, sys.argv[1], dt.date(2031, 1, 1), fields)
t3 = time.perf_counter()
affected = set()
for path, content in change.files.items():
    affected |= ws.set_text(path, content.decode())
results = check(ws, sorted(affected))
t4 = time.perf_counter()
write_atomically({ws.root / p: c for p, c in change.files.items()})
t5 = time.perf_counter()
print(f"imports {t1-t0:.3f} s, load {t2-t1:.3f} s, edit {t3-t2:.3f} s, "
      f"check {len(affected)} affected files {t4-t3:.3f} s, write {t5-t4:.4f} s")
"""


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if command[3] != "validate" and result.returncode != 0:
        raise SystemExit(f"{' '.join(command[3:])} failed: {result.stderr.decode()}")
    return elapsed


def median_write(
    runs: int, command: list[str], root: Path, env: dict[str, str], restore: list[Path]
) -> float:
    originals = {path: path.read_bytes() for path in restore}
    times = []
    for _ in range(runs):
        times.append(timed(command, root, env))
        for path, content in originals.items():
            path.write_bytes(content)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    arguments = parser.parse_args()
    root = arguments.keep or Path(tempfile.mkdtemp(prefix="ssmd-bench-write-"))
    if not (root / "exchanges").exists():
        generate(root)
    files = len(list((root / "exchanges").glob("*/*")))
    print(f"registry {root}: {files} files")
    repo = str(Path(__file__).resolve().parents[1])
    python = sys.executable
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "PYTHONPATH": repo, "SSMD_CACHE_DIR": cache}
        ssmd = [python, "-m", "ssmd"]
        feed, environment = (
            subprocess.run(
                [python, "-c", PICK], cwd=root, env=env, capture_output=True, text=True, check=True
            )
            .stdout.strip()
            .split()
        )
        validate = statistics.median(
            timed([*ssmd, "validate"], root, env) for _ in range(arguments.runs)
        )
        feed_file = root / "exchanges" / "feeds" / f"{feed}.yaml"
        env_file = root / "exchanges" / "environments" / f"{environment}.yaml"
        add_version = median_write(
            arguments.runs,
            [*ssmd, "feed", "add-version", feed, "--effective-from", "2031-01-01"],
            root,
            env,
            [feed_file],
        )
        update = median_write(
            arguments.runs,
            [*ssmd, "env", "update", environment, "--storage-path", "bench-data"],
            root,
            env,
            [env_file],
        )
        original = feed_file.read_bytes()
        breakdown = subprocess.run(
            [python, "-c", BREAKDOWN, feed], cwd=root, env=env, capture_output=True, text=True
        )
        feed_file.write_bytes(original)
    print(f"baseline: ssmd validate (whole registry):  {validate:6.2f} s")
    ratio = add_version / validate
    print(f"ssmd feed add-version {feed}:  {add_version:6.2f} s  ratio {ratio:4.2f}x")
    print(f"ssmd env update {environment}:  {update:6.2f} s  ratio {update / validate:4.2f}x")
    print("breakdown:", breakdown.stdout.strip() or breakdown.stderr.strip())


if __name__ == "__main__":
    main()
