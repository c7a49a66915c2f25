"""Is a new Cap'n Proto schema a safe evolution of an old one? A directional check, old -> new.

The rules come from the "Evolving your protocol" section of the Cap'n Proto
language reference and from Cap'n Proto's own upgrade logic (its schema
loader's compatibility check): fields, enumerants and methods are identified
by their ordinal; any name may change while ordinals and type ids stay; a
pointer may widen to `AnyPointer` (or to the `AnyStruct`/`AnyList`/
`Capability` kind it belongs to), `Text` and `List(UInt8)` to `Data`, an
enum to `UInt16` and back; a `List(T)` of a primitive (not `Bool`), blob or
list may become a list of structs whose `@0` field has type `T`; a field may
move into a group, or into a union that is new with only new fields beside
it; a type may become generic when its uses bind the parameters to what they
replaced. A struct used by a field may be replaced by another struct that is
itself a compatible evolution of it (compared field by field, generic
bindings substituted).

Each finding has a rule id (`ssmd.capnp.rules`) and so a level (`wire`,
`wire+text`, `source`); checking at a level makes that level's findings and
those below it `breaking`. One change gives one finding: a type change does
not also report the slots it shifted, a swap is one finding, a struct that
changed is reported at its declaration and not again at every field using it.

The checker is pure: it compares two descriptions made by
`ssmd.capnp.structure` in the compiler child; it never loads Cap'n Proto.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from ssmd.capnp.rules import RULES, Level

# Kept for callers that name the old groups: the rules at `wire` and above it.
WIRE_RULES = tuple(r for r, spec in RULES.items() if spec.level is Level.WIRE)
NAME_RULES = tuple(r for r, spec in RULES.items() if spec.level is not Level.WIRE)

_POINTERS = {"text", "data", "list", "struct", "interface", "anyPointer"}
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
}
_ANY_NAMES = {
    "anyKind": "AnyPointer",
    "struct": "AnyStruct",
    "list": "AnyList",
    "capability": "Capability",
}
Position = tuple[int, int]


@dataclass(frozen=True, slots=True)
class SchemaChange:
    """One difference between two versions of a `.capnp` schema, judged by an evolution rule."""

    rule: str
    breaking: bool
    """True when the rule's level is within the level checked (the change breaks the promise)."""
    node: str
    """The declaration, e.g. `Trade` or `Trade.Side`."""
    message: str
    level: str = Level.WIRE.value
    element: str = ""
    """The member or declaration in the new schema (`Trade.size`), or the old one if gone."""
    old_element: str = ""
    consequence: str = ""
    """Who breaks, in one sentence (from the rule table)."""
    old_location: Position | None = None
    """0-based (line, column) in the old text, when known."""
    new_location: Position | None = None
    suppressed: str | None = None
    """The reason given where the schema accepts this change (`compatibility_ignore`)."""

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("old_location", "new_location"):
            if data[key] is not None:
                data[key] = {"line": data[key][0], "column": data[key][1]}
        return data

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"


@dataclass(frozen=True, slots=True)
class _Slot:
    """A field that holds data, with its place in the struct (groups flattened)."""

    ordinal: int
    path: str
    type: dict[str, Any]
    offset: int
    default: dict[str, Any]
    unions: tuple[tuple[int, int], ...]
    """Enclosing unions, outermost first: (union identity, discriminant)."""


Env = dict[str, list[Any]]
"""Generic scope id -> its bindings: each `(type, env)` or None (unbound)."""
_Resolved = tuple[dict[str, Any], Env]


@dataclass(slots=True)
class _Sink:
    changes: list[SchemaChange] = field(default_factory=list)


