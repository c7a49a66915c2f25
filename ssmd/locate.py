"""Where registries and their files are: the root of one, the roots a command line means, its files.

`find_root` is the one-registry rule (`--root`, `SSMD_ROOT`, the nearest root above);
`discover` lists a registry's files. The rest says which registries a command line means:
roots above paths, or every registry below a folder.

A registry root is a folder holding `exchanges/`. `ssmd validate infra/reg/exchanges/feeds/x.yaml`
means the registry that file belongs to (references are cross-file, so the whole registry is
checked); from a monorepo's top with no registry above it, every registry below is meant.
"""

from __future__ import annotations

import os
from pathlib import Path

from ssmd.document import REGISTRY_DIR, kind_of

SKIPPED_DIRS = frozenset(
    {".git", ".hg", ".svn", "node_modules", ".venv", "venv", ".tox", ".nox", "__pycache__"}
)
"""Folders never searched for registries (version control, dependencies, virtual envs)."""


class NoRegistry(Exception):
    """A path is in no registry, or a folder has none above or below it."""


def root_above(path: Path) -> Path | None:
    """The nearest registry root holding `path` (a file or folder), or None."""
    here = path if path.is_dir() else path.parent
    for folder in (here, *here.parents):
        if (folder / REGISTRY_DIR).is_dir():
            return folder
    return None


def registry_enclosing(folder: Path) -> Path | None:
    """The registry root whose exchanges/ folder holds `folder` (existing or not), or None.

    `ssmd init` there would nest a second registry inside the first one's files."""
    absolute = folder.absolute()
    for inside in (absolute, *absolute.parents):
        kinds = ("feeds", "schemas", "environments")
        if inside.name == REGISTRY_DIR and any((inside / kind).is_dir() for kind in kinds):
            return inside.parent  # a folder merely named exchanges/ holds no registry
    return None


def roots_below(folder: Path) -> list[Path]:
    """Every registry root under `folder`, sorted; skips VCS folders, node_modules and venvs."""
    found: list[Path] = []
    for current, dirs, _files in os.walk(folder):
        here = Path(current)
        if REGISTRY_DIR in dirs and (here / REGISTRY_DIR).is_dir():
            found.append(here)
            dirs.clear()  # a registry's own folders hold no further registry
            continue
        dirs[:] = sorted(
            d for d in dirs if d not in SKIPPED_DIRS and not (here / d / "pyvenv.cfg").is_file()
        )
    return sorted(found)


def registries_for(paths: list[Path], start: Path) -> list[Path]:
    """The registry roots meant by `paths` (relative to `start`), each once, in order.

    No paths: the registry holding `start`, else every registry below it. A path inside a
    registry means that registry; a folder with no registry above it means those below it.
    """
    wanted = paths or [start]
    roots: list[Path] = []
    for given in wanted:
        path = (start / given).resolve()
        if not path.exists():
            raise NoRegistry(f"{given} does not exist; pass a registry folder or a file in one")
        above = root_above(path)
        if above is not None:
            candidates = [above]
        elif path.is_dir():
            candidates = roots_below(path)
        else:
            candidates = []
        if not candidates:
            if path.is_dir():
                problem = f"no {REGISTRY_DIR}/ folder in {given}, above it or below it"
            else:
                problem = f"{given} is in no registry (no {REGISTRY_DIR}/ folder above it)"
            raise NoRegistry(f"{problem}; run inside a registry, or pass its folder or --root")
        roots.extend(c for c in candidates if c not in roots)
    return roots


class RootNotFound(Exception):
    """No registry root: `--root`/`SSMD_ROOT` lacks `exchanges/`, or none is above."""


def find_root(explicit: str | os.PathLike[str] | None = None, start: Path | None = None) -> Path:
    """`--root`, else `SSMD_ROOT`, else the nearest folder upwards holding `exchanges/`."""
    chosen = explicit or os.environ.get("SSMD_ROOT")
    if chosen:
        root = Path(chosen).expanduser().resolve()
        if not (root / REGISTRY_DIR).is_dir():
            raise RootNotFound(
                f"{root} has no {REGISTRY_DIR}/ folder; point --root at the folder that holds it"
            )
        return root
    here = (start or Path.cwd()).resolve()
    found = root_above(here)
    if found is not None:
        return found
    raise RootNotFound(
        f"no {REGISTRY_DIR}/ folder in {here} or above it; run inside a registry, "
        "or pass --root or set SSMD_ROOT"
    )


def discover(root: Path) -> list[str]:
    """Root-relative paths of every registry file under `root`, sorted.

    `os.scandir` rather than pathlib: a cold start lists thousands of files.
    """
    found: list[str] = []
    for folder in ("feeds", "schemas", "environments"):
        prefix = f"{REGISTRY_DIR}/{folder}"
        found.extend(_listed(os.path.join(root, prefix), prefix, recurse=folder == "schemas"))
    return sorted(found)


def _listed(directory: str, prefix: str, recurse: bool) -> list[str]:
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return []
    found: list[str] = []
    for entry in entries:
        path = f"{prefix}/{entry.name}"
        if recurse and entry.is_dir(follow_symlinks=False):
            found.extend(p for p in _listed(entry.path, path, recurse) if p.endswith(".capnp"))
        elif _is_file(entry) and kind_of(path) is not None:
            found.append(path)
    return found


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:  # a looping link: not a file anyone can read
        return False
