"""What both S3 backends share: where manifests are, listing windows, and the error sentences.

`S3Storage` (boto3, `ssmd.data.s3`) and `ObstoreStorage` (obstore,
`ssmd.data.s3_obstore`) differ only in how a request goes out; the bucket
and key layout, the per-year listing segments, the StartAfter/stop window
and every `StorageError` sentence live here once, so both backends give
the same reports and the same messages. No client library is imported here.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from ssmd.data.cache import ManifestCache
from ssmd.data.clients import ClientCache
from ssmd.data.manifest import DataType
from ssmd.data.storage import MANIFEST_NAME, Segment, StorageError, day_path
from ssmd.models import S3_DEFAULT_NORMALIZED_BUCKET, S3_DEFAULT_RAW_BUCKET, Storage

MISSING_OBJECT = {"NoSuchKey", "404", "NotFound"}
DENIED = {
    "AccessDenied",
    "403",
    "Forbidden",
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "InvalidToken",
}

T = TypeVar("T")

LISTING_MIN_DAYS = 3
"""Below this many days a listing costs as many requests as it saves."""

NO_CREDENTIALS = (
    "no usable AWS credentials were found; set AWS_ACCESS_KEY_ID and "
    "AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or run where an instance role applies"
)


@dataclass(frozen=True, slots=True)
class Window:
    """One listing request's bounds: keys under `prefix` after `start_after`, up to `stop_at`."""

    bucket: str
    base: str
    prefix: str
    start_after: str
    stop_at: str

    def days(self, entries: Iterable[tuple[str, str]]) -> tuple[dict[dt.date, str], bool]:
        """Day -> ETag of a page's (key, ETag) entries, and whether the window's end was passed."""
        found: dict[dt.date, str] = {}
        for key, tag in entries:
            if key > self.stop_at:
                return found, True
            day = _day_of(key, self.base)
            if day is not None:
                found[day] = tag
        return found, False


