"""Where manifests live: the backend protocol, the local-folder backend and the errors.

Both backends answer one question, "the manifest bytes of this feed, day and
data type, or None when there is none", so the inventory never knows which
store it reads. Faults that make the whole store unreadable (a missing
folder or bucket, access denied, an unreachable endpoint) raise
`StorageError` with a sentence for the user; a single unreadable manifest
is not a fault of the store and is reported on its own row instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ssmd.data.manifest import DataType

MANIFEST_NAME = "manifest.json"


class DataError(Exception):
    """A data command cannot run; the message is a sentence saying what to fix."""


class StorageError(DataError):
    """The store as a whole cannot be read (missing, denied, unreachable)."""


class ListingDenied(Exception):
    """Raised by a listing's pages when the store refuses to list (no s3:ListBucket)."""


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of days whose manifests one listing names, page by page (day -> ETag)."""

    first: dt.date
    last: dt.date
    pages: Iterator[dict[dt.date, str]]


class StorageBackend(Protocol):
    @property
    def description(self) -> str:
        """Where the data is, for report headers: a folder or the buckets."""
        ...

    def location(self, data_type: DataType, feed: str, day: dt.date) -> str:
        """The path or URL of one manifest, for messages."""
        ...

    def listing(
        self, data_type: DataType, feed: str, first: dt.date, last: dt.date
    ) -> list[Segment] | None:
        """Listings that name the range's manifests, or None to read each day instead."""
        ...

    def read(
        self, data_type: DataType, feed: str, day: dt.date, tag: str | None = None
    ) -> bytes | None:
        """The manifest's bytes, or None when there is none. Safe to call from threads.

        `tag` is the ETag a listing gave for it (a cached copy with that tag will do).
        """
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

    def listing(
        self, data_type: DataType, feed: str, first: dt.date, last: dt.date
    ) -> list[Segment] | None:
        return None  # a missing file costs one failed open: nothing to learn up front

    def read(
        self, data_type: DataType, feed: str, day: dt.date, tag: str | None = None
    ) -> bytes | None:
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
