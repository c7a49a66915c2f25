"""Reading many manifests at once, with bounded parallelism.

Real object stores answer one GET in tens of milliseconds, so a year of a
feed (730 manifests) read one by one takes most of a minute; a bounded pool
of threads (boto3 clients are thread-safe) overlaps the waiting. The bound
keeps the connection pool, memory and the store's rate limits in check.
A store-wide fault (`StorageError`) stops the whole read at once: the
remaining requests are cancelled, not retried one by one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait

from ssmd.data.manifest import ABSENT, DataType, ManifestRead, parse_manifest
from ssmd.data.storage import StorageBackend

DEFAULT_WORKERS = 16
Progress = Callable[[int], None]
"""Called with the number of manifests just read (from worker threads)."""
Reads = dict[tuple[DataType, dt.date], ManifestRead]


def read_manifest(
    backend: StorageBackend, data_type: DataType, feed: str, day: dt.date
) -> ManifestRead:
    content = backend.read(data_type, feed, day)
    return ABSENT if content is None else parse_manifest(content, feed, day, data_type)


def fetch_manifests(
    backend: StorageBackend,
    feed: str,
    days: Sequence[dt.date],
    workers: int = DEFAULT_WORKERS,
    progress: Progress | None = None,
) -> Reads:
    """Raw and normalized manifests of `feed` for every day, keyed by (data type, day)."""
    tasks = [(data_type, day) for day in days for data_type in DataType]
    if days:
        backend.plan(feed, min(days), max(days))

    def one(task: tuple[DataType, dt.date]) -> ManifestRead:
        result = read_manifest(backend, task[0], feed, task[1])
        if progress is not None:
            progress(1)
        return result

    if workers <= 1 or len(tasks) <= 2:
        return {task: one(task) for task in tasks}
    pool = ThreadPoolExecutor(max_workers=min(workers, len(tasks)), thread_name_prefix="manifest")
    try:
        futures: dict[Future[ManifestRead], tuple[DataType, dt.date]] = {
            pool.submit(one, task): task for task in tasks
        }
        done, _ = wait(futures, return_when=FIRST_EXCEPTION)
        for future in done:
            error = future.exception()
            if error is not None:
                raise error
        return {task: future.result() for future, task in futures.items()}
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
