"""Run the evolution checker over every consecutive pair of a real schema file's git history.

    python benchmarks/evolution_history.py --repo PATH [--import-root DIR] [--all] FILE [FILE ...]

For each FILE (a path inside the git repository at PATH; renames followed)
every committed revision is compiled (one compiler child for all of them)
and each revision is compared with the one before it. Printed: per file the
pairs compared, the pairs that do not compile (a revision that needed an
import from elsewhere), and every finding breaking at the level, with its
commit, so each alarm can be judged by hand; then a total per level and the
seconds taken. Nothing is written into this repository: the third-party
texts stay in their own git repository.

Used on Cap'n Proto's own schema, RPC and JSON files (docs/evolution.md
records the figures and the verdict on each alarm).
"""

from __future__ import annotations

import argparse
import posixpath
import subprocess
import time
from itertools import pairwise
from pathlib import Path

from ssmd.capnp.compiler import CapnpCompiler
from ssmd.capnp.evolution import check_evolution
from ssmd.capnp.imports import scan_imports
from ssmd.capnp.rules import Level


def imported_files(
    repo: Path, commit: str, path: str, content: bytes, root: str
) -> dict[str, bytes]:
    """Every file `content` imports, transitively, as it was in the same commit.

    Keys are paths relative to `root` (the repository folder absolute imports such as
    `/sandstorm/util.capnp` start from); Cap'n Proto's own `/capnp/...` files are left to
    the compiler's standard imports.
    """
    found: dict[str, bytes] = {}
    pending = [(path, content)]
    while pending:
        importer, text = pending.pop()
        for imported in scan_imports(text.decode("utf-8", "replace")):
            target = imported.target
            if target.startswith("/capnp/"):
                continue
            if target.startswith("/"):
                in_repo = posixpath.normpath(f"{root}/{target.lstrip('/')}")
            else:
                in_repo = posixpath.normpath(f"{posixpath.dirname(importer)}/{target}")
            key = posixpath.relpath(in_repo, root)
            if key in found or key.startswith(".."):
                continue
            shown = subprocess.run(
                ["git", "-C", str(repo), "show", f"{commit}:{in_repo}"],
                capture_output=True,
                check=False,
            )
            if shown.returncode == 0:
                found[key] = shown.stdout
                pending.append((in_repo, shown.stdout))
    return found


def revisions(repo: Path, path: str) -> list[tuple[str, str, bytes]]:
    """(commit, path at that commit, bytes), oldest first."""
    log = subprocess.run(
        ["git", "-C", str(repo), "log", "--follow", "--format=%H", "--name-only", "--", path],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    found: list[tuple[str, str, bytes]] = []
    for commit, name in zip(log[0::2], log[1::2], strict=False):
        shown = subprocess.run(
            ["git", "-C", str(repo), "show", f"{commit}:{name}"], capture_output=True, check=False
        )
        if shown.returncode == 0:
            found.append((commit, name, shown.stdout))
    return list(reversed(found))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", type=Path, required=True)
    parser.add_argument("files", nargs="+")
    parser.add_argument(
        "--import-root",
        default=".",
        help="repository folder that absolute imports start from (e.g. src, c++/src)",
    )
    parser.add_argument("--all", action="store_true", help="print findings of every level")
    arguments = parser.parse_args()
    started = time.perf_counter()
    compiler = CapnpCompiler(use_disk_cache=False)
    totals = {level: 0 for level in Level}
    pairs_total = 0
    for path in arguments.files:
        history = revisions(arguments.repo, path)
        variants = []
        for commit, at, content in history:
            name = posixpath.relpath(at, arguments.import_root)
            files = imported_files(arguments.repo, commit, at, content, arguments.import_root)
            variants.append(({**files, name: content}, name))
        results = compiler.compile_variants(variants)
        compared = failed = 0
        paired = list(zip(history, results, strict=True))
        for (_, result_before), (after, result_after) in pairwise(paired):
            if not (result_before.ok and result_after.ok):
                failed += 1
                continue
            old, new = result_before.structure, result_after.structure
            if old is None or new is None or old.get("problem") or new.get("problem"):
                failed += 1
                continue
            compared += 1
            changes = check_evolution(old, new, Level.SOURCE)
            for level in Level:
                if any(level.includes(Level(c.level)) for c in changes):
                    totals[level] += 1
            for change in changes:
                if change.level == Level.WIRE.value or arguments.all:
                    where = f"{after[0][:10]} {path}"
                    print(f"  {where}: {change.rule} [{change.level}]: {change.message}")
        pairs_total += compared
        print(f"{path}: {len(history)} revisions, {compared} pairs compared, {failed} not compiled")
    print(f"pairs compared: {pairs_total}")
    for level in Level:
        print(f"pairs with a finding at {level.value}: {totals[level]}")
    print(f"seconds: {time.perf_counter() - started:.1f}")


if __name__ == "__main__":
    main()
