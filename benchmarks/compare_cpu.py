"""Two checkouts of ssmd against each other in CPU seconds, for a loaded machine.

    python benchmarks/compare_cpu.py --base /work/main [--head .] [--rounds 6] [--keep DIR]

Wall times on a shared machine swing several times between identical runs; the CPU
seconds a process spends (`time.process_time`) move far less. Each round starts one
fresh process per checkout (alternating which goes first) on the same generated
registry and measures: `parse_yaml` of every YAML file (min of 3), `Workspace.load`,
`check` of the whole workspace, and the language server's feed edit (`Checker.submit`
of a feed used by many environments, `check_dirty`, `wire_diagnostics`; min and
median of 20). Printed: the medians per checkout and their ratio, head / base.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.generate import generate

CHILD = r"""
import datetime as dt, glob, inspect, json, statistics, sys, time
from pathlib import Path
root = Path(sys.argv[1])
texts = [Path(p).read_text() for p in sorted(glob.glob(str(root / "exchanges/*/*.yaml")))]
from ssmd.yamlsource import parse_yaml
parse_yaml("a: 1\n")
parse = 1e9
for _ in range(3):
    t = time.process_time()
    for text in texts:
        parse_yaml(text)
    parse = min(parse, time.process_time() - t)
from ssmd.check import check
from ssmd.workspace import Workspace
t = time.process_time()
workspace = Workspace.load(root)
load = time.process_time() - t
t = time.process_time()
check(workspace)
rules = time.process_time() - t
from ssmd_ls import convert
from ssmd_ls.checker import Checker
try:  # the package cut renamed it
    from ssmd_ls.checker import DocumentUpdate as Change
except ImportError:
    from ssmd_ls.checker import Change
day = dt.date(2026, 3, 1)
checker = Checker(root)
checker.load(lambda done, total: None)
checker.check_dirty(day)
feed = "exchanges/feeds/feed-0000.yaml"
text = (root / feed).read_text()
edited = text + "# an edit\n"
related = "related_root" in inspect.signature(convert.wire_diagnostics).parameters
edits = []
for i in range(20):
    checker.submit(feed, Change(text=(text, edited)[i % 2], version=i + 2))
    t = time.process_time()
    for c in checker.check_dirty(day):
        extra = (root,) if related else ()
        convert.wire_diagnostics(c.diagnostics, c.text, "utf-16", *extra)
    edits.append(time.process_time() - t)
print(json.dumps({"parse_yaml": parse, "load": load, "check": rules,
                  "feed edit min": min(edits), "feed edit median": statistics.median(edits)}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, required=True, help="the checkout to compare with")
    parser.add_argument("--head", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    arguments = parser.parse_args()
    root = arguments.keep or Path(tempfile.mkdtemp(prefix="ssmd-cpu-"))
    if not (root / "exchanges").exists():
        generate(root)
    checkouts = {"base": arguments.base.resolve(), "head": arguments.head.resolve()}
    figures: dict[str, list[dict[str, float]]] = {"base": [], "head": []}
    for number in range(arguments.rounds):
        order = ["base", "head"] if number % 2 == 0 else ["head", "base"]
        for name in order:
            env = {
                "PYTHONPATH": str(checkouts[name]),
                "SSMD_CACHE_DIR": "off",
                "PATH": "/usr/bin:/bin",
            }
            done = subprocess.run(
                [sys.executable, "-c", CHILD, str(root)],
                cwd=checkouts[name],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            figures[name].append(json.loads(done.stdout))
    for key in figures["base"][0]:
        base = statistics.median(f[key] for f in figures["base"])
        head = statistics.median(f[key] for f in figures["head"])
        print(
            f"{key:18} base {base * 1000:9.1f} ms  head {head * 1000:9.1f} ms  "
            f"ratio {head / base:5.2f}"
        )


if __name__ == "__main__":
    main()
