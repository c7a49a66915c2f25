"""CLI start-up: `ssmd --help`, `--version`, `feed show kalshi` (and its help) vs `python -c pass`.

    python benchmarks/cli_start.py [--runs 15] [--compare OTHER_CHECKOUT]

Every figure is a fresh process (interpreter start, imports, the command), the median of
--runs, the commands interleaved so load on the machine hits them alike; all in this run,
on the sample registry of this checkout. Targets (issue 11): help/version <= 3x the bare
interpreter, feed show <= 5x. `--compare` times the same ssmd commands from another
checkout (e.g. main before a change) in the same run, interleaved.

Each ssmd command is timed twice: `cold` with SSMD_CACHE_DIR=off (what the first run after
an install or a change costs: the real CLI) and `recorded` with a cache folder that one
untimed run has filled (ssmd.output_cache replays that run's output; every later identical
run on an unchanged registry is this one).

Bytecode is on (PYTHONDONTWRITEBYTECODE is dropped: an installed wheel has its .pyc files) and
every command runs once untimed first, so no row pays for compiling. The `floor` rows are the
named dependencies alone: `import typer` is what any Typer command costs before ssmd runs,
and Typer 0.29 + pydantic with one model + the YAML reader's libraries is what any command
that validates with the models costs (Typer 0.29 coerces every parameter through pydantic).
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

REPO = Path(__file__).resolve().parents[1]
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "ssmd --help": [sys.executable, "-m", "ssmd", "--help"],
    "ssmd --version": [sys.executable, "-m", "ssmd", "--version"],
    "ssmd feed show kalshi": [sys.executable, "-m", "ssmd", "feed", "show", "kalshi"],
    "ssmd feed show --help": [sys.executable, "-m", "ssmd", "feed", "show", "--help"],
}
FLOORS = {
    "floor: import typer": [sys.executable, "-c", "import typer"],
    "floor: typer + pydantic model + yaml": [
        sys.executable,
        "-c",
        "import typer, yaml, yaml_rs\nfrom pydantic import BaseModel\n"
        "class Feed(BaseModel):\n    name: str",
    ],
}
TARGETS = {
    "ssmd --help": 3.0,
    "ssmd feed show --help": 3.0,
    "ssmd --version": 3.0,
    "ssmd feed show kalshi": 5.0,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--compare", type=Path, help="another checkout to time the same way")
    args = parser.parse_args()
    base = {**os.environ, "COLUMNS": "100"}
    base.pop("SSMD_ROOT", None)
    base.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as cache:
        runs = [(f"{n} cold" if "ssmd" in n else n, c, REPO, "off") for n, c in COMMANDS.items()]
        runs += [(n, c, REPO, "off") for n, c in FLOORS.items()]
        runs += [(f"{n} recorded", c, REPO, cache) for n, c in COMMANDS.items() if "ssmd" in n]
        if args.compare:
            other = args.compare.resolve()
            runs += [
                (f"{n} [{other.name}]", c, other, "off") for n, c in COMMANDS.items() if "ssmd" in n
            ]
        for _name, command, checkout, cache_dir in runs:  # untimed: compiles, and records
            subprocess.run(
                command,
                cwd=checkout,
                env=_env(base, checkout, cache_dir),
                check=False,
                capture_output=True,
            )
        times: dict[str, list[float]] = {name: [] for name, _c, _r, _d in runs}
        for _ in range(args.runs):
            for name, command, checkout, cache_dir in runs:
                env = _env(base, checkout, cache_dir)
                start = time.perf_counter()
                # cwd too: `python -m` puts the working directory first on sys.path
                done = subprocess.run(
                    command, cwd=checkout, env=env, capture_output=True, check=False
                )
                times[name].append(time.perf_counter() - start)
                if done.returncode != 0:
                    raise SystemExit(f"{name} failed: {done.stderr.decode()}")
    baseline = statistics.median(times["python -c pass"])
    print(f"{'command':<36} {'median':>8} {'vs python -c pass':>18}  target")
    for name, values in times.items():
        median = statistics.median(values)
        target = None if " [" in name else TARGETS.get(name.rsplit(" ", 1)[0])
        verdict = (
            ""
            if target is None
            else f"<= {target:.0f}x " + ("met" if median / baseline <= target else "MISSED")
        )
        print(f"{name:<36} {median * 1000:>6.0f} ms {median / baseline:>17.1f}x  {verdict}")
    load = os.getloadavg()[0]
    print(f"runs: {args.runs}, python {sys.version.split()[0]}, load average {load:.1f}")


def _env(base: dict[str, str], checkout: Path, cache_dir: str) -> dict[str, str]:
    return {**base, "PYTHONPATH": str(checkout), "SSMD_CACHE_DIR": cache_dir}


if __name__ == "__main__":
    main()
