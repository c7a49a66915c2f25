"""Ask Cap'n Proto itself whether two schemas are compatible (run as a child process).

Loading an old and a new node with the same id into one `capnp.SchemaLoader`
runs Cap'n Proto's own compatibility check (NOTES.md). It is not directional
and accepts removed or swapped fields, so it is an oracle for the table test,
not the checker. pycapnp hands out struct nodes only (`get_proto`), so enums
are judged through the structs that use them.

stdin: JSON list of [old path, new path]; stdout: one JSON line per pair.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def struct_nodes(declaration: Any, found: list[Any]) -> None:
    schema = getattr(declaration, "schema", None)
    if schema is None or not hasattr(schema, "get_proto"):
        return
    found.append(schema.get_proto())
    for name in schema.fieldnames:
        field = schema.fields[name]
        if field.proto.which() == "group":
            found.append(field.schema.get_proto())
    for nested in schema.node.nestedNodes:
        struct_nodes(getattr(declaration, nested.name, None), found)


def nodes_of(path: str) -> list[Any]:
    import capnp

    module = capnp.SchemaParser().load(path)
    found: list[Any] = []
    for name in dir(module):
        if not name.startswith("_"):
            struct_nodes(getattr(module, name), found)
    return found


def main() -> None:
    import capnp

    for old, new in json.loads(sys.stdin.read()):
        loader = capnp.SchemaLoader()
        try:
            for node in nodes_of(old):
                loader.load(node)
            for node in nodes_of(new):
                loader.load(node)
        except capnp.KjException as error:
            message = str(error).splitlines()
            reason = next((m for m in message if "failed:" in m), message[-1] if message else "")
            print(json.dumps({"ok": False, "message": reason}), flush=True)
            continue
        print(json.dumps({"ok": True}), flush=True)


if __name__ == "__main__":
    main()
