"""What changed in the registry since a commit, said in the registry's own terms.

`ssmd diff` prints these lines before the textual git diff: a reviewer reads
"feed kalshi: version v3 added, effective 2025-07-01" instead of working it
out from `+` lines. Both sides are loaded with the same loader as everything
else (`load_document`), HEAD's side from `git show`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from ssmd.document import REGISTRY_DIR, Kind, Model, kind_of, load_document
from ssmd.git import has_commits, prefix, run_git, show_file, tracked_files, untracked_files
from ssmd.locate import discover
from ssmd.models import Environment, Feed, FeedVersion, Schema, SchemaVersion

HASH_SHOWN = 19
"""`sha256:` and the first 12 hex digits: enough to tell hashes apart in a summary."""


def registry_changes(root: Path, revision: str = "HEAD") -> list[str]:
    """One line per change between `revision` and the work tree, in path order."""
    base = set(tracked_files(root, revision, REGISTRY_DIR)) if has_commits(root) else set()
    top_prefix = prefix(root)
    lines: list[str] = []
    for path in sorted(base | set(discover(root))):
        kind = kind_of(path)
        if kind is None:
            continue
        old = show_file(root, revision, top_prefix + path) if path in base else None
        file = root / path
        new = file.read_bytes() if file.is_file() else None
        if old != new:
            lines.extend(describe(path, kind, old, new))
    return lines


def describe(path: str, kind: Kind, old: bytes | None, new: bytes | None) -> list[str]:
    """The change of one file, in words."""
    if kind is Kind.CAPNP:
        name = PurePosixPath(path).name
        what = "added" if old is None else "removed" if new is None else "changed"
        return [f"schema file {name}: {what}"]
    before = _model(path, old)
    after = _model(path, new)
    if (old is not None and before is None) or (new is not None and after is None):
        return [f"{path}: changed (one side does not load, so only the text diff below shows it)"]
    model = after or before
    assert model is not None
    label = f"{kind} {model.name}"
    if before is None:
        return [f"{label}: added{_versions_brief(after)}"]
    if after is None:
        return [f"{label}: removed"]
    changes = [*_field_changes(_plain(before), _plain(after)), *_version_changes(before, after)]
    return [f"{label}: {change}" for change in changes] or [f"{label}: formatting only"]


def _model(path: str, content: bytes | None) -> Model | None:
    if content is None:
        return None
    document = load_document(path, content.decode("utf-8", "replace"))
    return document.model if not document.problems else None


def _plain(model: Model) -> dict[str, Any]:
    """Top-level fields (versions apart) flattened to dotted keys."""
    data = model.model_dump(mode="json", by_alias=True, exclude={"versions"})
    return dict(_flatten(data))


def _flatten(data: dict[str, Any], stem: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in data.items():
        if isinstance(value, dict) and value:
            yield from _flatten(value, f"{stem}{key}.")
        else:
            yield f"{stem}{key}", value


def _field_changes(before: dict[str, Any], after: dict[str, Any]) -> Iterator[str]:
    for key in [*before, *(k for k in after if k not in before)]:
        old, new = before.get(key), after.get(key)
        if old != new:
            yield f"{key} {_shown(old)} -> {_shown(new)}"


def _version_changes(before: Model, after: Model) -> Iterator[str]:
    if not isinstance(before, Feed | Schema) or not isinstance(after, Feed | Schema):
        return
    old = {v.version: v for v in before.versions}
    new = {v.version: v for v in after.versions}
    for version_id, version in new.items():
        if version_id not in old:
            effective = version.effective_from
            yield f"version {version_id} added{_status(version)}, effective {effective}"
    for version_id in old:
        if version_id not in new:
            yield f"version {version_id} removed"
    for version_id, version in new.items():
        if version_id in old:
            was = old[version_id].model_dump(mode="json")
            now = version.model_dump(mode="json")
            fields = list(_field_changes(was, now))
            if fields:
                yield f"version {version_id} changed: {', '.join(fields)}"


def _status(version: FeedVersion | SchemaVersion) -> str:
    return f" ({version.status.value})" if isinstance(version, SchemaVersion) else ""


def _versions_brief(model: Model | None) -> str:
    if isinstance(model, Environment):
        return f" (feed {model.feed}, schema {model.schema_ref})"
    if isinstance(model, Feed | Schema):
        listed = ", ".join(f"{v.version} from {v.effective_from}" for v in model.versions)
        return f" ({listed})"
    return ""


def _shown(value: Any) -> str:
    if value is None or value == {} or value == []:
        return "(none)"
    if isinstance(value, str) and value.startswith("sha256:"):
        return value[:HASH_SHOWN] + "..."
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def registry_patch(root: Path, color: bool = False) -> str:
    """`git diff HEAD` of exchanges/, plus new files git does not track yet."""
    color_flag = "--color=always" if color else "--color=never"
    if has_commits(root):
        patch = run_git(root, "diff", color_flag, "HEAD", "--", REGISTRY_DIR)
    else:
        patch = run_git(root, "diff", color_flag, "--cached", "--", REGISTRY_DIR)
    parts = [patch.decode("utf-8", "replace")]
    # git names tracked files from the repository's top; new files the same way, so a patch
    # from a registry in a subfolder applies with `git apply` at the top
    top_prefix = prefix(root)
    named = (f"--src-prefix=a/{top_prefix}", f"--dst-prefix=b/{top_prefix}")
    for path in untracked_files(root, REGISTRY_DIR):
        if kind_of(path) is None:
            continue
        added = run_git(
            root,
            "diff",
            color_flag,
            *named,
            "--no-index",
            "--",
            "/dev/null",
            path,
            ok_exit_codes=(0, 1),
        )
        parts.append(added.decode("utf-8", "replace"))
    return "".join(parts)
