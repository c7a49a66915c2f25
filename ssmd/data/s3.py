"""The S3 backend: boto3 with the standard AWS configuration chain, plus `endpoint_url`.

boto3 (about 0.3 s to load) is imported only here and by the obstore backend
(`ssmd.data.s3_obstore`, which takes its credentials, region and endpoint from
the chain this module's client resolves), and only `ssmd.data.stores.open_storage`
imports either, so every other command starts without it.
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
from ssmd.data.s3_layout import DENIED, MISSING_OBJECT, NO_CREDENTIALS, S3Layout, Window
from ssmd.data.storage import ListingDenied, StorageError
from ssmd.models import Storage

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


def make_client(
    storage: Storage, max_connections: int, session: boto3.session.Session | None = None
) -> S3Client:
    """A boto3 S3 client from the standard AWS chain, storage.region and storage.endpoint_url."""
    config = Config(
        retries={"mode": "standard"},
        max_pool_connections=max_connections,
        connect_timeout=5,
        read_timeout=30,
    )
    return (session or boto3.session.Session()).client(
        "s3", region_name=storage.region, endpoint_url=storage.endpoint_url, config=config
    )


class S3Storage(S3Layout):
    """The raw and normalized buckets read through boto3 (the default S3 client)."""

    def __init__(
        self,
        storage: Storage,
        origin: str,
        max_connections: int = DEFAULT_WORKERS,
        cache: ManifestCache | None = None,
        clients: ClientCache | None = None,
    ) -> None:
        super().__init__(storage, origin, cache)
        self._owns_client = clients is None

        def make() -> S3Client:
            return make_client(storage, max_connections)

        try:
            self.client: S3Client = self._shared(clients, "boto3", make)
        except (BotoCoreError, ValueError) as error:
            raise self.set_up_failed(error) from None

    def _pages(self, data_type: DataType, window: Window) -> Iterator[dict[dt.date, str]]:
        """Day -> ETag of the manifests in `window`, a page at a time."""
        token: str | None = None
        while True:
            with self._translated(data_type, listing=True):
                self._count()
                if token is None:
                    page = self.client.list_objects_v2(
                        Bucket=window.bucket,
                        Prefix=window.prefix,
                        StartAfter=window.start_after,
                        MaxKeys=self.page_size,
                    )
                else:
                    page = self.client.list_objects_v2(
                        Bucket=window.bucket,
                        Prefix=window.prefix,
                        ContinuationToken=token,
                        MaxKeys=self.page_size,
                    )
            entries = ((entry["Key"], entry.get("ETag", "")) for entry in page.get("Contents", []))
            found, ended = window.days(entries)
            yield found
            token = page.get("NextContinuationToken")
            if ended or not page.get("IsTruncated") or token is None:
                return

    def _get(self, data_type: DataType, bucket: str, key: str) -> tuple[bytes, str] | None:
        with self._translated(data_type):
            self._count()
            try:
                response = self.client.get_object(Bucket=bucket, Key=key)
                content = response["Body"].read()
            except ClientError as error:
                if str(error.response.get("Error", {}).get("Code", "")) in MISSING_OBJECT:
                    return None
                raise
        return content, response.get("ETag", "")

    @contextmanager
    def _translated(self, data_type: DataType, listing: bool = False) -> Iterator[None]:
        """botocore's exceptions -> one StorageError sentence (ListingDenied for a denied list)."""
        try:
            yield
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", ""))
            if listing and code in DENIED:
                raise ListingDenied from None
            message = error.response.get("Error", {}).get("Message", "")
            raise self.refusal(data_type, code, message, self._endpoint()) from None
        except (NoCredentialsError, PartialCredentialsError):
            raise StorageError(NO_CREDENTIALS) from None
        except EndpointConnectionError:
            raise self.unreachable(self._endpoint()) from None
        except BotoCoreError as error:
            raise self.failed(data_type, error) from None

    def _endpoint(self) -> str:
        return self.endpoint_url or self.client.meta.endpoint_url

    def close(self) -> None:
        if self._owns_client:
            self.client.close()
