"""The S3 backend through obstore (Rust's object_store): the same reads, a fifth of the CPU.

Opt-in (`--s3-client obstore` or `SSMD_S3_CLIENT=obstore`, the `[s3-obstore]`
extra). Every setting still comes from the standard AWS configuration chain,
resolved by boto3 as for the default backend: a boto3 client is built once
per endpoint (never used for requests) and its region, endpoint URL
(storage.endpoint_url, `AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL`, a profile's
`endpoint_url`), addressing style and retry attempts (`AWS_MAX_ATTEMPTS`,
`max_attempts` in the profile) are handed to obstore. Credentials come from
that boto3 session (environment, profiles, `~/.aws` files, SSO,
`credential_process`, instance and container roles) through obstore's
`Boto3CredentialProvider`, which asks botocore again as they near expiry.

obstore raises one exception type for several S3 faults (a missing bucket and
a missing key are both `FileNotFoundError`); the S3 error code is read from
the response text it carries, and the sentences are the shared ones of
`ssmd.data.s3_layout`.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import boto3.session
import obstore
from botocore.exceptions import BotoCoreError
from obstore.auth.boto3 import Boto3CredentialProvider
from obstore.exceptions import (
    BaseError,
    PermissionDeniedError,
    UnauthenticatedError,
)
from obstore.store import S3Store

from ssmd.data.cache import ManifestCache
from ssmd.data.clients import ClientCache
from ssmd.data.fetch import DEFAULT_WORKERS
from ssmd.data.manifest import DataType
from ssmd.data.s3 import make_client
from ssmd.data.s3_layout import DENIED, MISSING_OBJECT, NO_CREDENTIALS, S3Layout, Window
from ssmd.data.storage import ListingDenied, StorageError
from ssmd.models import Storage

if TYPE_CHECKING:
    from obstore.store import ClientConfig, RetryConfig

STANDARD_MAX_ATTEMPTS = 3
"""botocore's standard retry mode: three attempts unless AWS_MAX_ATTEMPTS or the profile say."""

CODE = re.compile(r"<Code>([^<]+)</Code>")
STATUS = re.compile(r"status code: (\d{3})")
UNREACHABLE = ("error sending request", "Connect", "dns error", "connection refused")
AWS_HOSTS = (".amazonaws.com", ".amazonaws.com.cn")


class ObstoreClient:
    """What one endpoint's stores share: the resolved settings and the credential provider.

    Held in a `ClientCache` under ("obstore", region, endpoint), like a boto3 client.
    """

    def __init__(self, storage: Storage, max_connections: int) -> None:
        session = boto3.session.Session()
        resolver = make_client(storage, max_connections, session)  # the AWS chain, resolved once
        self.region = resolver.meta.region_name or "us-east-1"
        endpoint = storage.endpoint_url or resolver.meta.endpoint_url
        host = urlsplit(endpoint).hostname or ""
        self.endpoint: str | None = None if host.endswith(AWS_HOSTS) else endpoint
        """A custom endpoint (path-style), or None for AWS's own (obstore builds the URL)."""
        config = resolver.meta.config  # the typing stubs omit the resolved s3 and retries
        s3_config: dict[str, object] = getattr(config, "s3", None) or {}
        self.addressing = str(s3_config.get("addressing_style") or "auto")
        retries: dict[str, object] = getattr(config, "retries", None) or {}
        attempts = retries.get("total_max_attempts") or retries.get("max_attempts")
        self.max_attempts = int(str(attempts)) if attempts else STANDARD_MAX_ATTEMPTS
        self.max_connections = max_connections
        resolver.close()
        try:
            self.credentials = Boto3CredentialProvider(session, ttl=dt.timedelta(minutes=5))
        except ValueError:  # botocore found no credentials anywhere in the chain
            raise StorageError(NO_CREDENTIALS) from None
        self._stores: dict[str, S3Store] = {}
        self._lock = threading.Lock()

    def store(self, bucket: str) -> S3Store:
        """One obstore store (and connection pool) per bucket, shared by the stores using it."""
        with self._lock:
            if bucket not in self._stores:
                self._stores[bucket] = self._make(bucket)
            return self._stores[bucket]

    def _make(self, bucket: str) -> S3Store:
        options: ClientConfig = {
            "connect_timeout": dt.timedelta(seconds=5),
            "read_timeout": dt.timedelta(seconds=30),
            "pool_max_idle_per_host": str(self.max_connections),
        }
        retry: RetryConfig = {
            "max_retries": max(self.max_attempts - 1, 0),
            "backoff": {
                "init_backoff": dt.timedelta(milliseconds=500),
                "max_backoff": dt.timedelta(seconds=20),
                "base": 2,
            },
            "retry_timeout": dt.timedelta(minutes=3),
        }
        # boto3 sends virtual-hosted requests to AWS (path-style for a bucket name with dots,
        # which breaks TLS host names) and path-style to custom endpoints; both honour
        # `addressing_style` in the profile's s3 section.
        if self.endpoint is None:
            virtual = self.addressing != "path" and "." not in bucket
            return S3Store(
                bucket,
                region=self.region,
                virtual_hosted_style_request=virtual,
                client_options=options,
                retry_config=retry,
                credential_provider=self.credentials,
            )
        endpoint = self.endpoint.rstrip("/")
        virtual = self.addressing == "virtual"
        if virtual:
            parts = urlsplit(endpoint)
            endpoint = f"{parts.scheme}://{bucket}.{parts.netloc}{parts.path}"
        options["allow_http"] = endpoint.startswith("http://")
        return S3Store(
            bucket,
            region=self.region,
            endpoint=endpoint,
            virtual_hosted_style_request=virtual,
            client_options=options,
            retry_config=retry,
            credential_provider=self.credentials,
        )

    def close(self) -> None:
        with self._lock:
            self._stores.clear()


