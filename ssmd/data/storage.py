"""Where manifests live: a backend per `storage.type`, chosen by the environment.

Both backends answer one question, "the manifest bytes of this feed, day and
data type, or None when there is none", so the inventory never knows which
store it reads. Faults that make the whole store unreadable (a missing
folder or bucket, access denied, an unreachable endpoint) raise
`StorageError` with a sentence for the user; a single unreadable manifest
is not a fault of the store and is reported on its own row instead.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Protocol

from ssmd.data.manifest import DataType
from ssmd.models import Environment, StorageType

MANIFEST_NAME = "manifest.json"


class DataError(Exception):
    """A data command cannot run; the message is a sentence saying what to fix."""


class StorageError(DataError):
    """The store as a whole cannot be read (missing, denied, unreachable)."""


class StorageBackend(Protocol):
    @property
    def description(self) -> str:
        """Where the data is, for report headers: a folder or the buckets."""
        ...

    def location(self, data_type: DataType, feed: str, day: dt.date) -> str:
        """The path or URL of one manifest, for messages."""
        ...

    def plan(self, feed: str, first: dt.date, last: dt.date) -> None:
        """Learn cheaply, before the reads, which manifests of the range exist (or do nothing)."""
        ...

    def read(self, data_type: DataType, feed: str, day: dt.date) -> bytes | None:
        """The manifest's bytes, or None when there is none. Safe to call from threads."""
        ...

    def close(self) -> None: ...


def day_path(feed: str, day: dt.date) -> str:
    """`<feed>/YYYY/MM/DD/manifest.json`: the part of a manifest's place both stores share."""
    return f"{feed}/{day:%Y/%m/%d}/{MANIFEST_NAME}"


class LocalStorage:
    """`<path>/raw/<feed>/YYYY/MM/DD/manifest.json` and `<path>/normalized/...` on a disk."""

    def __init__(self, path: Path, origin: str) -> None:
        if not path.exists():
            raise StorageError(
                f"the storage folder {path} does not exist; create it or fix storage.path "
                f"in {origin}"
            )
        if not path.is_dir():
            raise StorageError(
                f"the storage path {path} is not a folder; fix storage.path in {origin}"
            )
        self.path = path

    @property
    def description(self) -> str:
        return f"local folder {self.path}"

    def location(self, data_type: DataType, feed: str, day: dt.date) -> str:
        return str(self.path / data_type.value / day_path(feed, day))

    def plan(self, feed: str, first: dt.date, last: dt.date) -> None:
        pass  # a missing file costs one failed open: nothing to learn up front

    def read(self, data_type: DataType, feed: str, day: dt.date) -> bytes | None:
        file = self.path / data_type.value / day_path(feed, day)
        try:
            return file.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None
        except PermissionError:
            raise StorageError(
                f"permission denied reading {file}; give this user read access to the "
                f"storage folder {self.path}"
            ) from None
        except OSError as error:
            raise StorageError(f"cannot read {file}: {error.strerror or error}") from None

    def close(self) -> None:
        pass


def open_storage(
    environment: Environment, root: Path, origin: str, max_connections: int = 16
) -> StorageBackend:
    """The backend for an environment's `storage` block; `origin` is its file, for messages.

    There is no default store (SPEC section 4, no hidden defaults): an
    environment without `storage` is refused.
    """
    storage = environment.storage
    if storage is None:
        raise DataError(
            f"environment {environment.name} has no storage block, so there is no data to "
            f"inventory; add `storage:` (type local with a path, or type s3) to {origin}"
        )
    if storage.type is StorageType.LOCAL:
        if not storage.path:
            raise DataError(f"local storage needs a path; add storage.path to {origin}")
        path = Path(storage.path).expanduser()
        return LocalStorage(path if path.is_absolute() else root / path, origin)
    from ssmd.data.cache import ManifestCache

    try:
        from ssmd.data.s3 import S3Storage  # boto3 is loaded only when an S3 store is opened
    except ModuleNotFoundError as missing:  # boto3 is the optional `[s3]` extra
        if (missing.name or "").split(".")[0] not in {"boto3", "botocore"}:
            raise
        raise DataError(
            f"environment {environment.name} stores its data in S3, which needs boto3; "
            "install it with `pip install 'ssmd-metadata[s3]'`"
        ) from None

    return S3Storage(storage, origin, max_connections, ManifestCache.default())
