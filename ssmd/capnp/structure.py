"""Describe a compiled Cap'n Proto module as plain data (runs in the compiler child).

The description is what the structural compatibility checker
(`ssmd.capnp.evolution`) compares; it is JSON so it crosses the process
boundary and caches on disk. It holds what decides the wire encoding: each
struct's fields with ordinal, type (element types and type ids included),
default value, slot offset, union discriminant and group; each enum's
enumerants by ordinal; and every node's id.
"""

from __future__ import annotations

import hashlib
from typing import Any

NOT_IN_UNION = 65535


def describe_module(module: Any) -> dict[str, Any]:
    nodes: dict[str, Any] = {}
    file_id = None
    schema = getattr(module, "schema", None)
    if schema is not None:
        file_id = hex(schema.node.id)
    for name in dir(module):
        if name.startswith("_"):
            continue
        _describe(getattr(module, name, None), name, nodes)
    return {"id": file_id, "nodes": nodes}


def _describe(declaration: Any, qualified: str, nodes: dict[str, Any]) -> None:
    schema = getattr(declaration, "schema", None)
    node = getattr(schema, "node", None)
    if node is None or qualified in nodes:
        return
    which = str(node.which())
    entry: dict[str, Any] = {"id": hex(node.id), "kind": which}
    if which == "struct":
        entry.update(_struct(schema))
    elif which == "enum":
        entry["enumerants"] = [
            {"name": e.name, "ordinal": ordinal, "codeOrder": e.codeOrder}
            for ordinal, e in enumerate(node.enum.enumerants)
        ]
    nodes[qualified] = entry
    for nested in getattr(node, "nestedNodes", []):
        _describe(getattr(declaration, nested.name, None), f"{qualified}.{nested.name}", nodes)


def _struct(schema: Any) -> dict[str, Any]:
    """A struct (or group) node with its fields; groups are described inline, recursively."""
    struct = schema.node.struct
    fields = []
    for field in struct.fields:
        described = _field(field)
        if field.which() == "group":
            described["group"] = _struct(schema.fields[field.name].schema)
            described["group"]["id"] = hex(field.group.typeId)
        fields.append(described)
    return {
        "dataWordCount": struct.dataWordCount,
        "pointerCount": struct.pointerCount,
        "discriminantCount": struct.discriminantCount,
        "discriminantOffset": struct.discriminantOffset,
        "fields": fields,
    }


def _field(field: Any) -> dict[str, Any]:
    discriminant = field.discriminantValue
    result: dict[str, Any] = {
        "name": field.name,
        "codeOrder": field.codeOrder,
        "ordinal": field.ordinal.explicit if field.ordinal.which() == "explicit" else None,
        "discriminant": None if discriminant == NOT_IN_UNION else discriminant,
        "which": str(field.which()),
    }
    if field.which() == "slot":
        result["type"] = describe_type(field.slot.type)
        result["offset"] = field.slot.offset
        result["default"] = _default(field.slot.defaultValue)
    return result


def describe_type(type_: Any) -> dict[str, Any]:
    """A type as data: `{"kind": "uint32"}`, `{"kind": "struct", "id": "0x..."}`, lists nest."""
    kind = str(type_.which())
    result: dict[str, Any] = {"kind": kind}
    if kind == "list":
        result["element"] = describe_type(type_.list.elementType)
    elif kind in ("struct", "enum", "interface"):
        result["id"] = hex(getattr(type_, kind).typeId)
    return result


def _default(value: Any) -> dict[str, str]:
    """The default's text and a digest of its encoding (pointer defaults print as opaque)."""
    try:
        encoded = value.as_builder().to_bytes()
    except Exception:  # an exotic default is compared by its text alone
        encoded = str(value).encode()
    text = str(value).strip().strip("()").strip()
    return {"text": text, "digest": hashlib.sha256(encoded).hexdigest()[:16]}
