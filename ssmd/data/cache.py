"""A local copy of manifests already read, valid only while the store's ETag is unchanged.

A year's inventory reads hundreds of manifests, and most of them (finished
days) never change again. The S3 listing gives every manifest's ETag; a
manifest whose cached copy carries the same ETag is not fetched again. The
ETag comes from the store at every run, so a rewritten manifest is always
re-read: the cache can make a report faster, never staler.
Kept under `SSMD_CACHE_DIR` (`off` disables it) like the compile cache.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

from ssmd.capnp.compiler import default_cache_dir


class ManifestCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.hits = 0
        self._lock = threading.Lock()

    @classmethod
    def default(cls) -> ManifestCache | None:
        base = default_cache_dir()
        return None if base is None else cls(base / "manifests")

    def _file(self, location: str) -> Path:
        return self.folder / hashlib.sha256(location.encode()).hexdigest()

    def get(self, location: str, tag: str) -> bytes | None:
        """The cached bytes of `location` if they were stored under the same `tag`."""
        try:
            stored = self._file(location).read_bytes()
        except OSError:
            return None
        header, _, content = stored.partition(b"\n")
        if header.decode("utf-8", "replace") != tag:
            return None
        with self._lock:
            self.hits += 1
        return content

    def put(self, location: str, tag: str, content: bytes) -> None:
        target = self._file(location)
        temporary = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(tag.encode() + b"\n" + content)
            temporary.replace(target)
        except OSError:
            pass  # a cache that cannot be written is only slower