@dataclass(slots=True)
class _Checker:
    old: dict[str, Any]
    new: dict[str, Any]
    level: Level
    sink: _Sink = field(default_factory=_Sink)
    id_map: dict[str, str] = field(default_factory=dict)
    """Old type id -> the new id of the same declaration."""
    new_names: dict[str, str] = field(default_factory=dict)
    """New type id -> the new declaration's qualified name."""
    in_progress: set[tuple[str, str, str]] = field(default_factory=set)
    verdicts: dict[tuple[str, str, str], list[SchemaChange]] = field(default_factory=dict)

    def add(
        self,
        rule: str,
        node: str,
        element: str,
        message: str,
        old_element: str | None = None,
    ) -> None:
        spec = RULES[rule]
        self.sink.changes.append(
            SchemaChange(
                rule,
                self.level.includes(spec.level),
                node,
                message,
                spec.level.value,
                element,
                old_element if old_element is not None else element,
                spec.breaks,
            )
        )

    # -- declarations ----------------------------------------------------------------

    def run(self) -> list[SchemaChange]:
        old_nodes: dict[str, Any] = self.old.get("nodes", {})
        new_nodes: dict[str, Any] = self.new.get("nodes", {})
        self.new_names = {n["id"]: name for name, n in new_nodes.items()}
        pairs = self.pair(old_nodes, new_nodes)
        for old_name, new_name in pairs:
            self.id_map[old_nodes[old_name]["id"]] = new_nodes[new_name]["id"]
        for old_name, new_name in pairs:
            old_id, new_id = old_nodes[old_name]["id"], new_nodes[new_name]["id"]
            before, after = self.old_type(old_id), self.new_type(new_id)
            if before is None or after is None:
                continue
            if before["kind"] == "struct":
                self.compare_struct(new_name, before, {}, after, {}, new_name, old_name)
            elif before["kind"] == "enum":
                self.compare_enum(new_name, before, after, old_name)
            elif before["kind"] == "interface":
                self.compare_interface(new_name, before, {}, after, {}, old_name)
        return _dedupe(self.sink.changes)

    def pair(self, old_nodes: dict[str, Any], new_nodes: dict[str, Any]) -> list[tuple[str, str]]:
        """Old declaration -> new one: by type id, then by name, then a lone rename in a scope."""
        new_by_id = {n["id"]: name for name, n in new_nodes.items()}
        old_ids = {n["id"] for n in old_nodes.values()}
        pairs: list[tuple[str, str]] = []
        taken: set[str] = set()
        unpaired: list[str] = []
        for name, node in old_nodes.items():
            match = new_by_id.get(node["id"])
            if match is None and name in new_nodes and new_nodes[name]["id"] not in old_ids:
                match = name
            if match is not None and match != name and _leaf(match) != _leaf(name):
                self.add(
                    "TYPE_NO_DELETE",
                    name,
                    match,
                    f"{node['kind']} {name} was renamed to {match} (its id kept): code naming "
                    f"{name} no longer compiles",
                    old_element=name,
                )
            if match is None or match in taken:
                unpaired.append(name)
                continue
            other = new_nodes[match]
            if other["kind"] != node["kind"]:
                self.add(
                    "TYPE_NO_DELETE",
                    name,
                    name,
                    f"{name} was a {node['kind']} and is now a {other['kind']}",
                )
                taken.add(match)
                continue
            if other["id"] != node["id"]:
                self.id_changed(name, match, node, other)
            pairs.append((name, match))
            taken.add(match)
        free = [n for n in new_nodes if n not in taken and n not in old_nodes]
        renamed_scopes = {old: new for old, new in pairs}
        # Outer declarations first, so a renamed struct's nested types are looked for inside
        # its new name; in a scope, the best-resembling candidate (more than half the old
        # member names kept, no tie) is the rename, each candidate taken once.
        for name in sorted(unpaired, key=lambda n: n.count(".")):
            node = old_nodes[name]
            scope = name.rpartition(".")[0]
            scope = renamed_scopes.get(scope, scope)
            scored = sorted(
                (
                    (self.resemblance(node["id"], new_nodes[n]["id"]), n)
                    for n in free
                    if new_nodes[n]["kind"] == node["kind"] and n.rpartition(".")[0] == scope
                ),
                reverse=True,
            )
            tied = len(scored) > 1 and scored[1][0] == scored[0][0]
            if scored and scored[0][0] > 0.5 and not tied:
                match = scored[0][1]
                free.remove(match)
                renamed_scopes[name] = match
                if _leaf(match) != _leaf(name):
                    self.add(
                        "TYPE_NO_DELETE",
                        name,
                        match,
                        f"{node['kind']} {name} was renamed to {match}: code naming {name} no "
                        "longer compiles",
                        old_element=name,
                    )
                if new_nodes[match]["id"] != node["id"]:
                    self.id_changed(name, match, node, new_nodes[match], renamed=True)
                pairs.append((name, match))
                continue
            self.add(
                "TYPE_NO_DELETE",
                name,
                name,
                f"{node['kind']} {name} was removed (or renamed and no longer recognisable)",
            )
        return pairs

    def resemblance(self, old_id: str, new_id: str) -> float:
        """The share of the old declaration's member names the new one keeps (1 if none)."""
        before, after = self.old_type(old_id) or {}, self.new_type(new_id) or {}
        names_before, names_after = _member_names(before), _member_names(after)
        if not names_before:
            return 1.0 if not names_after else 0.0
        return len(names_before & names_after) / len(names_before)

    def id_changed(
        self, old_name: str, new_name: str, old: dict[str, Any], new: dict[str, Any], **kw: bool
    ) -> None:
        leaf = new_name.rsplit(".", 1)[-1]
        keep = f"keep it with `{old['kind']} {leaf} @{old['id']}`"
        if old["kind"] == "interface":
            self.add(
                "INTERFACE_ID_STABLE",
                new_name,
                new_name,
                f"interface {new_name}'s type id changed from {old['id']} to {new['id']}; {keep}",
                old_element=old_name,
            )
        elif not kw.get("renamed") and old["kind"] in ("struct", "enum"):
            self.add(
                "TYPE_ID_STABLE",
                new_name,
                new_name,
                f"{new_name}'s type id changed from {old['id']} to {new['id']} (the file id "
                f"changed, or an explicit id was set or changed); {keep}",
                old_element=old_name,
            )

    def old_type(self, type_id: str) -> dict[str, Any] | None:
        found: dict[str, Any] | None = self.old.get("types", {}).get(type_id)
        return found

    def new_type(self, type_id: str) -> dict[str, Any] | None:
        found: dict[str, Any] | None = self.new.get("types", {}).get(type_id)
        return found

    def same_declaration(self, old_id: str, new_id: str) -> bool:
        return self.id_map.get(old_id, old_id) == new_id

    def new_label(self, node: dict[str, Any]) -> str:
        return str(self.new_names.get(node["id"], node.get("name", node["id"])))

    # -- structs ---------------------------------------------------------------------

    def compare_struct(
        self,
        name: str,
        old: dict[str, Any],
        old_env: Env,
        new: dict[str, Any],
        new_env: Env,
        prefix: str,
        old_prefix: str,
    ) -> None:
        old_slots = {s.ordinal: s for s in _slots(old, self.old)}
        new_slots = {s.ordinal: s for s in _slots(new, self.new)}
        old_by_name = {s.path: s for s in old_slots.values()}
        new_by_name = {s.path: s for s in new_slots.values()}
        moved: set[int] = set()
        start = len(self.sink.changes)
        # Names that now sit at another ordinal: one finding per swap or move.
        for path, before in sorted(old_by_name.items(), key=lambda item: item[1].ordinal):
            after = new_by_name.get(path)
            if after is None or after.ordinal == before.ordinal or before.ordinal in moved:
                continue
            other_new = new_slots.get(before.ordinal)
            other_old = old_slots.get(after.ordinal)
            if other_new is not None and other_old is not None and other_new.path == other_old.path:
                moved |= {before.ordinal, after.ordinal}
                self.add(
                    "FIELD_NAMES_SWAPPED",
                    name,
                    f"{prefix}.{path}",
                    f"{prefix}.{path} and {prefix}.{other_new.path} swapped ordinals "
                    f"(@{before.ordinal} <-> @{after.ordinal}); old data's {path} is now read "
                    f"as {other_new.path}",
                    old_element=f"{old_prefix}.{path}",
                )
                continue
            moved |= {before.ordinal, after.ordinal}
            taken = f"; old data's {path} is now read as {other_new.path}" if other_new else ""
            self.add(
                "ORDINAL_STABLE",
                name,
                f"{prefix}.{path}",
                f"{prefix}.{path} moved from @{before.ordinal} to @{after.ordinal}{taken}; "
                "ordinals never change: keep the old one and rename instead",
                old_element=f"{old_prefix}.{path}",
            )
        for ordinal, before in sorted(old_slots.items()):
            after = new_slots.get(ordinal)
            old_where = f"{old_prefix}.{before.path}"
            if after is None:
                if ordinal not in moved:
                    self.add(
                        "FIELD_NO_DELETE",
                        name,
                        old_where,
                        f"{old_where} @{ordinal} was removed; keep the field (rename it, e.g. "
                        "obsoleteX, if unused)",
                    )
                continue
            where = f"{prefix}.{after.path}"
            if ordinal in moved:
                continue
            if after.path != before.path:
                what = "renamed to" if _leaf(before.path) != _leaf(after.path) else "moved to"
                self.add(
                    "FIELD_SAME_NAME",
                    name,
                    where,
                    f"{old_where} @{ordinal} was {what} {after.path}",
                    old_element=old_where,
                )
            level, reason = self.type_change(
                (before.type, old_env), (after.type, new_env), list_element=False
            )
            if level is not None:
                rule = {
                    Level.WIRE: "FIELD_SAME_TYPE",
                    Level.WIRE_TEXT: "FIELD_SAME_TEXT_TYPE",
                    Level.SOURCE: "FIELD_SAME_SOURCE_TYPE",
                }[level]
                self.add(
                    rule,
                    name,
                    where,
                    f"{where} @{ordinal} changed type from "
                    f"{self.type_name(before.type, self.old)} to "
                    f"{self.type_name(after.type, self.new)}" + (f": {reason}" if reason else ""),
                    old_element=old_where,
                )
                if level is Level.WIRE:
                    continue
            if _default_changed(before, after):
                self.add(
                    "FIELD_SAME_DEFAULT",
                    name,
                    where,
                    f"{where} @{ordinal} changed its default from "
                    f"{before.default['text'] or 'none'} to {after.default['text'] or 'none'}",
                    old_element=old_where,
                )
            if not self.union_move_allowed(before, after, old_slots, new_slots):
                self.add(
                    "UNION_MEMBERSHIP_STABLE",
                    name,
                    where,
                    f"{where} @{ordinal} changed union membership ({_unions_text(before)} -> "
                    f"{_unions_text(after)}); a field may only move into a union that is new, "
                    "with only new fields beside it",
                    old_element=old_where,
                )
        wire_found = any(
            c.level == Level.WIRE.value and c.node == name for c in self.sink.changes[start:]
        )
        if not wire_found:
            self.layout(name, prefix, old_prefix, old_slots, new_slots, moved)

    def layout(
        self,
        name: str,
        prefix: str,
        old_prefix: str,
        old_slots: dict[int, _Slot],
        new_slots: dict[int, _Slot],
        moved: set[int],
    ) -> None:
        """A slot that moved with no other cause reported (normally impossible: a sanity net)."""
        for ordinal, before in sorted(old_slots.items()):
            after = new_slots.get(ordinal)
            if after is None or ordinal in moved or before.offset == after.offset:
                continue
            if _size(before.type) != _size(after.type):
                continue
            self.add(
                "FIELD_SAME_LAYOUT",
                name,
                f"{prefix}.{after.path}",
                f"{prefix}.{after.path} @{ordinal} moved in the encoding (slot {before.offset} "
                f"-> {after.offset})",
                old_element=f"{old_prefix}.{before.path}",
            )
            return

    def union_move_allowed(
        self, before: _Slot, after: _Slot, old_slots: dict[int, _Slot], new_slots: dict[int, _Slot]
    ) -> bool:
        if before.unions == after.unions:
            return True
        if after.unions[: len(before.unions)] != before.unions:
            return False
        # Moved into new unions: each new union, and its other members, must be new.
        old_unions = {u[0] for s in old_slots.values() for u in s.unions}
        for union, _ in after.unions[len(before.unions) :]:
            if union in old_unions:
                return False
            members = [s for s in new_slots.values() if any(u[0] == union for u in s.unions)]
            if any(m.ordinal in old_slots and m.ordinal != before.ordinal for m in members):
                return False
        return True

    # -- types -----------------------------------------------------------------------

    def type_change(
        self, old: _Resolved, new: _Resolved, list_element: bool
    ) -> tuple[Level | None, str]:
        """The lowest level the change from `old` to `new` breaks (None: it breaks none)."""
        before, old_env = _resolve(*old)
        after, new_env = _resolve(*new)
        # A type parameter introduced, dropped or exchanged (`:A` -> `:B`) is the same
        # AnyPointer on the wire; uses that bind the parameters are compared where they are.
        source_note: tuple[Level | None, str] = (
            (Level.SOURCE, "")
            if (before.get("param") or [None, None])[1] != (after.get("param") or [None, None])[1]
            else (None, "")
        )
        kind, other = before["kind"], after["kind"]
        if kind == other:
            if kind == "list":
                return self.type_change(
                    (before["element"], old_env), (after["element"], new_env), list_element=True
                )
            if kind == "anyPointer":
                wide, narrow = after.get("any", "anyKind"), before.get("any", "anyKind")
                if wide in ("anyKind", narrow):
                    return source_note if wide == narrow else (Level.WIRE_TEXT, "")
                if narrow == "anyKind":
                    # AnyPointer -> AnyStruct/AnyList/Capability: Cap'n Proto's loader accepts
                    # it and its own schemas did it; values of another kind would not read.
                    return (Level.SOURCE, "")
                return (
                    Level.WIRE,
                    f"old values may be any {_ANY_NAMES.get(narrow, narrow)}, "
                    f"not only a {_ANY_NAMES.get(wide, wide)}",
                )
            if kind in ("struct", "interface", "enum"):
                return self.declared_change(before, old_env, after, new_env)
            return source_note
        if other == "anyPointer" and kind in _POINTERS:
            wide = after.get("any", "anyKind")
            family = {"struct": "struct", "interface": "capability"}.get(kind, "list")
            if after.get("param") is not None or after.get("implicit") is not None:
                return (Level.SOURCE, "")
            if wide in ("anyKind", family):
                return (Level.WIRE_TEXT, "JSON and text cannot show an untyped pointer")
            return (Level.WIRE, f"a {kind} value is not an {_ANY_NAMES.get(wide, wide)}")
        if other == "data" and (
            kind == "text" or (kind == "list" and before["element"]["kind"] in ("int8", "uint8"))
        ):
            return (Level.WIRE_TEXT, "JSON writes Data as bytes, not as the old text or numbers")
        if {kind, other} == {"enum", "uint16"}:
            return (Level.WIRE_TEXT, "an enum is a UInt16 on the wire; JSON writes its name")
        if list_element and other == "struct" and kind != "struct":
            if kind == "bool":
                return (Level.WIRE, "a List(Bool) is packed bits and cannot become a struct list")
            first = self.first_field(after, new_env)
            if first is None:
                return (Level.WIRE, f"{self.new_label(after)} has no @0 field")
            level, reason = self.type_change((before, old_env), first, list_element=False)
            if level is Level.WIRE:
                return (Level.WIRE, f"{self.new_label(after)}'s @0 field is not a {kind}: {reason}")
            return (Level.SOURCE, "")
        return (Level.WIRE, "")

    def declared_change(
        self, before: dict[str, Any], old_env: Env, after: dict[str, Any], new_env: Env
    ) -> tuple[Level | None, str]:
        old_id, new_id = before["id"], after["id"]
        same = self.same_declaration(old_id, new_id)
        if (
            same
            and not old_env
            and not new_env
            and not before.get("brand")
            and not after.get("brand")
        ):
            return (None, "")  # the declaration itself is compared, once, where it is declared
        old_node, new_node = self.old_type(old_id), self.new_type(new_id)
        if old_node is None or new_node is None:
            return (None, "") if same else (Level.WIRE, "one side's declaration is unknown")
        if old_node["kind"] != new_node["kind"]:
            return (Level.WIRE, "")
        if old_node["kind"] == "interface" and not same:
            # Calls on a capability carry its interface id: readers of either version would
            # call methods the other side's objects do not implement.
            return (Level.WIRE, "calls on the capability carry the interface's id")
        inner_old = _enter(before.get("brand", []), old_env)
        inner_new = _enter(after.get("brand", []), new_env)
        if same and self.was_generic(inner_old, inner_new):
            # One generic declaration used with other bindings: its own changes are reported
            # where it is declared, so only the bindings are compared here.
            return self.bindings_change(inner_old, inner_new)
        key = (old_id + repr(inner_old), new_id + repr(inner_new), old_node["kind"])
        if key in self.in_progress:
            return (None, "")
        if key not in self.verdicts:
            self.in_progress.add(key)
            saved, self.sink = self.sink, _Sink()
            label, old_label = self.new_label(new_node), old_node.get("name", old_id)
            try:
                if old_node["kind"] == "struct":
                    self.compare_struct(
                        label, old_node, inner_old, new_node, inner_new, label, old_label
                    )
                elif old_node["kind"] == "interface":
                    self.compare_interface(
                        label, old_node, inner_old, new_node, inner_new, old_label
                    )
                else:
                    self.compare_enum(label, old_node, new_node, old_label)
            finally:
                self.verdicts[key] = self.sink.changes
                self.sink = saved
                self.in_progress.discard(key)
        found = self.verdicts[key]
        wire = [c for c in found if c.level == Level.WIRE.value]
        if wire:
            return (Level.WIRE, f"not a compatible replacement ({wire[0].message})")
        if any(c.level == Level.WIRE_TEXT.value for c in found):
            return (Level.WIRE_TEXT, "names differ between the two types")
        return (None if same else Level.SOURCE, "")

    def was_generic(self, old_env: Env, new_env: Env) -> bool:
        """True when every generic scope bound on either side was already generic before
        (else a type was made generic, and its body is compared with the bindings put in)."""
        for scope in {*old_env, *new_env}:
            old_scope = self.old_type(scope) or self.old_type(
                next((o for o, n in self.id_map.items() if n == scope), scope)
            )
            if old_scope is None or not old_scope.get("params"):
                return False
        return True

    def bindings_change(self, old_env: Env, new_env: Env) -> tuple[Level | None, str]:
        worst: tuple[Level | None, str] = (None, "")
        unbound: dict[str, Any] = {"kind": "anyPointer", "any": "anyKind"}
        for scope in sorted({*old_env, *new_env}):
            before, after = old_env.get(scope, []), new_env.get(scope, [])
            for index in range(max(len(before), len(after))):
                old_binding = before[index] if index < len(before) else None
                new_binding = after[index] if index < len(after) else None
                level, reason = self.type_change(
                    old_binding or (unbound, {}), new_binding or (unbound, {}), False
                )
                if level is not None and (worst[0] is None or level.rank < worst[0].rank):
                    worst = (level, f"generic parameter #{index}: {reason}" if reason else "")
        return worst

    def first_field(self, struct_type: dict[str, Any], env: Env) -> _Resolved | None:
        node = self.new_type(struct_type["id"])
        if node is None:
            return None
        first = next((s for s in _slots(node, self.new) if s.ordinal == 0), None)
        if first is None:
            return None
        return (first.type, _enter(struct_type.get("brand", []), env))

    def type_name(self, type_: dict[str, Any], description: dict[str, Any]) -> str:
        return type_name(type_, description)

    # -- enums -----------------------------------------------------------------------

    def compare_enum(
        self, name: str, old: dict[str, Any], new: dict[str, Any], old_name: str
    ) -> None:
        by_number = {e["number"]: e["name"] for e in new["enumerants"]}
        new_numbers = {e["name"]: e["number"] for e in new["enumerants"]}
        old_numbers = {e["name"]: e["number"] for e in old["enumerants"]}
        reported: set[str] = set()
        for enumerant in old["enumerants"]:
            number, label = enumerant["number"], enumerant["name"]
            after = by_number.get(number)
            if label in reported:
                continue
            if label in new_numbers and new_numbers[label] != number:
                other = by_number.get(number)
                swapped = other is not None and old_numbers.get(other) == new_numbers[label]
                reported |= {label, other or label} if swapped else {label}
                detail = (
                    f"{name}.{label} and {name}.{other} swapped numbers (@{number} <-> "
                    f"@{new_numbers[label]})"
                    if swapped
                    else f"{name}.{label} moved from @{number} to @{new_numbers[label]}"
                )
                self.add(
                    "ENUMERANT_ORDINAL_STABLE",
                    name,
                    f"{name}.{label}",
                    f"{detail}; old data's {label} is now read as {other or 'an unknown value'}",
                    old_element=f"{old_name}.{label}",
                )
            elif after is None:
                self.add(
                    "ENUMERANT_NO_DELETE",
                    name,
                    f"{old_name}.{label}",
                    f"{old_name}.{label} @{number} was removed",
                )
            elif after != label and after not in old_numbers:
                self.add(
                    "ENUMERANT_SAME_NAME",
                    name,
                    f"{name}.{after}",
                    f"{old_name}.{label} @{number} was renamed to {after}",
                    old_element=f"{old_name}.{label}",
                )

    # -- interfaces ------------------------------------------------------------------

    def compare_interface(
        self,
        name: str,
        old: dict[str, Any],
        old_env: Env,
        new: dict[str, Any],
        new_env: Env,
        old_name: str,
    ) -> None:
        new_methods = {m["ordinal"]: m for m in new.get("methods", [])}
        new_by_name = {m["name"]: m for m in new.get("methods", [])}
        old_by_name = {m["name"]: m for m in old.get("methods", [])}
        moved: set[int] = set()
        for method in old.get("methods", []):
            ordinal, label = method["ordinal"], method["name"]
            after = new_methods.get(ordinal)
            old_where, where = f"{old_name}.{label}", f"{name}.{label}"
            if ordinal in moved:
                continue
            if label in new_by_name and new_by_name[label]["ordinal"] != ordinal:
                target = new_by_name[label]["ordinal"]
                moved |= {ordinal, target}
                other = after["name"] if after else None
                self.add(
                    "METHOD_ORDINAL_STABLE",
                    name,
                    where,
                    f"{where} moved from @{ordinal} to @{target}"
                    + (f"; old clients' calls to it now reach {other}" if other else ""),
                    old_element=old_where,
                )
                continue
            if after is None:
                self.add(
                    "METHOD_NO_DELETE",
                    name,
                    old_where,
                    f"{old_where} @{ordinal} was removed; keep it (servers may throw "
                    "`unimplemented`) or deprecate it in a comment",
                )
                continue
            where = f"{name}.{after['name']}"
            if after["name"] != label and after["name"] not in old_by_name:
                self.add(
                    "METHOD_SAME_NAME",
                    name,
                    where,
                    f"{old_where} @{ordinal} was renamed to {after['name']}",
                    old_element=old_where,
                )
            for side, rule in (
                ("params", "METHOD_PARAMS_COMPATIBLE"),
                ("results", "METHOD_RESULTS_COMPATIBLE"),
            ):
                self.compare_message(
                    rule, name, where, old_where, method, old_env, after, new_env, side
                )
        self.compare_superclasses(name, old, new, old_name)

    def compare_message(
        self,
        rule: str,
        name: str,
        where: str,
        old_where: str,
        before: dict[str, Any],
        old_env: Env,
        after: dict[str, Any],
        new_env: Env,
        side: str,
    ) -> None:
        """A method's params or results: a struct compared as a struct evolution."""
        brand = "paramBrand" if side == "params" else "resultBrand"
        old_type = {"kind": "struct", "id": before[side], "brand": before.get(brand, [])}
        new_type = {"kind": "struct", "id": after[side], "brand": after.get(brand, [])}
        old_node, new_node = self.old_type(before[side]), self.new_type(after[side])
        implicit = (
            old_node is not None
            and new_node is not None
            and "$" in str(old_node.get("name", ""))
            and "$" in str(new_node.get("name", ""))
        )
        if implicit:
            # Implicit parameter lists belong to the method: compare them here, once.
            self.id_map.setdefault(before[side], after[side])
            saved, self.sink = self.sink, _Sink()
            try:
                assert old_node is not None and new_node is not None
                self.compare_struct(
                    name,
                    old_node,
                    _enter(old_type["brand"], old_env),
                    new_node,
                    _enter(new_type["brand"], new_env),
                    f"{where}({side})",
                    f"{old_where}({side})",
                )
                found = self.sink.changes
            finally:
                self.sink = saved
            wire = [c for c in found if c.level == Level.WIRE.value]
            if wire:
                self.add(rule, name, where, f"{where} {side}: {wire[0].message}", old_where)
            elif found:
                message = f"{where} {side}: {found[0].message}"
                self.add("METHOD_SAME_NAME", name, where, message, old_where)
            return
        level, reason = self.type_change((old_type, old_env), (new_type, new_env), False)
        old_label = self.type_name(old_type, self.old)
        new_label = self.type_name(new_type, self.new)
        if level is Level.WIRE:
            self.add(
                rule,
                name,
                where,
                f"{where} {side} changed from {old_label} to {new_label}"
                + (f": {reason}" if reason else ""),
                old_where,
            )
        elif level is not None:
            self.add(
                "METHOD_SAME_NAME",
                name,
                where,
                f"{where} {side} changed from {old_label} to {new_label} (wire-compatible)",
                old_where,
            )

    def compare_superclasses(
        self, name: str, old: dict[str, Any], new: dict[str, Any], old_name: str
    ) -> None:
        reachable: set[str] = set()
        pending = [s["id"] for s in new.get("superclasses", [])]
        while pending:
            identity = pending.pop()
            if identity in reachable:
                continue
            reachable.add(identity)
            node = self.new_type(identity)
            pending += [s["id"] for s in (node or {}).get("superclasses", [])]
        for superclass in old.get("superclasses", []):
            mapped = self.id_map.get(superclass["id"], superclass["id"])
            if mapped not in reachable:
                label = (self.old_type(superclass["id"]) or {}).get("name", superclass["id"])
                self.add(
                    "SUPERCLASS_NO_DELETE",
                    name,
                    name,
                    f"{name} no longer extends {label}",
                    old_element=old_name,
                )


