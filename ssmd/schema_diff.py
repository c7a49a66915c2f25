"""Compare two schema versions structurally: their texts (from the work tree or git), compiled.

`ssmd schema diff`, rule SSMD208 and the language server all ask this
module; it finds each version's exact bytes (`schema_text.version_text`,
which searches history), compiles them in the compiler child (cached by
content), hands the two descriptions to the pure checker in
`ssmd.capnp.evolution` at the schema's compatibility level, places each
finding in the old and the new text, and marks the findings the schema's
`compatibility_ignore` list accepts as suppressed.

An older text is compiled beside the work tree's other `.capnp` files: if it
imports a file that has changed since, the current import is used.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from ssmd.capnp.evolution import SchemaChange, check_evolution
from ssmd.capnp.locate import locate
from ssmd.confine import schema_file_path
from ssmd.models import CompatibilityLevel, EvolutionIgnore, Schema, SchemaVersion
from ssmd.schema_text import version_text
from ssmd.workspace import Workspace


@dataclass(frozen=True, slots=True)
class VersionStructure:
    structure: dict[str, Any] | None
    source: str
    problem: str | None = None
    text: str | None = None
    path: str | None = None
    """The root-relative `.capnp` path the text is (or was) at."""


@dataclass(frozen=True, slots=True)
class Comparison:
    old: str
    new: str
    changes: list[SchemaChange] = field(default_factory=list)
    problem: str | None = None
    """Why the versions could not be compared (text not found, does not compile)."""
    level: CompatibilityLevel = CompatibilityLevel.WIRE
    old_path: str | None = None
    new_path: str | None = None

    @property
    def breaking(self) -> list[SchemaChange]:
        """Findings that break the promise at `level` and are not accepted by an ignore."""
        return [c for c in self.changes if c.breaking and c.suppressed is None]

    @property
    def suppressed(self) -> list[SchemaChange]:
        return [c for c in self.changes if c.suppressed is not None]

    def to_json(self) -> dict[str, Any]:
        return {
            "old": self.old,
            "new": self.new,
            "level": self.level.value,
            "compatible": self.problem is None and not self.breaking,
            "problem": self.problem,
            "old_file": self.old_path,
            "new_file": self.new_path,
            "changes": [c.to_json() for c in self.changes],
        }


def version_structure(
    workspace: Workspace, schema: Schema, version: SchemaVersion
) -> VersionStructure:
    label = f"{schema.name}:{version.version}"
    text = version_text(workspace, schema, version)
    path = schema_file_path(version.schema_file or schema.schema_file)
    if text.content is None:
        return VersionStructure(None, text.source, text.problem, path=path)
    return structure_of(workspace, label, path, text.content, text.source)


def structure_of(
    workspace: Workspace, label: str, path: str, content: bytes, source: str
) -> VersionStructure:
    """Compile `content` as the file at `path` (beside the workspace's other `.capnp` files)."""
    decoded = content.decode("utf-8", "replace")
    if workspace.capnp_bytes.get(path) == content:
        result = workspace.compiled([path]).get(path)
    else:
        files = {**workspace.capnp_bytes, path: content}
        result = workspace.compiler.compile(files, [path]).get(path)
    if result is None:
        return VersionStructure(None, source, _not_compiled(workspace, label, path), path=path)
    if not result.ok or result.structure is None:
        first = result.errors[0] if result.errors else None
        detail = f": line {first.line + 1}: {first.message}" if first else ""
        problem = f"{label} ({source}) does not compile{detail}"
        return VersionStructure(None, source, problem, path=path)
    if result.structure.get("problem"):
        problem = f"{label} ({source}) cannot be compared: {result.structure['problem']}"
        return VersionStructure(None, source, problem, path=path)
    return VersionStructure(result.structure, source, text=decoded, path=path)


def _not_compiled(workspace: Workspace, label: str, path: str) -> str:
    """Why the workspace refused to compile `path`, as a sentence naming the real cause."""
    if path in workspace.escaping_files():
        return (
            f"{label} was not compiled: {path} imports (directly or through another file) a "
            "path outside exchanges/schemas/ (SSMD204); import only files inside it"
        )
    if path in workspace.cyclic_files():
        return f"{label} was not compiled: {path} is on an import cycle; break the cycle"
    return f"{label} was not compiled: {path} is not among the registry's readable .capnp files"


def compile_history_texts(workspace: Workspace, schema: Schema) -> None:
    """Compile every version text that only git still has, in one child run, ahead of time.

    `version_structure` then finds them in the compiler's cache; without this a
    schema with many versions sharing a file would start one child per version.
    """
    variants: list[tuple[dict[str, bytes], str]] = []
    for version in schema.versions:
        path = schema_file_path(version.schema_file or schema.schema_file)
        if path not in workspace.capnp_bytes or workspace.file_hash(path) == version.hash:
            continue
        text = version_text(workspace, schema, version)
        if text.content is not None:
            variants.append(({**workspace.capnp_bytes, path: text.content}, path))
    if len(variants) > 1:
        workspace.compiler.compile_variants(variants)


def compare_versions(
    workspace: Workspace,
    old: tuple[Schema, SchemaVersion],
    new: tuple[Schema, SchemaVersion],
    level: CompatibilityLevel | None = None,
) -> Comparison:
    """Every change from `old` to `new`, or the reason they cannot be compared.

    `level` defaults to the new side's schema's `compatibility`; its
    `compatibility_ignore` entries mark the findings they accept as suppressed.
    """
    schema = new[0]
    chosen = level or schema.compatibility
    old_label = f"{old[0].name}:{old[1].version}"
    new_label = f"{new[0].name}:{new[1].version}"
    before = version_structure(workspace, *old)
    if before.structure is None:
        return Comparison(old_label, new_label, problem=before.problem, level=chosen)
    after = version_structure(workspace, *new)
    if after.structure is None:
        return Comparison(old_label, new_label, problem=after.problem, level=chosen)
    return compare_structures(old_label, new_label, before, after, chosen, schema)


def compare_structures(
    old_label: str,
    new_label: str,
    before: VersionStructure,
    after: VersionStructure,
    level: CompatibilityLevel,
    schema: Schema,
) -> Comparison:
    assert before.structure is not None and after.structure is not None
    changes = check_evolution(before.structure, after.structure, level)
    # Texts are scanned only when there is something to place (the common case has nothing).
    old_places = locate(before.text or "") if changes else {}
    new_places = locate(after.text or "") if changes else {}
    placed = [
        replace(
            c,
            old_location=_place(old_places, c.old_element),
            new_location=_place(new_places, c.element),
            suppressed=ignore_reason(schema.compatibility_ignore, c),
        )
        for c in changes
    ]
    return Comparison(
        old_label, new_label, placed, None, level, old_path=before.path, new_path=after.path
    )


def _place(places: dict[str, tuple[int, int]], element: str) -> tuple[int, int] | None:
    """The element's position, else its closest enclosing declaration's."""
    name = element.split("(", 1)[0]
    while name:
        if name in places:
            return places[name]
        name = name.rpartition(".")[0]
    return None


def ignore_reason(ignores: list[EvolutionIgnore], change: SchemaChange) -> str | None:
    """The reason of the first ignore entry matching `change` (rule, and element when given)."""
    for entry in ignores:
        if entry.rule != change.rule:
            continue
        if entry.element is None or any(
            _within(entry.element, e) for e in (change.element, change.old_element)
        ):
            return entry.reason
    return None


def _within(scope: str, element: str) -> bool:
    return element == scope or element.startswith(f"{scope}.") or element.startswith(f"{scope}(")
