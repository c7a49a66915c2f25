"""Schema history on a file with many revisions: `schema show` of an old version and SSMD206.

    python benchmarks/schema_history.py [--revisions 500] [--runs 3]

Builds a real git repository (with `git fast-import`, so setup is quick)
whose `trade.capnp` has --revisions committed revisions; the schema lists
three versions sharing that file: v1 (the first revision), v2 (the middle
one) and v3 (the work tree). Measured in this run, median of --runs:

  baseline   the naive lookup: `git log` of the path, then one `git show C:path`
             per revision until v1's hash is found (v1 is the oldest: worst case)
  index      ssmd's lookup, cold: one `git log --raw` + one `git cat-file --batch`
             building the sha256 index of every revision, then v1 found in it
  index warm the same with the on-disk index cache (a later run on the same HEAD)
  SSMD206    the rule on the schema document (fresh workspace, cold and warm cache)
  show v1    `ssmd schema show trade:v1` as a fresh process, cold and warm cache,
             against `ssmd schema show trade:v3` (work tree, no history) as its baseline
  compile    the texts of --compiled older revisions (what SSMD208 compares) compiled
             one child per text (baseline) vs all in one child (`compile_variants`)
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ssmd.capnp.compiler import CapnpCompiler  # noqa: E402
from ssmd.document import load_document  # noqa: E402
from ssmd.git import run_git  # noqa: E402
from ssmd.history import RepositoryHistory  # noqa: E402
from ssmd.rules import Context  # noqa: E402
from ssmd.rules.history import older_version_in_history  # noqa: E402
from ssmd.schema_text import version_text  # noqa: E402
from ssmd.workspace import Workspace  # noqa: E402

CAPNP = "exchanges/schemas/trade.capnp"
YAML = "exchanges/schemas/trade.yaml"


def revision_text(index: int) -> bytes:
    """Revision `index` of the schema: fields accumulate, one per revision."""
    fields = "".join(f"  field{n} @{n} :UInt32;\n" for n in range(index + 1))
    return f"@0xd8a4bd5c2f1e9a01;\nstruct Trade {{\n{fields}}}\n".encode()


def sha(content: bytes) -> str:
    return "sha256:" + hashlib.sha256(content).hexdigest()


def build(root: Path, revisions: int) -> tuple[bytes, bytes, bytes]:
    """A repository with `revisions` commits of trade.capnp; returns v1, v2, v3 texts."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    first, middle, last = (
        revision_text(0),
        revision_text(revisions // 2),
        revision_text(revisions - 1),
    )
    schema_yaml = (
        "name: trade\nformat: capnp\nschema_file: trade.capnp\nversions:\n"
        f"  - version: v1\n    effective_from: 2024-01-01\n    status: deprecated\n"
        f"    hash: {sha(first)}\n"
        f"  - version: v2\n    effective_from: 2024-06-01\n    status: deprecated\n"
        f"    hash: {sha(middle)}\n"
        f"  - version: v3\n    effective_from: 2025-01-01\n    status: active\n"
        f"    hash: {sha(last)}\n    breaking_changes: none\n"
    ).encode()
    stream = bytearray()
    for index in range(revisions):
        content = revision_text(index)
        message = f"revision {index}".encode()
        stream += b"commit refs/heads/main\n"
        stream += f"committer Bench <b@example.com> {1700000000 + index * 60} +0000\n".encode()
        stream += b"data %d\n%s\n" % (len(message), message)
        stream += b"M 100644 inline %s\ndata %d\n%s\n" % (CAPNP.encode(), len(content), content)
        if index == revisions - 1:
            stream += b"M 100644 inline %s\ndata %d\n%s\n" % (
                YAML.encode(),
                len(schema_yaml),
                schema_yaml,
            )
    subprocess.run(
        ["git", "-C", str(root), "fast-import", "--quiet"], input=bytes(stream), check=True
    )
    subprocess.run(["git", "-C", str(root), "checkout", "-q", "-f", "main"], check=True)
    return first, middle, last


