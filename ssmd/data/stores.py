"""Opening an environment's store: the backend for its `storage.type`.

Kept apart from `storage` (the protocol and the local backend) and `s3`
(which imports `storage`), so that no two data modules import each other:
this module imports both, neither imports it. boto3 is loaded only when an
S3 store is opened.
"""

from __future__ import annotations

from pathlib import Path

from ssmd.data.clients import ClientCache
from ssmd.data.fetch import DEFAULT_WORKERS
from ssmd.data.storage import DataError, LocalStorage, StorageBackend
from ssmd.models import Environment, StorageType

S3_CLIENT_VARIABLE = "SSMD_S3_CLIENT"
S3_CLIENTS = ("boto3", "obstore")
"""The libraries an S3 store can be read with; boto3 is the default (docs/data.md says why)."""


def s3_client_choice(explicit: str | None, variable: str | None) -> str:
    """`--s3-client`, else $SSMD_S3_CLIENT, else boto3; anything else is refused."""
    for value, source in ((explicit, "--s3-client"), (variable, f"${S3_CLIENT_VARIABLE}")):
        if value:
            if value not in S3_CLIENTS:
                raise DataError(
                    f"unknown S3 client {value!r} ({source}); choose one of "
                    + ", ".join(S3_CLIENTS)
                )
            return value
    return S3_CLIENTS[0]


def open_storage(
    environment: Environment,
    root: Path,
    origin: str,
    max_connections: int = DEFAULT_WORKERS,
    clients: ClientCache | None = None,
    s3_client: str = "boto3",
) -> StorageBackend:
    """The backend for an environment's `storage` block; `origin` is its file, for messages.

    There is no default store (SPEC section 4, no hidden defaults): an
    environment without `storage` is refused. Stores opened with the same
    `clients` share one S3 client (and its connection pool) per endpoint.
    `s3_client` is one of `S3_CLIENTS` (see `s3_client_choice`).
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

    if s3_client == "obstore":
        try:
            from ssmd.data.s3_obstore import ObstoreStorage
        except ModuleNotFoundError as missing:  # obstore is the optional `[s3-obstore]` extra
            if (missing.name or "").split(".")[0] not in {"obstore", "boto3", "botocore"}:
                raise
            raise DataError(
                f"the obstore S3 client was asked for ({S3_CLIENT_VARIABLE} or --s3-client) "
                f"but {missing.name} is not installed; install it with "
                "`pip install 'ssmd-metadata[s3-obstore]'`, or use --s3-client boto3"
            ) from None
        return ObstoreStorage(storage, origin, max_connections, ManifestCache.default(), clients)
    try:
        from ssmd.data.s3 import S3Storage  # boto3 is loaded only when an S3 store is opened
    except ModuleNotFoundError as missing:  # boto3 is the optional `[s3]` extra
        if (missing.name or "").split(".")[0] not in {"boto3", "botocore"}:
            raise
        raise DataError(
            f"environment {environment.name} stores its data in S3, which needs boto3; "
            "install it with `pip install 'ssmd-metadata[s3]'`"
        ) from None

    return S3Storage(storage, origin, max_connections, ManifestCache.default(), clients)
