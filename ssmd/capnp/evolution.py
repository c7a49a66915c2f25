"""Is a new Cap'n Proto schema a safe evolution of an old one? A directional check, old -> new.

The rules follow the "Evolving your protocol" section of the Cap'n Proto
language documentation: new fields, enumerants and types may be added; any
symbolic name may change as long as type ids and ordinals stay; a field may
move into a group, or into a union when the union and its other members are
new; a list of a primitive
may become a list of structs whose `@0` field has that type. Everything else
that changes what an ordinal means on the wire breaks old data. Where
Cap'n Proto's own `SchemaLoader` check is stricter than the prose (it rejects
a field changing to or from `AnyPointer`), the checker follows the loader.

Each finding carries a stable rule id in the style of buf's breaking rules,
so CI output and docs can name them. Wire rules (`breaking=True`) break
binary compatibility; name rules (`breaking=False`) keep the binary encoding
but break what reads names: the JSON and text codecs and source code.

The checker is pure: it compares two descriptions made by
`ssmd.capnp.structure` in the compiler child; it never loads Cap'n Proto.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

# Wire rules: an error when a version claims compatibility (SSMD208).
TYPE_NO_DELETE = "TYPE_NO_DELETE"
TYPE_ID_STABLE = "TYPE_ID_STABLE"
FIELD_NO_DELETE = "FIELD_NO_DELETE"
FIELD_SAME_TYPE = "FIELD_SAME_TYPE"
FIELD_SAME_DEFAULT = "FIELD_SAME_DEFAULT"
FIELD_SAME_LAYOUT = "FIELD_SAME_LAYOUT"
ORDINAL_STABLE = "ORDINAL_STABLE"
UNION_MEMBERSHIP_STABLE = "UNION_MEMBERSHIP_STABLE"
ENUMERANT_NO_DELETE = "ENUMERANT_NO_DELETE"
# Name rules: wire-compatible, but JSON/text codecs and code see a change.
FIELD_SAME_NAME = "FIELD_SAME_NAME"
FIELD_NAMES_SWAPPED = "FIELD_NAMES_SWAPPED"
ENUMERANT_SAME_NAME = "ENUMERANT_SAME_NAME"

WIRE_RULES = (
    TYPE_NO_DELETE,
    TYPE_ID_STABLE,
    FIELD_NO_DELETE,
    FIELD_SAME_TYPE,
    FIELD_SAME_DEFAULT,
    FIELD_SAME_LAYOUT,
    ORDINAL_STABLE,
    UNION_MEMBERSHIP_STABLE,
    ENUMERANT_NO_DELETE,
)
NAME_RULES = (FIELD_SAME_NAME, FIELD_NAMES_SWAPPED, ENUMERANT_SAME_NAME)

_POINTER_KINDS = {"text", "data", "list", "struct", "interface", "anyPointer"}
_TYPE_NAMES = {
    "void": "Void",
    "bool": "Bool",
    "int8": "Int8",
    "int16": "Int16",
    "int32": "Int32",
    "int64": "Int64",
    "uint8": "UInt8",
    "uint16": "UInt16",
    "uint32": "UInt32",
    "uint64": "UInt64",
    "float32": "Float32",
    "float64": "Float64",
    "text": "Text",
    "data": "Data",
    "anyPointer": "AnyPointer",
}


@dataclass(frozen=True, slots=True)
class Change:
    rule: str
    breaking: bool
    """True: old binary data is misread (wire rule). False: only names changed."""
    node: str
    """The declaration, e.g. `Trade` or `Trade.Side`."""
    message: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"


@dataclass(frozen=True, slots=True)
class _Slot:
    """A field that holds data, with its place in the struct (groups flattened)."""

    ordinal: int
    path: str
    type: dict[str, Any]
    offset: int
    default: dict[str, str]
    unions: tuple[tuple[str, int, int], ...]
    """Enclosing unions, outermost first: (scope path, discriminant, tag offset)."""


@dataclass(slots=True)
class _Checker:
    old: dict[str, Any]
    new: dict[str, Any]
    changes: list[Change] = field(default_factory=list)
    id_map: dict[str, str] = field(default_factory=dict)
    """Old type id -> the new id of the same declaration (equal unless TYPE_ID_STABLE)."""

    def add(self, rule: str, node: str, message: str) -> None:
        self.changes.append(Change(rule, rule in WIRE_RULES, node, message))

    def run(self) -> list[Change]:
        old_nodes: dict[str, Any] = self.old.get("nodes", {})
        new_nodes: dict[str, Any] = self.new.get("nodes", {})
        new_by_id = {n["id"]: name for name, n in new_nodes.items()}
        pairs: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
        for name, old_node in old_nodes.items():
            new_name = new_by_id.get(old_node["id"])
            if new_name is None and name in new_nodes:
                new_name = name
                self.add(
                    TYPE_ID_STABLE,
                    name,
                    f"{name}'s type id changed from {old_node['id']} to "
                    f"{new_nodes[name]['id']} (the file id changed, or the type was renamed or "
                    f"moved without an explicit id); keep it with `{old_node['kind']} "
                    f"{name.rsplit('.', 1)[-1]} @{old_node['id']}`",
                )
            if new_name is None:
                self.add(TYPE_NO_DELETE, name, f"{old_node['kind']} {name} was removed")
                continue
            new_node = new_nodes[new_name]
            if new_node["kind"] != old_node["kind"]:
                self.add(
                    TYPE_NO_DELETE,
                    name,
                    f"{name} was a {old_node['kind']} and is now a {new_node['kind']}",
                )
                continue
            self.id_map[old_node["id"]] = new_node["id"]
            pairs.append((name, old_node, new_node))
        for name, old_node, new_node in pairs:
            if old_node["kind"] == "struct":
                self.compare_struct(name, old_node, new_node, new_nodes)
            elif old_node["kind"] == "enum":
                self.compare_enum(name, old_node, new_node)
        return self.changes

    # -- structs ---------------------------------------------------------------------

    def compare_struct(
        self, name: str, old: dict[str, Any], new: dict[str, Any], new_nodes: dict[str, Any]
    ) -> None:
        old_slots = {s.ordinal: s for s in _slots(old)}
        new_slots = {s.ordinal: s for s in _slots(new)}
        for ordinal, before in sorted(old_slots.items()):
            after = new_slots.get(ordinal)
            where = f"{name}.{before.path} @{ordinal}"
            if after is None:
                self.add(
                    FIELD_NO_DELETE,
                    name,
                    f"{where} was removed; old data's value is lost and the ordinal may be "
                    "reused; keep the field (rename it, e.g. obsoleteX, if unused)",
                )
                continue
            if not self.same_type(before.type, after.type, new_nodes):
                self.add(
                    FIELD_SAME_TYPE,
                    name,
                    f"{where} changed type from {type_name(before.type, self.old)} to "
                    f"{type_name(after.type, self.new)}; add a new field instead",
                )
                continue
            if before.type == after.type and before.default["digest"] != after.default["digest"]:
                self.add(
                    FIELD_SAME_DEFAULT,
                    name,
                    f"{where} changed its default from {before.default['text'] or '?'} to "
                    f"{after.default['text'] or '?'}; defaults are XOR-encoded, so every "
                    "stored value changes meaning",
                )
            if not self.union_move_allowed(before, after, old_slots, new_slots):
                self.add(
                    UNION_MEMBERSHIP_STABLE,
                    name,
                    f"{where} changed union membership ({_unions_text(before)} -> "
                    f"{_unions_text(after)}); a field may only move into a union that is new, "
                    "with only new fields beside it",
                )
            elif before.offset != after.offset and before.type == after.type:
                self.add(
                    FIELD_SAME_LAYOUT,
                    name,
                    f"{where} moved in the encoding (slot {before.offset} -> {after.offset}), "
                    "because a field before it changed size or place",
                )
        self.compare_names(name, old_slots, new_slots)

    def same_type(self, old: dict[str, Any], new: dict[str, Any], nodes: dict[str, Any]) -> bool:
        if old["kind"] != new["kind"]:
            return False
        if old["kind"] in ("struct", "enum", "interface"):
            return bool(self.id_map.get(old["id"], old["id"]) == new["id"])
        if old["kind"] == "list":
            before, after = old["element"], new["element"]
            if before["kind"] not in _POINTER_KINDS and after["kind"] == "struct":
                # List(T) -> List(S) where S's @0 field has type T is an allowed upgrade.
                first = _first_field_type(nodes, after["id"])
                return first is not None and first == before
            return self.same_type(before, after, nodes)
        return True

    def union_move_allowed(
        self, before: _Slot, after: _Slot, old_slots: dict[int, _Slot], new_slots: dict[int, _Slot]
    ) -> bool:
        if before.unions == after.unions:
            return True
        if after.unions[: len(before.unions)] != before.unions:
            return False
        # Moved into new unions: each new union, and its other members, must be new.
        old_scopes = {u[0] for s in old_slots.values() for u in s.unions}
        for scope, _, _ in after.unions[len(before.unions) :]:
            if scope in old_scopes:
                return False
            members = [s for s in new_slots.values() if any(u[0] == scope for u in s.unions)]
            if any(m.ordinal in old_slots and m.ordinal != before.ordinal for m in members):
                return False
        return True

    def compare_names(
        self, name: str, old_slots: dict[int, _Slot], new_slots: dict[int, _Slot]
    ) -> None:
        old_by_name = {s.path: s for s in old_slots.values()}
        new_by_name = {s.path: s for s in new_slots.values()}
        reported: set[str] = set()
        for path, before in sorted(old_by_name.items()):
            after = new_by_name.get(path)
            if after is None or after.ordinal == before.ordinal or path in reported:
                continue
            # The name moved to another ordinal. An exact exchange of two same-typed fields
            # keeps the bytes identical: wire-legal (two renames), but almost surely a mistake.
            other_new = new_slots.get(before.ordinal)
            other_old = old_slots.get(after.ordinal)
            if (
                other_new is not None
                and other_old is not None
                and other_new.path == other_old.path
                and before.type == other_old.type
            ):
                reported |= {path, other_new.path}
                self.add(
                    FIELD_NAMES_SWAPPED,
                    name,
                    f"{name}.{path} and {name}.{other_new.path} swapped ordinals "
                    f"(@{before.ordinal} <-> @{after.ordinal}); old data's {path} is now read "
                    f"as {other_new.path}",
                )
                continue
            taken = f" (old data's {path} is now read as {other_new.path})" if other_new else ""
            self.add(
                ORDINAL_STABLE,
                name,
                f"{name}.{path} moved from @{before.ordinal} to @{after.ordinal}{taken}; "
                "ordinals never change: keep the old one and rename instead",
            )
        for ordinal, before in sorted(old_slots.items()):
            after = new_slots.get(ordinal)
            if after is None or after.path == before.path:
                continue
            if before.path in new_by_name or after.path in old_by_name:
                continue  # part of a move or swap, reported above
            what = "renamed to" if _leaf(before.path) != _leaf(after.path) else "moved to"
            self.add(
                FIELD_SAME_NAME,
                name,
                f"{name}.{before.path} @{ordinal} was {what} {after.path}: the binary "
                "encoding is unchanged, but JSON, text format and code that use the name break",
            )

    # -- enums -----------------------------------------------------------------------

    def compare_enum(self, name: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        new_enumerants = {e["ordinal"]: e for e in new["enumerants"]}
        for enumerant in old["enumerants"]:
            after = new_enumerants.get(enumerant["ordinal"])
            if after is None:
                self.add(
                    ENUMERANT_NO_DELETE,
                    name,
                    f"{name}.{enumerant['name']} @{enumerant['ordinal']} was removed; "
                    "old data holding it can no longer be read as a known value",
                )
            elif after["name"] != enumerant["name"]:
                self.add(
                    ENUMERANT_SAME_NAME,
                    name,
                    f"{name}.{enumerant['name']} @{enumerant['ordinal']} was renamed to "
                    f"{after['name']}: binary data is unchanged, JSON and text carry the name",
                )


def check_evolution(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Every change from `old` to `new` (descriptions from `ssmd.capnp.structure`)."""
    return _Checker(old, new).run()