def median(runs: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def naive_lookup(root: Path, wanted: str) -> str | None:
    commits = run_git(root, "log", "--format=%H", "--", CAPNP).decode().split()
    for commit in commits:
        if sha(run_git(root, "show", f"{commit}:{CAPNP}")) == wanted:
            return commit
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--revisions", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--compiled", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ssmd-history-bench-") as scratch:
        root = Path(scratch, "repo")
        start = time.perf_counter()
        first, _, _ = build(root, args.revisions)
        setup = time.perf_counter() - start
        cache = Path(scratch, "cache")
        env = {**os.environ, "PYTHONPATH": str(REPO), "SSMD_CACHE_DIR": str(cache)}
        cold_env = {**env, "SSMD_CACHE_DIR": "off"}

        assert naive_lookup(root, sha(first)) is not None
        baseline = median(args.runs, lambda: naive_lookup(root, sha(first)))

        def cold_index() -> None:
            assert RepositoryHistory(root, use_disk_cache=False).find(CAPNP, sha(first)) is not None

        index_cold = median(args.runs, cold_index)
        RepositoryHistory(root, cache_dir=cache).find(CAPNP, sha(first))  # fill the disk cache

        def warm_index() -> None:
            assert RepositoryHistory(root, cache_dir=cache).find(CAPNP, sha(first)) is not None

        index_warm = median(args.runs, warm_index)

        document = load_document(YAML, (root / YAML).read_text())

        def rule(cache_dir: Path | None) -> Callable[[], None]:
            def run() -> None:
                workspace = Workspace.load(root)
                workspace._history = RepositoryHistory(
                    root, cache_dir=cache_dir, use_disk_cache=cache_dir is not None
                )
                found = list(older_version_in_history(document, Context(workspace, _today())))
                assert found == [], found

            return run

        rule_cold = median(args.runs, rule(None))
        rule_warm = median(args.runs, rule(cache))

        def show(version: str, environment: dict[str, str]) -> Callable[[], None]:
            command = [sys.executable, "-m", "ssmd", "--root", str(root), "schema", "show"]

            def run() -> None:
                completed = subprocess.run(
                    [*command, f"trade:{version}"], env=environment, capture_output=True
                )
                assert completed.returncode == 0, completed.stderr
                assert completed.stdout.endswith(first) or version != "v1"

            return run

        texts = [
            revision_text(i) for i in range(0, args.revisions, args.revisions // args.compiled)
        ]
        variants = [({CAPNP: t}, CAPNP) for t in texts[: args.compiled]]

        def one_child_each() -> None:
            compiler = CapnpCompiler(use_disk_cache=False)
            for files, target in variants:
                assert compiler.compile(files, [target])[target].ok

        def one_child_for_all() -> None:
            compiler = CapnpCompiler(use_disk_cache=False)
            assert all(r.ok for r in compiler.compile_variants(variants))

        compile_each = median(args.runs, one_child_each)
        compile_all = median(args.runs, one_child_for_all)

        def text_of(version: int, cache_dir: Path | None) -> Callable[[], None]:
            def run() -> None:
                workspace = Workspace.load(root)
                workspace._history = RepositoryHistory(
                    root, cache_dir=cache_dir, use_disk_cache=cache_dir is not None
                )
                schema = workspace.schema("trade")
                assert schema is not None
                assert version_text(workspace, schema, schema.versions[version]).content

            return run

        text_tree = median(args.runs, text_of(2, None))
        text_cold = median(args.runs, text_of(0, None))
        text_warm = median(args.runs, text_of(0, cache))

        show_tree = median(args.runs, show("v3", cold_env))
        show_cold = median(args.runs, show("v1", cold_env))
        show_warm = median(args.runs, show("v1", env))

    print(f"schema history, {args.revisions} revisions of one file, median of {args.runs} runs")
    print(f"  setup (git fast-import)              {setup:7.3f} s")
    print(f"  baseline: log + git show per rev     {baseline:7.3f} s")
    print(
        f"  ssmd index, cold (log --raw+cat-file){index_cold:7.3f} s"
        f"   {baseline / index_cold:5.1f}x faster than baseline"
    )
    print(
        f"  ssmd index, warm (disk cache)        {index_warm:7.3f} s"
        f"   {baseline / index_warm:5.1f}x faster than baseline"
    )
    print(f"  SSMD206 rule, cold                   {rule_cold:7.3f} s")
    print(f"  SSMD206 rule, warm                   {rule_warm:7.3f} s")
    print(f"  compile {len(variants)} texts, one child each     {compile_each:7.3f} s   (baseline)")
    print(
        f"  compile {len(variants)} texts, one child for all {compile_all:7.3f} s"
        f"   {compile_each / compile_all:5.1f}x faster"
    )
    print(f"  load + v3 text (work tree)           {text_tree:7.3f} s   (baseline, in process)")
    print(
        f"  load + v1 text from history, cold    {text_cold:7.3f} s"
        f"   +{text_cold - text_tree:.3f} s"
    )
    print(
        f"  load + v1 text from history, warm    {text_warm:7.3f} s"
        f"   +{text_warm - text_tree:.3f} s"
    )
    print(f"  schema show trade:v3 (work tree)     {show_tree:7.3f} s   (baseline)")
    print(
        f"  schema show trade:v1, cold cache     {show_cold:7.3f} s"
        f"   {show_cold - show_tree:+.3f} s over the work-tree show"
    )
    print(
        f"  schema show trade:v1, warm cache     {show_warm:7.3f} s"
        f"   {show_warm - show_tree:+.3f} s over the work-tree show"
    )


def _today() -> object:
    from ssmd.resolve import today

    return today()


if __name__ == "__main__":
    main()
