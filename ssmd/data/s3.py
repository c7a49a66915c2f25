"""The S3 backend: boto3 with the standard AWS configuration chain, plus `endpoint_url`.

This module is the only importer of boto3 (about 0.3 s to load), and only
`ssmd.data.stores.open_storage` imports it, so every other command starts without it.
Retries use botocore's standard mode (throttling and transient errors are
retried with backoff); what is still failing after that becomes one
`StorageError` sentence, never a traceback.

A range is listed per bucket and calendar year (1000 keys a request, the
years in parallel): the pages say which manifests exist and their ETags, so
absent days cost no GET, and a manifest whose ETag matches the local cache
costs none either. Without permission to list (s3:ListBucket), every
manifest is simply fetched.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    PartialCredentialsError,
)

from ssmd.data.cache import ManifestCache
from ssmd.data.clients import ClientCache
from ssmd.data.fetch import DEFAULT_WORKERS
from ssmd.data.manifest import DataType
from ssmd.data.storage import MANIFEST_NAME, ListingDenied, Segment, StorageError, day_path
from ssmd.models import S3_DEFAULT_NORMALIZED_BUCKET, S3_DEFAULT_RAW_BUCKET, Storage

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

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


LISTING_MIN_DAYS = 3


class S3Storage:
    """`s3://<bucket>/[<prefix>/]<feed>/YYYY/MM/DD/manifest.json`, raw and normalized buckets."""

    def __init__(
        self,
        storage: Storage,
        origin: str,
        max_connections: int = DEFAULT_WORKERS,
        cache: ManifestCache | None = None,
        clients: ClientCache | None = None,
    ) -> None:
        self.origin = origin
        self.cache = cache
        self.buckets = {
            DataType.RAW: storage.raw_bucket or S3_DEFAULT_RAW_BUCKET,
            DataType.NORMALIZED: storage.normalized_bucket or S3_DEFAULT_NORMALIZED_BUCKET,
        }
        self.prefix = (storage.prefix or "").strip("/")
        self.endpoint_url = storage.endpoint_url
        self.requests = 0
        """GET and LIST requests sent (retries not counted), for tests and benchmarks."""
        self._count_lock = threading.Lock()
        self.page_size = 1000
        """Keys per listing request (S3's maximum; tests lower it to exercise paging)."""
        config = Config(
            retries={"mode": "standard"},
            max_pool_connections=max_connections,
            connect_timeout=5,
            read_timeout=30,
        )
        self._owns_client = clients is None

        def make() -> S3Client:
            return boto3.session.Session().client(
                "s3", region_name=storage.region, endpoint_url=storage.endpoint_url, config=config
            )

        try:
            self.client: S3Client = (
                make()
                if clients is None
                else clients.get((storage.region, self.endpoint_url), make)
            )
        except (BotoCoreError, ValueError) as error:
            raise StorageError(
                f"cannot set up the S3 client for {origin}: {error}; check storage.region "
                "and storage.endpoint_url"
            ) from None

    @property
    def description(self) -> str:
        raw, normalized = self.buckets[DataType.RAW], self.buckets[DataType.NORMALIZED]
        text = f"s3://{raw}, s3://{normalized}"
        if self.prefix:
            text += f" (prefix {self.prefix})"
        if self.endpoint_url:
            text += f" at {self.endpoint_url}"
        return text

    def _feed_prefix(self, feed: str) -> str:
        return f"{self.prefix}/{feed}/" if self.prefix else f"{feed}/"

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
            segments.append(Segment(start, end, self._pages(data_type, feed, start, end)))
        return segments

    def _pages(
        self, data_type: DataType, feed: str, first: dt.date, last: dt.date
    ) -> Iterator[dict[dt.date, str]]:
        """Day -> ETag of the manifests of `feed` from `first` to `last`, a page at a time."""
        bucket = self.buckets[data_type]
        base = self._feed_prefix(feed)
        # Keys sort by date: start just before the first day, stop after the last one.
        prefix = f"{base}{first:%Y}/"
        start_after, stop_at = f"{base}{first:%Y/%m/%d}", f"{base}{last:%Y/%m/%d}/\U0010ffff"
        token: str | None = None
        while True:
            with self._translated(data_type, listing=True):
                self._count()
                if token is None:
                    page = self.client.list_objects_v2(
                        Bucket=bucket, Prefix=prefix, StartAfter=start_after, MaxKeys=self.page_size
                    )
                else:
                    page = self.client.list_objects_v2(
                        Bucket=bucket,
                        Prefix=prefix,
                        ContinuationToken=token,
                        MaxKeys=self.page_size,
                    )
            found: dict[dt.date, str] = {}
            ended = False
            for entry in page.get("Contents", []):
                key = entry["Key"]
                if key > stop_at:
                    ended = True
                    break
                day = _day_of(key, base)
                if day is not None:
                    found[day] = entry.get("ETag", "")
            yield found
            token = page.get("NextContinuationToken")
            if ended or not page.get("IsTruncated") or token is None:
                return

    def read(
        self, data_type: DataType, feed: str, day: dt.date, tag: str | None = None
    ) -> bytes | None:
        bucket = self.buckets[data_type]
        key = self.key(feed, day)
        if self.cache is not None and tag:
            cached = self.cache.get(f"s3://{bucket}/{key}", tag)
            if cached is not None:
                return cached
        with self._translated(data_type):
            self._count()
            try:
                response = self.client.get_object(Bucket=bucket, Key=key)
                content = response["Body"].read()
            except ClientError as error:
                if str(error.response.get("Error", {}).get("Code", "")) in MISSING_OBJECT:
                    return None
                raise
        if self.cache is not None and response.get("ETag"):
            self.cache.put(f"s3://{bucket}/{key}", response["ETag"], content)
        return content

    @contextmanager
    def _translated(self, data_type: DataType, listing: bool = False) -> Iterator[None]:
        """botocore's exceptions -> one StorageError sentence (ListingDenied for a denied list)."""
        try:
            yield
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", ""))
            if listing and code in DENIED:
                raise ListingDenied from None
            raise self._refusal(data_type, code, error) from None
        except (NoCredentialsError, PartialCredentialsError):
            raise StorageError(
                "no usable AWS credentials were found; set AWS_ACCESS_KEY_ID and "
                "AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or run where an instance role applies"
            ) from None
        except EndpointConnectionError:
            raise StorageError(
                f"cannot reach the S3 endpoint {self._endpoint()} (tried with retries); "
                f"check the network, or storage.endpoint_url and storage.region in {self.origin}"
            ) from None
        except BotoCoreError as error:
            raise StorageError(
                f"reading from the bucket {self.buckets[data_type]} failed after retries: "
                f"{error}; check the network and storage settings in {self.origin}"
            ) from None

    def _refusal(self, data_type: DataType, code: str, error: ClientError) -> StorageError:
        bucket = self.buckets[data_type]
        setting = f"storage.{data_type.value}_bucket"
        if code == "NoSuchBucket":
            return StorageError(
                f"the bucket {bucket} does not exist at {self._endpoint()}; create it or fix "
                f"{setting} in {self.origin}"
            )
        if code in DENIED:
            return StorageError(
                f"access to the bucket {bucket} was denied ({code}); check the AWS credentials "
                "in use and that they allow s3:GetObject and s3:ListBucket on it"
            )
        message = error.response.get("Error", {}).get("Message", "")
        return StorageError(
            f"S3 refused reading from the bucket {bucket}: {code} {message}".rstrip()
            + f"; check {setting} in {self.origin}"
        )

    def _count(self) -> None:
        with self._count_lock:
            self.requests += 1

    def _endpoint(self) -> str:
        return self.endpoint_url or self.client.meta.endpoint_url

    def close(self) -> None:
        if self._owns_client:
            self.client.close()


def _day_of(key: str, base: str) -> dt.date | None:
    """The day of `<base>YYYY/MM/DD/manifest.json`; None for any other key."""
    rest = key[len(base) :]
    if rest[4:5] + rest[7:8] != "//" or rest[10:] != "/" + MANIFEST_NAME:
        return None
    try:
        return dt.date(int(rest[0:4]), int(rest[5:7]), int(rest[8:10]))
    except ValueError:
        return None
