"""Which `.capnp` files a schema file imports, and cycles among them (SSMD207).

Read from the text with a small scanner rather than from the compiler: the
graph must be known before compiling (a cycle is refused up front) and the
import statement's position is what a diagnostic points at.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

from ssmd.span import Span

_IMPORT = re.compile(r'\bimport\s+"(?P<target>[^"\n]*)"')
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
"""Lines as editors count them, so an import's position is the one the editor shows."""


@dataclass(frozen=True, slots=True)
class Import:
    target: str
    """The import as written, e.g. `common.capnp` or `/capnp/c++.capnp`."""
    span: Span
    """The quoted target's position."""

    def resolve(self, importer: str) -> str | None:
        """Root-relative path of the imported file, or None for a standard import (`/capnp/...`)."""
        if self.target.startswith("/"):
            return None
        parent = PurePosixPath(importer).parent
        parts: list[str] = list(parent.parts)
        for part in PurePosixPath(self.target).parts:
            if part == "..":
                if parts:
                    parts.pop()
            elif part != ".":
                parts.append(part)
        return "/".join(parts)


def scan_imports(text: str) -> list[Import]:
    """Every `import "..."` outside comments, with its position."""
    found: list[Import] = []
    if "import" not in text:
        return found
    for number, line in enumerate(_LINE_BREAK.split(text)):
        if "import" not in line:
            continue
        code = _strip_comment(line)
        for match in _IMPORT.finditer(code):
            start, end = match.span("target")
            found.append(Import(match["target"], Span.of(number, start - 1, number, end + 1)))
    return found


def _strip_comment(line: str) -> str:
    in_string = False
    for index, char in enumerate(line):
        if char == '"':
            in_string = not in_string
        elif char == "#" and not in_string:
            return line[:index]
    return line


def find_cycles(graph: Mapping[str, list[str]]) -> set[str]:
    """Files that lie on an import cycle (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    cyclic: set[str] = set()
    counter = 0

    def visit(root: str) -> None:
        nonlocal counter
        work = [(root, iter(graph.get(root, ())))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in graph:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph.get(child, ()))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph.get(node, ()):
                    cyclic.update(component)

    for start in graph:
        if start not in index:
            visit(start)
    return cyclic
