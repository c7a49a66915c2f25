"""A real git repository in a temp folder, with commits at chosen dates (no mocks)."""

from __future__ import annotations

import hashlib
import os
import subprocess
from collections.abc import Mapping
from pathlib import Path


def sha256(content: str | bytes) -> str:
    data = content.encode() if isinstance(content, str) else content
    return "sha256:" + hashlib.sha256(data).hexdigest()


class GitRepo:
    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "exchanges").mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, date: str = "2025-01-01T12:00:00+00:00") -> str:
        environment = {
            **os.environ,
            "GIT_AUTHOR_NAME": "Test",
            "GIT_AUTHOR_EMAIL": "test@example.com",
            "GIT_COMMITTER_NAME": "Test",
            "GIT_COMMITTER_EMAIL": "test@example.com",
            "GIT_AUTHOR_DATE": date,
            "GIT_COMMITTER_DATE": date,
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
        }
        completed = subprocess.run(
            ["git", "-C", str(self.root), *args],
            capture_output=True,
            text=True,
            env=environment,
            check=True,
        )
        return completed.stdout.strip()

    def write(self, files: Mapping[str, str | bytes]) -> None:
        for relative, content in files.items():
            target = self.root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content)

    def commit(
        self, message: str, files: Mapping[str, str | bytes] | None = None, date: str = "2025-01-01"
    ) -> str:
        """Write `files`, commit everything at noon UTC on `date`; returns the commit id."""
        if files:
            self.write(files)
        when = date if "T" in date else f"{date}T12:00:00+00:00"
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message, date=when)
        return self.git("rev-parse", "HEAD")
