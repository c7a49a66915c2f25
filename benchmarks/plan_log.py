"""`ssmd plan` between two commits and `ssmd log` of one feed, against `ssmd validate`.

    python benchmarks/plan_log.py [--commits 500] [--runs 3] [--feeds 500 --schemas 1000
                                   --environments 1500]

Builds a real git repository (with `git fast-import`, so setup is quick):
the generated benchmark registry (benchmarks/generate.py) as the first
commit, then --commits - 1 commits each adding a version to one feed
(feed-0000, shared by a third of the environments, in every tenth commit).
Every figure is a fresh process, median of --runs, measured in this run:

  validate   `ssmd validate --format json` of HEAD's work tree (warm compile cache): the baseline
  plan       `ssmd plan --base HEAD~N/2 --head HEAD --format json` (two commits, both from git)
  log        `ssmd log feed feed-0000 --format json` (all history, renames followed)

and the ratios plan/validate and log/validate (issue 13 asks for under 2x).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from benchmarks.generate import generate  # noqa: E402
from benchmarks.validate_cold import median_of, timed  # noqa: E402

VERSION = """  - version: v{number}
    effective_from: {date}
    protocol: wss
    endpoint: wss://bench.example.com/{feed}/v{number}
"""


def build(root: Path, commits: int, feeds: int, schemas: int, environments: int) -> None:
    generate(root, feeds, schemas, environments)
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    files = sorted(p for p in (root / "exchanges").rglob("*") if p.is_file())
    texts = {str(p.relative_to(root)): p.read_text() for p in files}
    stream = bytearray()

    def commit(index: int, changed: dict[str, str]) -> None:
        nonlocal stream
        message = f"change {index}".encode()
        stream += b"commit refs/heads/main\n"
        stream += f"author Bench <b@example.com> {1700000000 + index * 60} +0000\n".encode()
        stream += f"committer Bench <b@example.com> {1700000000 + index * 60} +0000\n".encode()
        stream += b"data %d\n%s\n" % (len(message), message)
        for path, text in changed.items():
            data = text.encode()
            stream += b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(data), data)

    commit(0, texts)
    added: dict[str, int] = {}
    for index in range(1, commits):
        feed = "feed-0000" if index % 10 == 0 else f"feed-{index % feeds:04d}"
        path = f"exchanges/feeds/{feed}.yaml"
        number = added.get(feed, 0) + 1
        added[feed] = number
        versions = len(re.findall(r"^  - version:", texts[path], flags=re.M))
        date = f"{2030 + number // 12}-{number % 12 + 1:02d}-01"
        block = VERSION.format(number=versions + 1, date=date, feed=feed)
        text = texts[path]
        position = text.find("\ncalendar:")
        texts[path] = (
            text + block if position < 0 else text[: position + 1] + block + text[position + 1 :]
        )
        commit(index, {path: texts[path]})
    subprocess.run(
        ["git", "-C", str(root), "fast-import", "--quiet"], input=bytes(stream), check=True
    )
    subprocess.run(["git", "-C", str(root), "checkout", "-q", "-f", "main"], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--schemas", type=int, default=1000)
    parser.add_argument("--environments", type=int, default=1500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ssmd-plan-bench-") as scratch:
        root = Path(scratch, "registry")
        start = time.perf_counter()
        build(root, args.commits, args.feeds, args.schemas, args.environments)
        print(f"setup: {args.commits} commits, {time.perf_counter() - start:.1f} s")
        env = {**os.environ, "PYTHONPATH": str(REPO), "SSMD_CACHE_DIR": str(Path(scratch, "cache"))}
        ssmd = [sys.executable, "-m", "ssmd", "--root", str(root)]
        validate = [*ssmd, "validate", "--format", "json"]
        timed(validate, root, env)  # fill the compile cache: the baseline at its fastest
        base = f"HEAD~{args.commits // 2}"
        plan = [*ssmd, "plan", "--base", base, "--head", "HEAD", "--format", "json"]
        log = [*ssmd, "log", "feed", "feed-0000", "--format", "json"]
        checked = subprocess.run(plan, cwd=root, env=env, capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
        assert '"changed": true' in checked.stdout
        logged = subprocess.run(log, cwd=root, env=env, capture_output=True, text=True)
        assert logged.returncode == 0 and logged.stdout.count('"commit"') >= args.commits // 10
        figures = {
            "validate": median_of(args.runs, validate, root, env),
            "plan": median_of(args.runs, plan, root, env),
            "log": median_of(args.runs, log, root, env),
        }
        for name, seconds in figures.items():
            ratio = seconds / figures["validate"]
            print(f"{name:9} {seconds:6.2f} s  {ratio:4.2f}x validate")


if __name__ == "__main__":
    main()