def check_evolution(
    old: dict[str, Any], new: dict[str, Any], level: Level | str = Level.WIRE
) -> list[SchemaChange]:
    """Every change from `old` to `new` (descriptions from `ssmd.capnp.structure`)."""
    return _Checker(old, new, Level(level)).run()


def breaking(changes: list[SchemaChange]) -> list[SchemaChange]:
    return [c for c in changes if c.breaking and c.suppressed is None]


def _dedupe(changes: list[SchemaChange]) -> list[SchemaChange]:
    """One finding per (rule, element, message): a cause reached twice is reported once."""
    seen: set[tuple[str, str, str]] = set()
    kept = []
    for change in changes:
        key = (change.rule, change.element, change.message)
        if key not in seen:
            seen.add(key)
            kept.append(change)
    return kept


def _slots(struct: dict[str, Any], description: dict[str, Any]) -> Iterator[_Slot]:
    """The struct's data fields, groups flattened, with the unions enclosing each."""
    types = description.get("types", {})
    pending: list[tuple[dict[str, Any], str, tuple[tuple[int, int], ...]]] = [(struct, "", ())]
    while pending:
        node, prefix, unions = pending.pop(0)
        members = node.get("fields", [])
        # A union is known by the smallest ordinal among its members: names may change.
        anchor = min(
            (o for m in members if m.get("discriminant") is not None for o in _ordinals(m, types)),
            default=-1,
        )
        for entry in members:
            here = unions
            if entry.get("discriminant") is not None:
                # (depth, anchor): a union nested in another may share its smallest ordinal.
                here = (*unions, (len(unions) * 1_000_000 + anchor, entry["discriminant"]))
            path = f"{prefix}{entry['name']}"
            if entry["which"] == "group":
                group = types.get(entry["group"])
                if group is not None:
                    pending.append((group, f"{path}.", here))
            elif entry.get("ordinal") is not None:
                yield _Slot(
                    entry["ordinal"], path, entry["type"], entry["offset"], entry["default"], here
                )


