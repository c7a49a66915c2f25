"""No two modules of ssmd/data import each other, even through an import inside a function."""

from __future__ import annotations

import ast
from pathlib import Path

import ssmd.data

PACKAGE = Path(ssmd.data.__file__).parent


def imports_of(path: Path) -> set[str]:
    """Every ssmd.data module `path` imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found |= {name for name in names if (PACKAGE / f"{name.split('.')[-1]}.py").exists()
                  and name.startswith("ssmd.data.") and name.count(".") == 2}  # fmt: skip
    return found


def test_no_import_cycle_in_the_data_package() -> None:
    graph = {
        f"ssmd.data.{path.stem}": imports_of(path)
        for path in PACKAGE.glob("*.py")
        if path.stem != "__init__"
    }
    assert graph["ssmd.data.stores"] >= {"ssmd.data.s3", "ssmd.data.storage"}  # the test sees both

    def cycle_from(start: str) -> list[str] | None:
        stack = [(start, [start])]
        while stack:
            module, path = stack.pop()
            for target in graph.get(module, set()):
                if target == start:
                    return [*path, target]
                if target not in path:
                    stack.append((target, [*path, target]))
        return None

    cycles = [cycle for module in graph if (cycle := cycle_from(module))]
    assert cycles == []
