"""Child process that compiles `.capnp` files with pycapnp.

pycapnp 2.1-2.2.4 aborts the interpreter on a schema error, so this runs in
its own process: the parent learns which file was being compiled from the
`start` line printed before each one, and reads the abort message from stderr.
Protocol: stdin one JSON object {"dir": D, "files": [relative paths],
"standard": [folders for absolute imports such as "/capnp/c++.capnp"]} (with
"nested": true, each file's first path component is a folder holding its own
file set and import root); stdout one JSON line per event.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def describe(module: Any) -> dict[str, Any]:
    """A JSON description of the file's declarations (for structural checks)."""
    from ssmd.capnp.structure import describe_module

    return describe_module(module)


def main() -> None:
    request = json.loads(sys.stdin.read())
    import capnp  # imported late: only the child ever loads the compiler

    directory = request["dir"]
    nested = bool(request.get("nested"))
    for relative in request["files"]:
        print(json.dumps({"start": relative}), flush=True)
        parser = capnp.SchemaParser()  # a fresh parser: capnp.load caches by path
        # Nested: each file set sits in its own first-level folder, which is its import root.
        root = f"{directory}/{relative.split('/', 1)[0]}" if nested else directory
        try:
            imports = [root, *request.get("standard", [])]
            module = parser.load(f"{directory}/{relative}", imports=imports)
        except Exception as error:  # pycapnp 2.0 raises instead of aborting
            print(json.dumps({"file": relative, "ok": False, "message": str(error)}), flush=True)
            continue
        try:
            structure = describe(module)
        except Exception as error:  # it compiles; only the description failed: say so
            problem = f"the evolution checker could not describe it ({type(error).__name__}: "
            structure = {"id": None, "nodes": {}, "types": {}, "problem": f"{problem}{error})"}
        print(json.dumps({"file": relative, "ok": True, "structure": structure}), flush=True)


if __name__ == "__main__":
    main()
