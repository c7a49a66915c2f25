"""Describe a compiled Cap'n Proto module as plain data (runs in the compiler child).

The description is what the evolution checker (`ssmd.capnp.evolution`)
compares; it is JSON so it crosses the process boundary and caches on disk.

- `nodes`: the file's own declarations by qualified name (`Trade`,
  `Trade.Side`, `Feed`) with their kind and type id: what source code sees.
- `types`: every struct, enum and interface the file's declarations reach
  (imported ones, groups, generic bodies, method parameter and result structs
  included) by type id, with what decides the encoding: each struct's fields
  with ordinal, type (element types, type ids, brand bindings, AnyPointer
  kind), default value, slot offset, union discriminant and group; each
  enum's enumerants by number; each interface's methods by ordinal with their
  parameter and result structs, and its superclasses.

Nesting is bounded (`MAX_DEPTH`): a schema that nests groups or `List(`
deeper is described with a `problem` sentence instead of overflowing the
interpreter's stack, and the checker says it cannot compare it.
"""

from __future__ import annotations

from typing import Any

NOT_IN_UNION = 65535
_DECLARED = {"struct", "enum", "interface", "list"}
MAX_DEPTH = 64
"""Deepest group or type nesting described; deeper schemas get a `problem`."""


class TooDeep(Exception):
    """The schema nests groups or types deeper than `MAX_DEPTH`."""


def describe_module(module: Any) -> dict[str, Any]:
    describer = _Describer()
    file_id = None
    schema = getattr(module, "schema", None)
    if schema is not None:
        file_id = hex(schema.node.id)
    try:
        for name in dir(module):
            if not name.startswith("_"):
                describer.declaration(getattr(module, name, None), name)
        describer.drain()
    except TooDeep as error:
        return {"id": file_id, "nodes": {}, "types": {}, "problem": str(error)}
    return {"id": file_id, "nodes": describer.nodes, "types": describer.types}


class _Describer:
    def __init__(self) -> None:
        self.nodes: dict[str, Any] = {}
        self.types: dict[str, Any] = {}
        self.pending: list[tuple[Any, int]] = []
        """(schema, group depth) still to describe into `types`."""
        self.known: dict[int, Any] = {}
        """Schemas reachable by id (from declarations, fields and methods)."""

    def declaration(self, declaration: Any, qualified: str) -> None:
        schema = getattr(declaration, "schema", None)
        node = getattr(schema, "node", None)
        if node is None or qualified in self.nodes:
            return
        which = str(node.which())
        self.nodes[qualified] = {"id": hex(node.id), "kind": which}
        if which in ("struct", "enum", "interface"):
            self.queue(schema, 0)
        for nested in getattr(node, "nestedNodes", []):
            self.declaration(getattr(declaration, nested.name, None), f"{qualified}.{nested.name}")

    def queue(self, schema: Any, depth: int) -> None:
        identity = schema.node.id
        if identity not in self.known:
            self.known[identity] = schema
            self.pending.append((schema, depth))

    def drain(self) -> None:
        while self.pending:
            schema, depth = self.pending.pop()
            node = schema.node
            which = str(node.which())
            entry: dict[str, Any] = {
                "id": hex(node.id),
                "kind": which,
                "name": _display_name(node),
                "params": [p.name for p in getattr(node, "parameters", [])],
            }
            if which == "struct":
                entry.update(self.struct(schema, depth))
            elif which == "enum":
                entry["enumerants"] = [
                    {"name": e.name, "number": number}
                    for number, e in enumerate(node.enum.enumerants)
                ]
            elif which == "interface":
                entry.update(self.interface(schema))
            self.types[hex(node.id)] = entry

    def struct(self, schema: Any, depth: int) -> dict[str, Any]:
        if depth > MAX_DEPTH:
            raise TooDeep(
                f"{_display_name(schema.node)} nests groups more than {MAX_DEPTH} levels deep; "
                "the evolution checker compares schemas up to that depth"
            )
        struct = schema.node.struct
        fields = []
        for field in struct.fields:
            described = _field(field, _display_name(schema.node))
            if field.which() == "group":
                described["group"] = hex(field.group.typeId)
                self.queue(schema.fields[field.name].schema, depth + 1)
            elif described["type"]["kind"] in _DECLARED:
                self.queue_used(schema.fields[field.name])
            fields.append(described)
        return {
            "isGroup": bool(struct.isGroup),
            "dataWordCount": struct.dataWordCount,
            "pointerCount": struct.pointerCount,
            "discriminantCount": struct.discriminantCount,
            "discriminantOffset": struct.discriminantOffset,
            "fields": fields,
        }

    def queue_used(self, field: Any) -> None:
        """The struct, enum or interface a field's type names (imported ones too), described
        so a change of the field's type can be compared member by member."""
        try:
            used = field.schema
            for _ in range(MAX_DEPTH):
                if not hasattr(used, "elementType"):
                    break
                used = used.elementType
            if getattr(used, "node", None) is not None and str(used.node.which()) in _DECLARED:
                self.queue(used, 0)
        except Exception:  # a type pycapnp cannot hand out (e.g. a generic parameter)
            return

    def interface(self, schema: Any) -> dict[str, Any]:
        methods = []
        for ordinal, method in enumerate(schema.node.interface.methods):
            described = schema.methods[method.name]
            params, results = described.param_type, described.result_type
            self.queue(params, 0)
            self.queue(results, 0)
            methods.append(
                {
                    "name": method.name,
                    "ordinal": ordinal,
                    "params": hex(method.paramStructType),
                    "results": hex(method.resultStructType),
                    "paramBrand": _brand(method.paramBrand, 0),
                    "resultBrand": _brand(method.resultBrand, 0),
                }
            )
        supers = []
        for superclass, declared in zip(
            schema.superclasses, schema.node.interface.superclasses, strict=False
        ):
            self.queue(superclass, 0)
            supers.append({"id": hex(declared.id), "brand": _brand(declared.brand, 0)})
        return {"methods": methods, "superclasses": supers}