class S3Layout:
    """`s3://<bucket>/[<prefix>/]<feed>/YYYY/MM/DD/manifest.json`, raw and normalized buckets.

    A backend subclass supplies `_pages` (a listing, page by page), `_get` (one GET) and
    `close`; the ETag-checked cache sits in `read`, here.
    """

    def __init__(self, storage: Storage, origin: str, cache: ManifestCache | None) -> None:
        self.origin = origin
        self.cache = cache
        self.buckets = {
            DataType.RAW: storage.raw_bucket or S3_DEFAULT_RAW_BUCKET,
            DataType.NORMALIZED: storage.normalized_bucket or S3_DEFAULT_NORMALIZED_BUCKET,
        }
        self.prefix = (storage.prefix or "").strip("/")
        self.endpoint_url = storage.endpoint_url
        self.region = storage.region
        self.requests = 0
        """GETs and listing pages requested (retries not counted), for tests and benchmarks."""
        self._count_lock = threading.Lock()
        self.page_size = 1000
        """Keys per listing page (S3's maximum; tests lower it to exercise paging)."""

    @property
    def description(self) -> str:
        raw, normalized = self.buckets[DataType.RAW], self.buckets[DataType.NORMALIZED]
        text = f"s3://{raw}, s3://{normalized}"
        if self.prefix:
            text += f" (prefix {self.prefix})"
        if self.endpoint_url:
            text += f" at {self.endpoint_url}"
        return text

    def key(self, feed: str, day: dt.date) -> str:
        relative = day_path(feed, day)
        return f"{self.prefix}/{relative}" if self.prefix else relative

    def location(self, data_type: DataType, feed: str, day: dt.date) -> str:
        return f"s3://{self.buckets[data_type]}/{self.key(feed, day)}"

    def listing(
        self, data_type: DataType, feed: str, first: dt.date, last: dt.date
    ) -> list[Segment] | None:
        if (last - first).days + 1 < LISTING_MIN_DAYS:
            return None  # a listing would cost as many requests as it saves
        segments = []
        for year in range(first.year, last.year + 1):
            start, end = max(first, dt.date(year, 1, 1)), min(last, dt.date(year, 12, 31))
            window = self._window(data_type, feed, start, end)
            segments.append(Segment(start, end, self._pages(data_type, window)))
        return segments

    def _window(self, data_type: DataType, feed: str, first: dt.date, last: dt.date) -> Window:
        """Keys sort by date: start just before the first day, stop after the last one."""
        base = f"{self.prefix}/{feed}/" if self.prefix else f"{feed}/"
        return Window(
            bucket=self.buckets[data_type],
            base=base,
            prefix=f"{base}{first:%Y}/",
            start_after=f"{base}{first:%Y/%m/%d}",
            stop_at=f"{base}{last:%Y/%m/%d}/\U0010ffff",
        )

    def _pages(self, data_type: DataType, window: Window) -> Iterator[dict[dt.date, str]]:
        raise NotImplementedError

    def read(
        self, data_type: DataType, feed: str, day: dt.date, tag: str | None = None
    ) -> bytes | None:
        bucket = self.buckets[data_type]
        key = self.key(feed, day)
        if self.cache is not None and tag:
            cached = self.cache.get(f"s3://{bucket}/{key}", tag)
            if cached is not None:
                return cached
        got = self._get(data_type, bucket, key)
        if got is None:
            return None
        content, etag = got
        if self.cache is not None and etag:
            self.cache.put(f"s3://{bucket}/{key}", etag, content)
        return content

    def _get(self, data_type: DataType, bucket: str, key: str) -> tuple[bytes, str] | None:
        """One GET: the object's bytes and ETag, or None when there is no such key."""
        raise NotImplementedError

    def _shared(self, clients: ClientCache | None, library: str, make: Callable[[], T]) -> T:
        """A new client, or the one `clients` holds for this library, region and endpoint."""
        if clients is None:
            return make()
        shared: T = clients.get((library, self.region, self.endpoint_url), make)
        return shared

    def close(self) -> None:
        """Release what this store alone holds (a shared client stays with its cache)."""

    def _count(self) -> None:
        with self._count_lock:
            self.requests += 1

    # -- the error sentences, whichever client met the fault --------------------------

    def refusal(self, data_type: DataType, code: str, message: str, endpoint: str) -> StorageError:
        """S3 answered with an error `code` (NoSuchBucket, AccessDenied, ...) for this bucket."""
        bucket = self.buckets[data_type]
        setting = f"storage.{data_type.value}_bucket"
        if code == "NoSuchBucket":
            return StorageError(
                f"the bucket {bucket} does not exist at {endpoint}; create it or fix "
                f"{setting} in {self.origin}"
            )
        if code in DENIED:
            return StorageError(
                f"access to the bucket {bucket} was denied ({code}); check the AWS credentials "
                "in use and that they allow s3:GetObject and s3:ListBucket on it"
            )
        return StorageError(
            f"S3 refused reading from the bucket {bucket}: {code} {message}".rstrip()
            + f"; check {setting} in {self.origin}"
        )

    def unreachable(self, endpoint: str) -> StorageError:
        return StorageError(
            f"cannot reach the S3 endpoint {endpoint} (tried with retries); "
            f"check the network, or storage.endpoint_url and storage.region in {self.origin}"
        )

    def failed(self, data_type: DataType, error: object) -> StorageError:
        return StorageError(
            f"reading from the bucket {self.buckets[data_type]} failed after retries: "
            f"{error}; check the network and storage settings in {self.origin}"
        )

    def set_up_failed(self, error: object) -> StorageError:
        return StorageError(
            f"cannot set up the S3 client for {self.origin}: {error}; check storage.region "
            "and storage.endpoint_url"
        )


def _day_of(key: str, base: str) -> dt.date | None:
    """The day of `<base>YYYY/MM/DD/manifest.json`; None for any other key."""
    rest = key[len(base) :]
    if rest[4:5] + rest[7:8] != "//" or rest[10:] != "/" + MANIFEST_NAME:
        return None
    try:
        return dt.date(int(rest[0:4]), int(rest[5:7]), int(rest[8:10]))
    except ValueError:
        return None
