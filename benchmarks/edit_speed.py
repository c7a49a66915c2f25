"""The write side's edit step: the text path against the ruamel round-trip it replaced, same run.

    python benchmarks/edit_speed.py [--files 200] [--repeats 5] [--base 5cdbc8c]

For each of --files generated feed files: parse the file for editing, insert a
version copied from the last one (what `feed add-version` does), set a scalar
(what `schema set-status` / `env update` do), and produce the text. The
baseline is `ssmd/write/yamldoc.py` (ruamel) as it was at --base, loaded from
git into this process, so both run on the same machine in the same minute.
Prints the median time per file of --repeats passes and the ratio.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.generate import generate  # noqa: E402
from ssmd.write.textedit import TextDocument, with_key  # noqa: E402


def load_baseline(base: str, folder: Path) -> ModuleType:
    source = subprocess.run(
        ["git", "show", f"{base}:ssmd/write/yamldoc.py"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    path = folder / "yamldoc_baseline.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("yamldoc_baseline", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def text_edit(text: str) -> str:
    document = TextDocument.parse(text, "f.yaml")
    versions = document.data["versions"]
    entry = with_key(dict(versions[-1]), "version", "v99", [])
    entry = with_key(entry, "effective_from", "2031-01-01", [])
    document.insert_item(("versions",), len(versions), entry, like=("versions", len(versions) - 1))
    document.set_value((), "status", "deprecated", [])
    return document.text()


def ruamel_edit(yamldoc: ModuleType) -> Callable[[str], str]:
    def edit(text: str) -> str:
        document = yamldoc.YamlDocument.parse(text, "f.yaml")
        items = document.data["versions"]
        entry = yamldoc.CommentedMap()
        for key in items[-1]:
            entry[key] = items[-1][key]
        yamldoc.set_value(entry, "version", "v99", [])
        yamldoc.set_value(entry, "effective_from", "2031-01-01", [])
        yamldoc.insert_item(items, len(items), entry)
        yamldoc.set_value(document.data, "status", "deprecated", [])
        return str(document.text())

    return edit


def per_file(edit: Callable[[str], str], texts: list[str], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.process_time()
        for text in texts:
            edit(text)
        times.append((time.process_time() - start) / len(texts))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--base", default="5cdbc8c", help="git ref holding the ruamel yamldoc.py")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        generate(root, feeds=arguments.files, schemas=20, environments=20)
        feeds = sorted((root / "exchanges" / "feeds").glob("*.yaml"))[: arguments.files]
        texts = [path.read_text() for path in feeds]
        ruamel = ruamel_edit(load_baseline(arguments.base, root))
        baseline = per_file(ruamel, texts, arguments.repeats)
        text_path = per_file(text_edit, texts, arguments.repeats)
        same = sum(ruamel(text) == text_edit(text) for text in texts)
    lines = statistics.median(text.count("\n") for text in texts)
    print(f"{len(texts)} generated feed files (median {lines} lines), CPU time per file:")
    print(f"baseline: ruamel round-trip ({arguments.base}):  {baseline * 1000:7.2f} ms")
    print(f"text path (reader + splices + re-read):  {text_path * 1000:7.2f} ms")
    print(f"ratio text/ruamel: {text_path / baseline:.2f}x")
    print(f"identical output on {same} of {len(texts)} files")


if __name__ == "__main__":
    main()
