"""The S3 backend: boto3 with the standard AWS configuration chain, plus `endpoint_url`.

This module is the only importer of boto3 (about 0.3 s to load), and only
`open_storage` imports it, so every other command starts without it.
Retries use botocore's standard mode (throttling and transient errors are
retried with backoff); what is still failing after that becomes one
`StorageError` sentence, never a traceback.
"""

from __future__ import annotations

import datetime as dt
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

from ssmd.data.manifest import DataType
from ssmd.data.storage import StorageError, day_path
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


class S3Storage:
    """`s3://<bucket>/[<prefix>/]<feed>/YYYY/MM/DD/manifest.json`, raw and normalized buckets."""

    def __init__(self, storage: Storage, origin: str, max_connections: int = 16) -> None:
        self.origin = origin
        self.buckets = {
            DataType.RAW: storage.raw_bucket or S3_DEFAULT_RAW_BUCKET,
            DataType.NORMALIZED: storage.normalized_bucket or S3_DEFAULT_NORMALIZED_BUCKET,
        }
        self.prefix = (storage.prefix or "").strip("/")
        self.endpoint_url = storage.endpoint_url
        config = Config(
            retries={"mode": "standard"},
            max_pool_connections=max_connections,
            connect_timeout=5,
            read_timeout=30,
        )
        try:
            self.client: S3Client = boto3.session.Session().client(
                "s3", region_name=storage.region, endpoint_url=storage.endpoint_url, config=config
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

    def key(self, feed: str, day: dt.date) -> str:
        relative = day_path(feed, day)
        return f"{self.prefix}/{relative}" if self.prefix else relative

    def location(self, data_type: DataType, feed: str, day: dt.date) -> str:
        return f"s3://{self.buckets[data_type]}/{self.key(feed, day)}"

    def read(self, data_type: DataType, feed: str, day: dt.date) -> bytes | None:
        bucket = self.buckets[data_type]
        key = self.key(feed, day)
        try:
            response = self.client.get_object(Bucket=bucket, Key=key)
            return response["Body"].read()
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", ""))
            if code in MISSING_OBJECT:
                return None
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
                f"reading s3://{bucket}/{key} failed after retries: {error}; "
                f"check the network and storage settings in {self.origin}"
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

    def _endpoint(self) -> str:
        return self.endpoint_url or self.client.meta.endpoint_url

    def close(self) -> None:
        self.client.close()