def _display_name(node: Any) -> str:
    """`Trade.Side` (the display name without the file's path)."""
    return str(node.displayName).split(":", 1)[-1]


def _field(field: Any, owner: str) -> dict[str, Any]:
    discriminant = field.discriminantValue
    result: dict[str, Any] = {
        "name": field.name,
        "codeOrder": field.codeOrder,
        "ordinal": field.ordinal.explicit if field.ordinal.which() == "explicit" else None,
        "discriminant": None if discriminant == NOT_IN_UNION else discriminant,
        "which": str(field.which()),
    }
    if field.which() == "slot":
        try:
            result["type"] = describe_type(field.slot.type)
        except TooDeep:
            raise TooDeep(
                f"{owner}.{field.name} nests types (such as `List(`) more than {MAX_DEPTH} "
                "levels deep; the evolution checker compares schemas up to that depth"
            ) from None
        result["offset"] = field.slot.offset
        result["default"] = _default(field.slot.defaultValue, field.slot.hadExplicitDefault)
    return result


def describe_type(type_: Any, depth: int = 0) -> dict[str, Any]:
    """A type as data: `{"kind": "uint32"}`, `{"kind": "struct", "id": "0x..."}`, lists nest."""
    if depth > MAX_DEPTH:
        raise TooDeep("type nested too deeply")
    kind = str(type_.which())
    result: dict[str, Any] = {"kind": kind}
    if kind == "list":
        result["element"] = describe_type(type_.list.elementType, depth + 1)
    elif kind in ("struct", "enum", "interface"):
        typed = getattr(type_, kind)
        result["id"] = hex(typed.typeId)
        brand = _brand(typed.brand, depth + 1)
        if brand:
            result["brand"] = brand
    elif kind == "anyPointer":
        pointer = type_.anyPointer
        which = str(pointer.which())
        if which == "unconstrained":
            result["any"] = str(pointer.unconstrained.which())
        elif which == "parameter":
            result["param"] = [hex(pointer.parameter.scopeId), pointer.parameter.parameterIndex]
        else:
            result["implicit"] = pointer.implicitMethodParameter.parameterIndex
    return result


def _brand(brand: Any, depth: int) -> list[dict[str, Any]]:
    """Brand scopes: `{"scope": id, "bind": [type or None (unbound)]}` or `"inherit": true`."""
    scopes = []
    for scope in brand.scopes:
        entry: dict[str, Any] = {"scope": hex(scope.scopeId)}
        if str(scope.which()) == "inherit":
            entry["inherit"] = True
        else:
            entry["bind"] = [
                describe_type(b.type, depth + 1) if str(b.which()) == "type" else None
                for b in scope.bind
            ]
        scopes.append(entry)
    return scopes


def _default(value: Any, explicit: bool) -> dict[str, Any]:
    """The default by value: `{"text": "1", "explicit": true}` (pointers: null equals empty)."""
    kind = str(value.which())
    text = str(value).strip()
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    _, _, shown = text.partition("=")
    shown = shown.strip()
    if kind in ("text", "data", "list", "struct", "anyPointer") and shown in ('""', "", "[]", "()"):
        shown = ""  # a null pointer and an empty value read alike
    return {"text": shown, "explicit": bool(explicit), "pointer": kind not in _SCALARS}


_SCALARS = {
    "void",
    "bool",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "float32",
    "float64",
    "enum",
}
