"""Path confinement: a registry reads only files inside it.

`schema_file` values are relative to `exchanges/schemas/` and may not leave it
(`escapes_schemas_dir`), nor may `.capnp` imports (`import_escapes`); a file
that resolves outside its registry folder through a symbolic link is not read
(`outside_registry`). The rules report the first two, the workspace refuses the third.
"""

from __future__ import annotations

import functools
import os
import posixpath
from pathlib import Path, PurePosixPath

from ssmd.capnp.imports import Import
from ssmd.document import REGISTRY_DIR, SCHEMAS_DIR, Kind, kind_of


@functools.lru_cache(maxsize=8192)
def schema_file_path(schema_file: str) -> str:
    """Root-relative path of a `schema_file` value (it is relative to exchanges/schemas/)."""
    return posixpath.normpath(f"{SCHEMAS_DIR}/{schema_file}")


@functools.lru_cache(maxsize=8192)
def escapes_schemas_dir(schema_file: str) -> bool:
    """True when `schema_file` would leave exchanges/schemas/ (absolute, `..`, drive)."""
    path = PurePosixPath(schema_file.replace("\\", "/"))
    if path.is_absolute() or ":" in schema_file:
        return True
    depth = 0
    for part in path.parts:
        depth += -1 if part == ".." else (0 if part == "." else 1)
        if depth < 0:
            return True
    return False


def import_escapes(imported: Import) -> bool:
    """True when a `.capnp` import reaches outside exchanges/schemas/ (where every .capnp
    file sits, so the import is relative to that folder). Absolute imports (`/x.capnp`) are
    looked up only in the schemas folder itself, so they stay inside."""
    return not imported.target.startswith("/") and escapes_schemas_dir(imported.target)


def outside_registry(root: Path, path: str) -> str | None:
    """Why the file at `path` may not be read (it resolves outside its registry folder,
    e.g. a symbolic link pointing out), or None when it is safe to read."""
    folder = SCHEMAS_DIR if kind_of(path) is Kind.CAPNP else REGISTRY_DIR
    if not _has_link_below(root, folder, path):
        return None  # the common case, decided with one lstat per path component
    try:
        real = (root / path).resolve(strict=True)
        allowed = (root / folder).resolve(strict=True)
    except (OSError, RuntimeError):  # a dangling or looping link
        return f"{path} is a link that leads nowhere; replace it with the file itself"
    if real != allowed and allowed not in real.parents:
        return (
            f"{path} resolves outside {folder}/ (a symbolic link pointing out); ssmd does not "
            "read it: copy the file into the registry instead"
        )
    return None


def _has_link_below(root: Path, folder: str, path: str) -> bool:
    current = os.path.join(root, folder)
    for part in path[len(folder) + 1 :].split("/"):
        current = os.path.join(current, part)
        if os.path.islink(current):
            return True
    return False