def _ordinals(entry: dict[str, Any], types: dict[str, Any]) -> Iterator[int]:
    if entry.get("ordinal") is not None:
        yield entry["ordinal"]
    elif entry["which"] == "group":
        pending = [types.get(entry["group"])]
        while pending:
            group = pending.pop()
            for member in (group or {}).get("fields", []):
                if member.get("ordinal") is not None:
                    yield member["ordinal"]
                elif member["which"] == "group":
                    pending.append(types.get(member["group"]))


def _member_names(node: dict[str, Any]) -> set[str]:
    entries = node.get("fields") or node.get("enumerants") or node.get("methods") or []
    return {str(e["name"]) for e in entries}


def _enter(brand: list[dict[str, Any]], env: Env) -> Env:
    """The bindings inside a branded type: its own `bind` scopes, `inherit` ones from `env`."""
    inner: Env = {}
    for scope in brand:
        if scope.get("inherit"):
            if scope["scope"] in env:
                inner[scope["scope"]] = env[scope["scope"]]
        else:
            inner[scope["scope"]] = [None if b is None else (b, env) for b in scope["bind"]]
    return inner


def _resolve(type_: dict[str, Any], env: Env) -> _Resolved:
    """A generic parameter replaced by its binding (unbound: `AnyPointer`)."""
    for _ in range(64):
        param = type_.get("param") if type_["kind"] == "anyPointer" else None
        if param is None:
            return type_, env
        bindings = env.get(param[0])
        if bindings is None or param[1] >= len(bindings) or bindings[param[1]] is None:
            return type_, env  # unbound: compared as the parameter (an AnyPointer)
        type_, env = bindings[param[1]]
    return type_, env


