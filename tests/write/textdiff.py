"""Assertions that a write changed exactly the entries it meant to, and no other byte."""

from __future__ import annotations

import difflib
from pathlib import Path


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under exchanges/, by root-relative path, with its exact bytes."""
    base = root / "exchanges"
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(base.rglob("*")) if p.is_file()
    }


def changed_files(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    return {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}


def _opcodes(old: str, new: str) -> list[tuple[str, int, int, int, int]]:
    matcher = difflib.SequenceMatcher(None, old.splitlines(), new.splitlines(), autojunk=False)
    return [op for op in matcher.get_opcodes() if op[0] != "equal"]


def inserted_lines(old: str, new: str) -> list[str]:
    """The one contiguous block of lines `new` adds to `old`; fails on any other difference.

    Line content is compared without line endings (a file without a final newline
    gains one on its old last line when a block is appended); endings are checked
    separately by the callers that care.
    """
    operations = _opcodes(old, new)
    assert len(operations) == 1, f"expected one inserted block, got {operations}"
    tag, _, _, start, end = operations[0]
    assert tag == "insert", f"expected a pure insertion, got {operations}"
    return new.splitlines()[start:end]


def replaced_lines(old: str, new: str) -> list[tuple[str, str]]:
    """(old line, new line) pairs of lines replaced one for one; fails on inserts or deletes."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    pairs = []
    for tag, a1, a2, b1, b2 in _opcodes(old, new):
        assert tag == "replace" and a2 - a1 == b2 - b1, f"not a one-for-one replacement: {tag}"
        pairs.extend(zip(old_lines[a1:a2], new_lines[b1:b2], strict=True))
    return pairs