class ObstoreStorage(S3Layout):
    """The raw and normalized buckets read through obstore, settings from the AWS chain."""

    def __init__(
        self,
        storage: Storage,
        origin: str,
        max_connections: int = DEFAULT_WORKERS,
        cache: ManifestCache | None = None,
        clients: ClientCache | None = None,
    ) -> None:
        super().__init__(storage, origin, cache)

        def make() -> ObstoreClient:
            return ObstoreClient(storage, max_connections)

        try:
            self.client: ObstoreClient = self._shared(clients, "obstore", make)
        except (BotoCoreError, BaseError, ValueError) as error:
            raise self.set_up_failed(error) from None

    def _pages(self, data_type: DataType, window: Window) -> Iterator[dict[dt.date, str]]:
        """Day -> ETag of the manifests in `window`, a chunk of `page_size` keys at a time.

        object_store pages with S3's own 1000 keys a request; each chunk is counted
        as one request, which is exact at the default page size.
        """
        store = self.client.store(window.bucket)
        with self._translated(data_type, listing=True):
            self._count()
            stream = obstore.list(
                store, window.prefix, offset=window.start_after, chunk_size=self.page_size
            )
        chunks = iter(stream)
        first = True
        while True:
            with self._translated(data_type, listing=True):
                chunk = next(chunks, None)
            if chunk is None:
                return
            if not first:
                self._count()  # a further page (the first was counted with the request)
            first = False
            found, ended = window.days((item["path"], item["e_tag"] or "") for item in chunk)
            yield found
            if ended:
                return

    def _get(self, data_type: DataType, bucket: str, key: str) -> tuple[bytes, str] | None:
        store = self.client.store(bucket)
        with self._translated(data_type):
            self._count()
            try:
                result = obstore.get(store, key)
                content = bytes(result.bytes())
            except FileNotFoundError as error:
                if _code(error) in MISSING_OBJECT or not _code(error):
                    return None
                raise
        return content, result.meta["e_tag"] or ""

    @contextmanager
    def _translated(self, data_type: DataType, listing: bool = False) -> Iterator[None]:
        """obstore's exceptions -> the same StorageError sentences as the boto3 backend."""
        try:
            yield
        except UnauthenticatedError:
            raise StorageError(NO_CREDENTIALS) from None
        except (FileNotFoundError, PermissionDeniedError, BaseError) as error:
            text = str(error)
            code = _code(error) or _status(text)
            if listing and code in DENIED:
                raise ListingDenied from None
            if code:
                raise self.refusal(data_type, code, _message(text), self._endpoint()) from None
            if any(sign in text for sign in UNREACHABLE):
                raise self.unreachable(self._endpoint()) from None
            raise self.failed(data_type, text.split("\n", 1)[0]) from None

    def _endpoint(self) -> str:
        aws = f"https://s3.{self.client.region}.amazonaws.com"
        return self.endpoint_url or self.client.endpoint or aws


def _code(error: BaseException) -> str:
    """S3's error code from the response body obstore quotes in its message ('' if none)."""
    found = CODE.search(str(error))
    return found.group(1) if found else ""


def _status(text: str) -> str:
    """The HTTP status of a 403 without a body, as S3's own codes would say it."""
    found = STATUS.search(text)
    return found.group(1) if found and found.group(1) in {"403", "404"} else ""


def _message(text: str) -> str:
    found = re.search(r"<Message>([^<]*)</Message>", text)
    return found.group(1) if found else ""