def _default_changed(before: _Slot, after: _Slot) -> bool:
    if before.type.get("kind") != after.type.get("kind"):
        return False
    if before.default.get("text") == "<opaque pointer>":
        return False
    return bool(before.default.get("text") != after.default.get("text"))


def _size(type_: dict[str, Any]) -> str:
    kind = str(type_["kind"])
    return "pointer" if kind in _POINTERS else kind


def _leaf(path: str) -> str:
    return path.rsplit(".", 1)[-1]


def _unions_text(slot: _Slot) -> str:
    if not slot.unions:
        return "not in a union"
    return ", ".join(f"union tag {tag}" for _, tag in slot.unions)


def type_name(type_: dict[str, Any], description: dict[str, Any] | None = None) -> str:
    """`UInt32`, `List(Text)`, `Trade.Side`, `Box(Quote)`, `AnyStruct`."""
    kind = type_["kind"]
    if kind == "list":
        return f"List({type_name(type_['element'], description)})"
    if kind in ("struct", "enum", "interface"):
        types = (description or {}).get("types", {})
        node = types.get(type_["id"])
        named = str(node["name"]) if node else f"{kind} {type_['id']}"
        bound = [
            "AnyPointer" if b is None else type_name(b, description)
            for scope in type_.get("brand", [])
            if not scope.get("inherit") and scope["scope"] == type_["id"]
            for b in scope["bind"]
        ]
        return f"{named}({', '.join(bound)})" if bound else named
    if kind == "anyPointer":
        if type_.get("param") is not None:
            return f"parameter #{type_['param'][1]}"
        return _ANY_NAMES.get(type_.get("any", "anyKind"), "AnyPointer")
    return str(_TYPE_NAMES.get(kind, kind))
