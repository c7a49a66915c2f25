"""The data inventory (SPEC section 8): which days of a feed exist in storage, how good they are.

This is the only runtime state ssmd reads. It is computed from per-day
`manifest.json` files under an environment's storage, never stored in git.
`manifest` holds the file format, `storage` the backends (local folders,
S3 in `s3`, whose boto3 import happens only when an S3 store is opened),
`selection` picks the environment, and `inventory` / `day_report` compute
the reports the CLI renders.
"""

from ssmd.data.manifest import DataType, Gap, Manifest, ManifestStatus
from ssmd.data.storage import DataError, StorageBackend, StorageError

__all__ = [
    "DataError",
    "DataType",
    "Gap",
    "Manifest",
    "ManifestStatus",
    "StorageBackend",
    "StorageError",
]
