"""Compare two schema versions structurally: their texts (from the work tree or git), compiled.

`ssmd schema diff` and rule SSMD208 both ask this module; it finds each
version's exact bytes (`schema_text.version_text`, which searches history),
compiles them in the compiler child (cached by content) and hands the two
descriptions to the pure checker in `ssmd.capnp.evolution`.

An older text is compiled beside the work tree's other `.capnp` files: if it
imports a file that has changed since, the current import is used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ssmd.capnp.evolution import Change, check_evolution
from ssmd.models import Schema, SchemaVersion
from ssmd.schema_text import version_text
from ssmd.workspace import Workspace, schema_file_path


@dataclass(frozen=True, slots=True)
class VersionStructure:
    structure: dict[str, Any] | None
    source: str
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class Comparison:
    old: str
    new: str
    changes: list[Change] = field(default_factory=list)
    problem: str | None = None
    """Why the versions could not be compared (text not found, does not compile)."""

    @property
    def breaking(self) -> list[Change]:
        return [c for c in self.changes if c.breaking]

    def to_json(self) -> dict[str, Any]:
        return {
            "old": self.old,
            "new": self.new,
            "compatible": self.problem is None and not self.breaking,
            "problem": self.problem,
            "changes": [c.to_json() for c in self.changes],
        }


def version_structure(
    workspace: Workspace, schema: Schema, version: SchemaVersion
) -> VersionStructure:
    label = f"{schema.name}:{version.version}"
    text = version_text(workspace, schema, version)
    if text.content is None:
        return VersionStructure(None, text.source, text.problem)
    path = schema_file_path(version.schema_file or schema.schema_file)
    if workspace.capnp_bytes.get(path) == text.content:
        result = workspace.compiled([path]).get(path)
    else:
        files = {**workspace.capnp_bytes, path: text.content}
        result = workspace.compiler.compile(files, [path]).get(path)
    if result is None:
        return VersionStructure(None, text.source, f"{label} was not compiled (import cycle?)")
    if not result.ok or result.structure is None:
        first = result.errors[0] if result.errors else None
        detail = f": line {first.line + 1}: {first.message}" if first else ""
        problem = f"{label} ({text.source}) does not compile{detail}"
        return VersionStructure(None, text.source, problem)
    return VersionStructure(result.structure, text.source)


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
) -> Comparison:
    """Every change from `old` to `new`, or the reason they cannot be compared."""
    old_label = f"{old[0].name}:{old[1].version}"
    new_label = f"{new[0].name}:{new[1].version}"
    before = version_structure(workspace, *old)
    if before.structure is None:
        return Comparison(old_label, new_label, problem=before.problem)
    after = version_structure(workspace, *new)
    if after.structure is None:
        return Comparison(old_label, new_label, problem=after.problem)
    return Comparison(old_label, new_label, check_evolution(before.structure, after.structure))
