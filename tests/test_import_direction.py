"""The core must stay free of front-end dependencies (fast CLI start, clean layering).

Two checks: what importing the library really loads (subprocesses), and the direction of
every import between ssmd's layers (docs/design.md's map), read from the source.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

FRONT_END_MODULES = ("typer", "pygls", "lsprotocol", "boto3")


def imported_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sys.modules))"
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return set(output.split())


def test_importing_the_library_pulls_in_no_front_end() -> None:
    modules = imported_after(
        "import ssmd, ssmd.workspace, ssmd.check, ssmd.views, ssmd.report, ssmd.resolve"
    )
    leaked = {m for m in modules if m.split(".")[0] in FRONT_END_MODULES}
    assert leaked == set()


def test_cli_help_loads_neither_the_server_nor_boto3() -> None:
    run_help = "sys.argv = ['ssmd', '--help']\ntry:\n import ssmd.cli; ssmd.cli.main()\n"
    modules = imported_after(run_help + "except SystemExit: pass")
    leaked = {m for m in modules if m.split(".")[0] in ("pygls", "lsprotocol", "boto3")}
    assert leaked == set()
    assert "typer" in modules  # the probe really ran the CLI


# The layers of docs/design.md's map, and what each may import (besides itself and the
# standard library / third-party packages). Checked statically, so an import inside a
# function (a lazy import) counts as much as one at the top.
MAY_IMPORT = {
    "core": {"core"},
    "ide": {"core"},
    "write": {"core"},
    "data": {"core"},
    "ssmd_ls": {"core", "ide", "write"},
    "cli": {"core", "ide", "write", "data"},
    "entry": {"cli", "core"},
}
ENTRY_MODULES = ("__main__", "entry")
"""`python -m ssmd` and the `ssmd` executable's module (ssmd/entry.py, issue 11's start-up)."""


def layer_of(module: str) -> str | None:
    """The layer a module of ssmd or ssmd_ls belongs to; None for other packages."""
    parts = module.split(".")
    if parts[0] == "ssmd_ls":
        return "ssmd_ls"
    if parts[0] != "ssmd":
        return None
    if len(parts) > 1 and parts[1] in ("ide", "write", "data", "cli"):
        return parts[1]
    return "entry" if len(parts) == 2 and parts[1] in ENTRY_MODULES else "core"


def imports_of(source: str, package: str) -> Iterator[tuple[int, str]]:
    """(line, imported module) for every absolute or relative import in `source`."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from ssmd import codes` imports the module ssmd.codes.
            names = [f"{base}.{a.name}" for a in node.names] if base in ("ssmd", "ssmd_ls") else []
            yield from ((node.lineno, name) for name in names or [base])


def direction_violations(top: Path) -> list[str]:
    """Every import under `top`/ssmd and `top`/ssmd_ls that goes against MAY_IMPORT."""
    found = []
    for path in sorted([*(top / "ssmd").rglob("*.py"), *(top / "ssmd_ls").rglob("*.py")]):
        parts = path.relative_to(top).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        package = ".".join(parts[:-1])
        source_layer = layer_of(module)
        assert source_layer is not None
        for line, imported in imports_of(path.read_text(encoding="utf-8"), package):
            target = layer_of(imported)
            if target not in (None, source_layer) and target not in MAY_IMPORT[source_layer]:
                where = path.relative_to(top).as_posix()
                found.append(f"{where}:{line}: {source_layer} imports {target} ({imported})")
    return found


def test_imports_go_one_way_core_ide_write_front_ends() -> None:
    assert direction_violations(REPO) == []


@pytest.mark.parametrize(
    ("path", "statement", "expected"),
    [
        ("ssmd/views.py", "from ssmd.ide.hover import hover", "core imports ide"),
        ("ssmd/check.py", "import ssmd_ls.server", "core imports ssmd_ls"),
        ("ssmd/resolve.py", "from ssmd import write", "core imports write"),
        ("ssmd/ide/hover.py", "from ssmd.write.proposal import Proposal", "ide imports write"),
        ("ssmd/write/feeds.py", "from ssmd.cli.common import state", "write imports cli"),
        ("ssmd_ls/server.py", "from ssmd.cli import main", "ssmd_ls imports cli"),
        ("ssmd/ide/lenses.py", "from ..cli import common", "ide imports cli"),
    ],
)
def test_a_wrong_way_import_is_found(
    tmp_path: Path, path: str, statement: str, expected: str
) -> None:
    """The check can fail: each layer's forbidden import, planted in a copy of the tree."""
    for folder in ("ssmd", "ssmd_ls"):
        shutil.copytree(REPO / folder, tmp_path / folder, ignore=shutil.ignore_patterns("*.pyc"))
    planted = tmp_path / path
    planted.write_text(planted.read_text(encoding="utf-8") + f"\n{statement}\n", encoding="utf-8")
    found = direction_violations(tmp_path)
    assert len(found) == 1
    assert found[0].startswith(f"{path}:") and expected in found[0]