def breaking(changes: list[Change]) -> list[Change]:
    return [c for c in changes if c.breaking]


def _slots(
    struct: dict[str, Any], prefix: str = "", unions: tuple[Any, ...] = ()
) -> Iterator[_Slot]:
    """The struct's data fields, groups flattened, with the unions enclosing each."""
    for entry in struct.get("fields", []):
        here = unions
        if entry.get("discriminant") is not None:
            here = (*unions, (prefix, entry["discriminant"], struct["discriminantOffset"]))
        path = f"{prefix}{entry['name']}"
        if entry["which"] == "group":
            yield from _slots(entry["group"], f"{path}.", here)
        elif entry.get("ordinal") is not None:
            yield _Slot(
                entry["ordinal"], path, entry["type"], entry["offset"], entry["default"], here
            )


def _leaf(path: str) -> str:
    return path.rsplit(".", 1)[-1]


def _first_field_type(nodes: dict[str, Any], type_id: str) -> dict[str, Any] | None:
    for node in nodes.values():
        if node["id"] == type_id and node["kind"] == "struct":
            first = next((s for s in _slots(node) if s.ordinal == 0), None)
            return first.type if first else None
    return None


def _unions_text(slot: _Slot) -> str:
    if not slot.unions:
        return "not in a union"
    return ", ".join(f"union {scope or '(unnamed)'} tag {tag}" for scope, tag, _ in slot.unions)


def type_name(type_: dict[str, Any], description: dict[str, Any] | None = None) -> str:
    """`UInt32`, `List(Text)`, `Trade.Side` (a declared type by name where the file has it)."""
    kind = type_["kind"]
    if kind == "list":
        return f"List({type_name(type_['element'], description)})"
    if kind in ("struct", "enum", "interface"):
        nodes = (description or {}).get("nodes", {})
        named = next((n for n, node in nodes.items() if node["id"] == type_["id"]), None)
        return str(named or f"{kind} {type_['id']}")
    return str(_TYPE_NAMES.get(kind, kind))
