"""Describe a compiled Cap'n Proto module as plain data (runs in the compiler child).

The description is what the structural compatibility checks compare; it is
JSON so it crosses the process boundary and caches on disk.
"""

from __future__ import annotations

from typing import Any


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
    if node is None:
        return
    which = node.which()
    entry: dict[str, Any] = {"id": hex(node.id), "kind": str(which)}
    if which == "struct":
        entry["fields"] = [_field(f) for f in node.struct.fields]
    elif which == "enum":
        entry["enumerants"] = [e.name for e in node.enum.enumerants]
    nodes[qualified] = entry
    for nested in getattr(node, "nestedNodes", []):
        _describe(getattr(declaration, nested.name, None), f"{qualified}.{nested.name}", nodes)


def _field(field: Any) -> dict[str, Any]:
    result: dict[str, Any] = {
        "name": field.name,
        "union": field.discriminantValue != 65535,
        "which": str(field.which()),
    }
    if field.ordinal.which() == "explicit":
        result["ordinal"] = field.ordinal.explicit
    if field.which() == "slot":
        result["type"] = str(field.slot.type.which())
    return result
